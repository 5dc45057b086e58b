/**
 * `kiosk eval`: the tutorial's protocol on a folder-per-person data set — stratified split per
 * seed, rank-1 by cosine against the train faces — plus leave-one-person-out open-set figures,
 * near-duplicate accounting, and the fusion-weight trade-off.
 */
import { KioskError } from '../errors.ts';
import { concatRaw } from '../model/descriptors/fuse.ts';
import { listDataset, type Dataset } from '../model/eval/dataset.ts';
import { baseKinds, embedDataset, type EmbeddedImage } from '../model/eval/embed-dataset.ts';
import { duplicateGroups } from '../model/eval/near-duplicates.ts';
import { closedSet, openSet, type ClosedSetResult, type EvalData, type Miss, type RowSpec } from '../model/eval/protocol.ts';
import { embedAugmented, type PhotoVariants } from '../model/triplet/augment-dataset.ts';
import { emptyStats, headRowTransform, summarizeFits, variantMap, type HeadRowSummary } from '../model/triplet/eval-rows.ts';
import type { TripletOptions } from '../model/triplet/options.ts';
import type { OpenSetReport, OpenSetScores } from '../model/eval/metrics.ts';
import type { MatcherConfig } from '../model/matcher.ts';
import type { DescriptorKind } from '../model/types.ts';
import type { CliContext } from './context.ts';
import { progressBar } from './progress.ts';

/** The FaceNet tutorial's published figures on its 5-person set, printed for reference. */
export const TUTORIAL_REFERENCE = { pretrained: 0.621, triplet: 0.655, 'triplet-augment': 0.69 } as const;
/** dHash bits within which two photos count as near-identical (measured: true copies differ by ≤ 10). */
export const NEAR_COPY_MAX_HAMMING = 10;
export const FUSION_SWEEP_WEIGHTS = [0, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 1] as const;

export interface EvalRequest {
  dataset: string;
  testSize: number;
  seeds: number;
  descriptors: DescriptorKind[];
  openSet: boolean;
  dedup: boolean;
  fusionSweep: boolean;
  cache: boolean;
  /** Extra rows (triplet heads) beside `pretrained`; each gets every descriptor. */
  extraRows?: RowSpec[];
  /** Adds the `triplet` and `triplet-augment` rows: a head trained on each split's train faces (augmentCount variants per train photo for the second). */
  triplet?: { options: TripletOptions; augmentCount: number };
}

export interface EvalRowJson {
  model: RowSpec['model'];
  descriptor: DescriptorKind;
  metric: 'cosine';
  accuracy: ClosedSetResult['accuracy'];
  confusion: number[][];
  misses: Miss[];
  nearCopyTestFaces: number;
  testFaces: number;
  openSet?: OpenSetReport;
  head?: HeadRowSummary;
}

export interface EvalJson {
  dataset: string;
  images: number;
  detected: number;
  undetected: string[];
  errors: { file: string; error: string }[];
  people: string[];
  testSize: number;
  seeds: number[];
  dedup: boolean;
  duplicates: { byteIdenticalPairs: number; nearIdenticalGroups: string[][]; removed: string[] };
  matcher: { threshold: number; minMargin: number; aggregate: string; fusedWeight: number };
  reference: typeof TUTORIAL_REFERENCE;
  rows: EvalRowJson[];
  fusionSweep?: { weight: number; accuracy: number; minAccuracy: number; tarAtFar1: number; thresholdAtFar1: number; tarAtFar01: number }[];
}

export interface EvalOutcome {
  json: EvalJson;
  /** Open-set scores per row (same order as rows), for the report's histograms. */
  scores: (OpenSetScores | null)[];
  embedded: EmbeddedImage[];
  data: Map<DescriptorKind, EvalData>;
  datasetInfo: Dataset;
}


function buildData(kind: DescriptorKind, kept: readonly EmbeddedImage[], people: string[], nearCopies: number[][]): EvalData {
  const rows = kept.map((e) => {
    const f = e.descriptors.faceres;
    const d = e.descriptors.dlib128;
    if (kind === 'fused') return concatRaw(f as Float32Array, d as Float32Array);
    return e.descriptors[kind] as Float32Array;
  });
  return {
    kind,
    dim: rows[0]?.length ?? 0,
    rows,
    labels: kept.map((e) => e.image.label),
    files: kept.map((e) => e.image.file),
    people,
    nearCopies,
  };
}

