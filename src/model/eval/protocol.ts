/**
 * The tutorial's protocol on precomputed vectors: per seed a stratified split, every test face
 * matched against the train faces (rank-1, cosine), and the open-set variant that leaves each
 * person out of the gallery in turn. A row may transform vectors with a model fitted on the
 * train faces only (the triplet head), never on test faces or the left-out person.
 */
import { leadOver, Matcher, type MatcherConfig } from '../matcher.ts';
import { galleryFromRows, type GalleryKind, type GalleryPerson } from '../gallery.ts';
import { applyFusionWeight } from '../descriptors/fuse.ts';
import { dot } from '../descriptors/vector.ts';
import { stratifiedSplit } from './split.ts';
import { confusionMatrix, openSetReport, rank1Accuracy, summarize, type OpenSetReport, type OpenSetScores, type ProbeResult, type Summary } from './metrics.ts';
import type { DescriptorKind } from '../types.ts';

/** Labelled vectors in a descriptor's raw space, one per detected photo. */
export interface EvalData {
  kind: DescriptorKind;
  dim: number;
  rows: Float32Array[];
  labels: number[];
  files: string[];
  people: string[];
  /** nearCopy[i] = indices of photos that are byte- or near-identical to photo i. */
  nearCopies: number[][];
}

/** Fitted on train rows (match space), returns the map applied to every row before matching. */
export type RowTransform = (train: { rows: Float32Array[]; labels: number[] }, ctx: { seed: number; people: number[] }) => Promise<(rows: Float32Array[]) => Float32Array[]>;

export interface RowSpec {
  model: 'pretrained' | 'triplet' | 'triplet-augment';
  transform?: RowTransform;
}

export interface Miss {
  seed: number;
  file: string;
  truth: string;
  predicted: string;
  similarity: number;
  matchedFile: string;
  trueSimilarity: number;
  trueFile: string;
}

export interface ClosedSetResult {
  accuracy: Summary & { perSeed: number[] };
  confusion: number[][];
  misses: Miss[];
  /** Mean over seeds of test faces that have a near-copy in train. */
  nearCopyTestFaces: number;
  testFaces: number;
}

function toMatchSpace(data: EvalData, weight: number): Float32Array[] {
  return data.kind === 'fused' ? data.rows.map((r) => applyFusionWeight(r.slice(), weight)) : data.rows;
}

async function transformed(spec: RowSpec, rows: Float32Array[], labels: number[], train: number[], seed: number): Promise<{ rows: Float32Array[]; kind: GalleryKind | null }> {
  if (!spec.transform) return { rows, kind: null };
  const fn = await spec.transform({ rows: train.map((i) => rows[i] as Float32Array), labels: train.map((i) => labels[i] as number) }, { seed, people: [...new Set(train.map((i) => labels[i] as number))] });
  return { rows: fn(rows), kind: 'head' };
}

/** Nearest single sample among `candidates` with label filter; returns index and similarity. */
function nearest(probe: Float32Array, rows: Float32Array[], candidates: number[], accept: (i: number) => boolean): { index: number; sim: number } {
  let best = { index: -1, sim: -Infinity };
  for (const i of candidates) {
    if (!accept(i)) continue;
    const s = dot(probe, rows[i] as Float32Array);
    if (s > best.sim) best = { index: i, sim: s };
  }
  return best;
}