export async function runEval(ctx: CliContext, req: EvalRequest): Promise<EvalOutcome> {
  if (!(req.seeds >= 1)) throw new KioskError('USAGE', `--seeds must be at least 1, got ${req.seeds}`);
  const dataset = await listDataset(req.dataset);
  const engine = await ctx.engine(true);
  const bar = progressBar(dataset.images.length, 'embed');
  const embedded = await embedDataset(engine, ctx.config.model, dataset, {
    kinds: baseKinds(req.descriptors),
    cacheFile: req.cache ? ctx.cachePath('eval-embeddings.json') : undefined,
    onProgress: (done, _total, file) => bar.update(done, file),
  });
  bar.stop();

  const detected = embedded.filter((e) => e.faces > 0);
  const groups = duplicateGroups(detected.map((e) => e.print), NEAR_COPY_MAX_HAMMING);
  const removed = new Set<number>();
  if (req.dedup) for (const g of groups) for (const i of g.slice(1)) removed.add(i);
  const keptIdx = detected.map((_, i) => i).filter((i) => !removed.has(i));
  const kept = keptIdx.map((i) => detected[i] as EmbeddedImage);
  const position = new Map(keptIdx.map((orig, k) => [orig, k]));
  const nearCopies: number[][] = kept.map(() => []);
  for (const g of groups) {
    const ks = g.map((i) => position.get(i)).filter((k): k is number => k !== undefined);
    for (const a of ks) for (const b of ks) if (a !== b) nearCopies[a]?.push(b);
  }

  const seeds = Array.from({ length: req.seeds }, (_, i) => i);
  const m = ctx.config.model;
  const matcher: MatcherConfig = { ...m.matcher, fusedWeight: m.descriptor.fusedWeight };
  const specs: RowSpec[] = [{ model: 'pretrained' }, ...(req.extraRows ?? [])];
  const rows: EvalRowJson[] = [];
  const scores: (OpenSetScores | null)[] = [];
  const data = new Map<DescriptorKind, EvalData>();
  const dataOf = (kind: DescriptorKind): EvalData => {
    const d = data.get(kind) ?? buildData(kind, kept, dataset.people, nearCopies);
    data.set(kind, d);
    return d;
  };
  const evalRow = async (spec: RowSpec, kind: DescriptorKind): Promise<EvalRowJson> => {
    const d = dataOf(kind);
    const closed = await closedSet(d, spec, seeds, req.testSize, matcher);
    const row: EvalRowJson = { model: spec.model, descriptor: kind, metric: 'cosine', accuracy: closed.accuracy, confusion: closed.confusion, misses: closed.misses, nearCopyTestFaces: closed.nearCopyTestFaces, testFaces: closed.testFaces };
    if (req.openSet) {
      const { scores: s, ...report } = await openSet(d, spec, seeds, req.testSize, matcher);
      row.openSet = report;
      scores.push(s);
    } else scores.push(null);
    rows.push(row);
    return row;
  };
  for (const spec of specs) for (const kind of req.descriptors) await evalRow(spec, kind);
  if (req.triplet) {
    const { options, augmentCount } = req.triplet;
    const variants = augmentCount > 0 ? await augmentedVariants(ctx, kept, req, augmentCount) : [];
    // The kiosk's threshold is fixed in the config: a head must not shift the score scale under it.
    const headOptions: TripletOptions = { ...options, operatingThreshold: options.operatingThreshold ?? matcher.threshold };
    for (const model of ['triplet', 'triplet-augment'] as const) {
      for (const kind of req.descriptors) {
        const stats = emptyStats();
        const n = model === 'triplet' ? 0 : augmentCount;
        const transform = headRowTransform({
          kind, options: headOptions, modelVersion: engine.info.descriptor.version, stats,
          ...(n > 0 ? { variants: variantMap(kind, kept, variants, matcher.fusedWeight) } : {}),
        });
        const row = await evalRow({ model, transform }, kind);
        row.head = summarizeFits(stats, n);
      }
    }
  }

  const json: EvalJson = {
    dataset: req.dataset,
    images: dataset.images.length,
    detected: detected.length,
    undetected: embedded.filter((e) => e.faces === 0 && e.error === null).map((e) => e.image.file),
    errors: embedded.filter((e) => e.error !== null).map((e) => ({ file: e.image.file, error: e.error as string })),
    people: dataset.people,
    testSize: req.testSize,
    seeds,
    dedup: req.dedup,
    duplicates: {
      byteIdenticalPairs: countIdenticalPairs(detected),
      nearIdenticalGroups: groups.map((g) => g.map((i) => detected[i]?.image.file ?? '')),
      removed: [...removed].map((i) => detected[i]?.image.file ?? ''),
    },
    matcher: { threshold: matcher.threshold, minMargin: matcher.minMargin, aggregate: matcher.aggregate, fusedWeight: matcher.fusedWeight },
    reference: TUTORIAL_REFERENCE,
    rows,
  };
  if (req.fusionSweep) {
    const d = data.get('fused') ?? buildData('fused', kept, dataset.people, nearCopies);
    json.fusionSweep = [];
    for (const weight of FUSION_SWEEP_WEIGHTS) {
      const mc = { ...matcher, fusedWeight: weight };
      const c = await closedSet(d, { model: 'pretrained' }, seeds, req.testSize, mc);
      const o = await openSet(d, { model: 'pretrained' }, seeds, req.testSize, mc);
      json.fusionSweep.push({
        weight, accuracy: c.accuracy.mean, minAccuracy: c.accuracy.min,
        tarAtFar1: o.atFar['0.01']?.tar ?? 0, thresholdAtFar1: o.atFar['0.01']?.threshold ?? 0, tarAtFar01: o.atFar['0.001']?.tar ?? 0,
      });
    }
  }
  return { json, scores, embedded, data, datasetInfo: dataset };
}

async function augmentedVariants(ctx: CliContext, kept: readonly EmbeddedImage[], req: EvalRequest, count: number): Promise<PhotoVariants[]> {
  const triplet = req.triplet as NonNullable<EvalRequest['triplet']>;
  const engine = await ctx.engine(true);
  const bar = progressBar(kept.length, `augment ×${count}`);
  try {
    return await embedAugmented(engine, ctx.config.model, kept, {
      kinds: baseKinds(req.descriptors), augment: triplet.options.augment, count, seed: triplet.options.seed,
      cacheFile: req.cache ? ctx.cachePath(`eval-augmented-x${count}.json`) : undefined,
      onProgress: (done, _total, file) => bar.update(done, file),
    });
  } finally {
    bar.stop();
  }
}

function countIdenticalPairs(items: readonly EmbeddedImage[]): number {
  const bySha = new Map<string, number>();
  for (const e of items) bySha.set(e.print.sha256, (bySha.get(e.print.sha256) ?? 0) + 1);
  let pairs = 0;
  for (const n of bySha.values()) pairs += (n * (n - 1)) / 2;
  return pairs;
}