export async function closedSet(data: EvalData, spec: RowSpec, seeds: readonly number[], testSize: number, matcher: MatcherConfig): Promise<ClosedSetResult> {
  const base = toMatchSpace(data, matcher.fusedWeight);
  const people: GalleryPerson[] = data.people.map((name, id) => ({ id, name }));
  const perSeed: number[] = [];
  const all: ProbeResult[] = [];
  const misses: Miss[] = [];
  let nearCopy = 0;
  let testFaces = 0;
  for (const seed of seeds) {
    const { train, test } = stratifiedSplit(data.labels, testSize, seed);
    const { rows, kind } = await transformed(spec, base, data.labels, train, seed);
    const gKind: GalleryKind = kind ?? (data.kind === 'fused' ? 'faceres' : data.kind);
    // Rows are already in match space: a non-fused kind keeps the matcher from weighting them again.
    const m = new Matcher(galleryFromRows(gKind, rows[0]?.length ?? data.dim, people, train.map((i) => rows[i] as Float32Array), train.map((i) => data.labels[i] as number)), { ...matcher, threshold: -Infinity });
    const trainSet = new Set(train);
    const results: ProbeResult[] = [];
    for (const t of test) {
      const probe = rows[t] as Float32Array;
      const scores = m.scorePeople(probe);
      let predicted = 0;
      for (let p = 1; p < scores.length; p++) if ((scores[p] as number) > (scores[predicted] as number)) predicted = p;
      const truth = data.labels[t] as number;
      const r: ProbeResult = { truth, predicted, score: scores[predicted] as number, trueScore: scores[truth] as number };
      results.push(r);
      if ((data.nearCopies[t] ?? []).some((j) => trainSet.has(j))) nearCopy++;
      if (predicted !== truth) {
        const matched = nearest(probe, rows, train, (i) => data.labels[i] === predicted);
        const own = nearest(probe, rows, train, (i) => data.labels[i] === truth);
        misses.push({
          seed, file: data.files[t] as string, truth: data.people[truth] as string, predicted: data.people[predicted] as string,
          similarity: matched.sim, matchedFile: data.files[matched.index] ?? '', trueSimilarity: own.sim, trueFile: data.files[own.index] ?? '',
        });
      }
    }
    testFaces += test.length;
    perSeed.push(rank1Accuracy(results));
    all.push(...results);
  }
  return {
    accuracy: { ...summarize(perSeed), perSeed },
    confusion: confusionMatrix(all, data.people.length),
    misses,
    nearCopyTestFaces: nearCopy / seeds.length,
    testFaces: testFaces / seeds.length,
  };
}

/**
 * Leave-one-person-out: for every seed and every person L, the gallery is the other people's train
 * faces; their test faces are genuine probes and every photo of L is an impostor probe.
 */
export async function openSetScores(data: EvalData, spec: RowSpec, seeds: readonly number[], testSize: number, matcher: MatcherConfig): Promise<OpenSetScores> {
  const base = toMatchSpace(data, matcher.fusedWeight);
  const people: GalleryPerson[] = data.people.map((name, id) => ({ id, name }));
  const genuine: ProbeResult[] = [];
  const impostor: number[] = [];
  const impostorMargins: number[] = [];
  for (const seed of seeds) {
    const { train, test } = stratifiedSplit(data.labels, testSize, seed);
    for (let left = 0; left < data.people.length; left++) {
      const gTrain = train.filter((i) => data.labels[i] !== left);
      const { rows, kind } = await transformed(spec, base, data.labels, gTrain, seed);
      const gKind: GalleryKind = kind ?? (data.kind === 'fused' ? 'faceres' : data.kind);
      const m = new Matcher(galleryFromRows(gKind, rows[0]?.length ?? data.dim, people, gTrain.map((i) => rows[i] as Float32Array), gTrain.map((i) => data.labels[i] as number)), { ...matcher, threshold: -Infinity });
      const best = (probe: Float32Array): { p: number; s: number; margin: number; scores: Float32Array } => {
        const scores = m.scorePeople(probe);
        let p = -1;
        for (let q = 0; q < scores.length; q++) if (q !== left && (p < 0 || (scores[q] as number) > (scores[p] as number))) p = q;
        return { p, s: scores[p] as number, margin: leadOver(scores, p, left), scores };
      };
      for (const t of test) {
        const truth = data.labels[t] as number;
        if (truth === left) continue;
        const b = best(rows[t] as Float32Array);
        genuine.push({ truth, predicted: b.p, score: b.s, trueScore: b.scores[truth] as number, margin: b.margin });
      }
      data.labels.forEach((l, i) => {
        if (l !== left) return;
        const b = best(rows[i] as Float32Array);
        impostor.push(b.s);
        impostorMargins.push(b.margin);
      });
    }
  }
  return { genuine, impostor, impostorMargins };
}

export async function openSet(data: EvalData, spec: RowSpec, seeds: readonly number[], testSize: number, matcher: MatcherConfig): Promise<OpenSetReport & { scores: OpenSetScores }> {
  const scores = await openSetScores(data, spec, seeds, testSize, matcher);
  return { ...openSetReport(scores, { threshold: matcher.threshold, minMargin: matcher.minMargin }), scores };
}
