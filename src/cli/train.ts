/**
 * `kiosk train`: train the triplet head on a data set folder or on the enrolled gallery, validate
 * it on held-out faces against the pretrained descriptor (stand-in strangers included), store it,
 * and make it the kiosk's active head only if it is at least as good (src/model/triplet/decision.ts).
 */
import { join } from 'node:path';
import { z } from 'zod';
import { KioskError } from '../errors.ts';
import { concatRaw } from '../model/descriptors/fuse.ts';
import { listDataset } from '../model/eval/dataset.ts';
import { baseKinds, embedDataset, type BaseDescriptor } from '../model/eval/embed-dataset.ts';
import { embedAugmented } from '../model/triplet/augment-dataset.ts';
import { compareFigures, decideActivation } from '../model/triplet/decision.ts';
import { HeadStore } from '../model/triplet/head-store.ts';
import { toHeadInput } from '../model/triplet/match-space.ts';
import type { ValidationFigures } from '../model/triplet/metrics.ts';
import { tripletOptionsSchema, type TripletOptions } from '../model/triplet/options.ts';
import { trainHead, type EpochReport, type TripletTrainingData } from '../model/triplet/train.ts';
import type { DescriptorKind } from '../model/types.ts';
import type { CliContext } from './context.ts';
import { progressBar, type Progress } from './progress.ts';

/** Where heads live under the data folder. */
export const MODELS_DIR = 'models';

/**
 * The triplet options in force: the config's `triplet` slice (once the lead composes it into the
 * global schema) with `--triplet-options` JSON layered on top, validated.
 */
export function tripletOptionsFor(ctx: CliContext, overridesJson?: string): TripletOptions {
  const fromConfig = (ctx.config as unknown as { triplet?: unknown }).triplet ?? {};
  let overrides: unknown = {};
  if (overridesJson) {
    try {
      overrides = JSON.parse(overridesJson);
    } catch (err) {
      throw new KioskError('USAGE', `--triplet-options is not JSON: ${(err as Error).message}`, { hint: 'e.g. --triplet-options \'{"guardBaseline":false}\'' });
    }
  }
  const merged = { ...(fromConfig as object), ...(overrides as object) };
  const parsed = tripletOptionsSchema.safeParse(merged);
  if (!parsed.success) throw new KioskError('CONFIG_INVALID', `invalid triplet options: ${z.prettifyError(parsed.error)}`, { hint: 'see src/model/triplet/options.ts' });
  // The kiosk matches at the configured threshold; a head must not shift scores under it.
  return { ...parsed.data, operatingThreshold: parsed.data.operatingThreshold ?? ctx.config.model.matcher.threshold };
}

export interface TrainRequest {
  /** Folder-per-person data set; absent = the enrolled gallery. */
  dataset?: string | undefined;
  /** Augmented variants per photo (data set only: the gallery keeps descriptors, not photos). */
  augment: number;
  tripletOptions?: string | undefined;
  cache: boolean;
}

export interface TrainSummary {
  source: 'dataset' | 'gallery';
  dataset: string | null;
  people: string[];
  photos: number;
  rows: number;
  augment: number;
  descriptor: { kind: DescriptorKind; version: string; fusedWeight: number | null };
  trainSeconds: number;
  epochsRun: number;
  bestEpoch: number;
  stopReason: string;
  refitEpochs: number;
  folds: number;
  validation: { pretrained: ValidationFigures | null; head: ValidationFigures | null };
  decision: { activate: boolean; reason: string };
  saved: { latest: string; active: string | null };
}

function rowOf(kind: DescriptorKind, d: Partial<Record<BaseDescriptor, Float32Array>>): Float32Array | null {
  if (kind === 'fused') return d.faceres && d.dlib128 ? concatRaw(d.faceres, d.dlib128) : null;
  return d[kind] ?? null;
}

interface Prepared {
  data: TripletTrainingData;
  people: string[];
  photos: number;
  fusedWeight: number | null;
}

async function fromDataset(ctx: CliContext, dir: string, augment: number, options: TripletOptions, cache: boolean): Promise<Prepared> {
  const dataset = await listDataset(dir);
  const engine = await ctx.engine(true);
  const kind = ctx.config.model.descriptor.kind;
  const fusedWeight = kind === 'fused' ? ctx.config.model.descriptor.fusedWeight : null;
  const kinds = baseKinds([kind]);
  let bar = progressBar(dataset.images.length, 'embed');
  const embedded = await embedDataset(engine, ctx.config.model, dataset, {
    kinds, cacheFile: cache ? ctx.cachePath('eval-embeddings.json') : undefined, onProgress: (done, _t, file) => bar.update(done, file),
  });
  bar.stop();
  const kept = embedded.filter((e) => e.faces > 0 && rowOf(kind, e.descriptors));
  let variants: Partial<Record<BaseDescriptor, Float32Array[]>>[] = [];
  if (augment > 0) {
    bar = progressBar(kept.length, `augment ×${augment}`);
    variants = await embedAugmented(engine, ctx.config.model, kept, {
      kinds, augment: options.augment, count: augment, seed: options.seed,
      cacheFile: cache ? ctx.cachePath(`eval-augmented-x${augment}.json`) : undefined, onProgress: (done, _t, file) => bar.update(done, file),
    });
    bar.stop();
  }
  const rows: Float32Array[] = [];
  const labels: number[] = [];
  const sources: number[] = [];
  const variant: number[] = [];
  kept.forEach((e, i) => {
    rows.push(rowOf(kind, e.descriptors) as Float32Array);
    labels.push(e.image.label);
    sources.push(i);
    variant.push(0);
    const v = variants[i] ?? {};
    const n = Math.min(...kinds.map((k) => v[k]?.length ?? 0));
    for (let j = 0; j < n; j++) {
      const row = rowOf(kind, Object.fromEntries(kinds.map((k) => [k, v[k]?.[j]])));
      if (!row) continue;
      rows.push(row);
      labels.push(e.image.label);
      sources.push(i);
      variant.push(1);
    }
  });
  const dim = rows[0]?.length ?? 0;
  const flat = new Float32Array(rows.length * dim);
  rows.forEach((r, i) => flat.set(r, i * dim));
  return {
    data: {
      descriptors: toHeadInput(kind, flat, fusedWeight), dim, labels: Int32Array.from(labels), sources: Int32Array.from(sources), variant: Uint8Array.from(variant),
      names: new Map(dataset.people.map((p, i) => [i, p])), descriptorKind: kind, modelVersion: engine.info.descriptor.version,
    },
    people: dataset.people,
    photos: kept.length,
    fusedWeight,
  };
}

function fromGallery(ctx: CliContext): Prepared {
  const kind = ctx.config.model.descriptor.kind;
  const fusedWeight = kind === 'fused' ? ctx.config.model.descriptor.fusedWeight : null;
  const g = ctx.store().people.loadGallery(kind);
  if (g.personIndex.length === 0) throw new KioskError('GALLERY_EMPTY', `no ${kind} samples are enrolled`, { hint: 'run `kiosk enroll <dir>` first, or pass --dataset <dir>' });
  if (g.modelVersions.length > 1) {
    throw new KioskError('GALLERY_MODEL_MISMATCH', `the gallery mixes descriptor models (${g.modelVersions.join(', ')})`, { hint: 're-enroll so that every sample comes from one model' });
  }
  return {
    data: {
      descriptors: toHeadInput(kind, g.descriptors, fusedWeight), dim: g.dim, labels: Int32Array.from(g.personIndex),
      names: new Map(g.people.map((p, i) => [i, p.name])), descriptorKind: kind, modelVersion: g.modelVersions[0] ?? '',
    },
    people: g.people.map((p) => p.name),
    photos: g.personIndex.length,
    fusedWeight,
  };
}

/** Epoch progress on stderr: one bar per phase, the loss (and the monitored figure) as its label. */
function epochProgress(): { onEpoch: (e: EpochReport) => void; stop: () => void } {
  let bar: Progress | null = null;
  let phase: EpochReport['phase'] | null = null;
  return {
    onEpoch: (e) => {
      if (e.phase !== phase) {
        bar?.stop();
        phase = e.phase;
        bar = progressBar(e.maxEpochs, e.phase === 'validate' ? 'train (validation folds)' : 'train (final head)');
      }
      const monitored = e.monitored === null ? '' : `  held-out ${(e.monitored * 100).toFixed(1)}%${e.improved ? ' *' : ''}`;
      bar?.update(e.epoch, `epoch ${e.epoch}  loss ${e.loss.toFixed(4)}${monitored}`);
    },
    stop: () => bar?.stop(),
  };
}

export async function runTrain(ctx: CliContext, req: TrainRequest, clock: () => number = () => performance.now()): Promise<TrainSummary> {
  const options = tripletOptionsFor(ctx, req.tripletOptions);
  if (req.augment > 0 && !req.dataset) throw new KioskError('USAGE', '--augment needs --dataset: the gallery keeps descriptors, not photos', { hint: 'pass --dataset <dir> or drop --augment' });
  const prepared = req.dataset ? await fromDataset(ctx, req.dataset, req.augment, options, req.cache) : fromGallery(ctx);
  const progress = epochProgress();
  const started = clock();
  let result;
  try {
    result = await trainHead(prepared.data, options, { onEpoch: progress.onEpoch });
  } finally {
    progress.stop();
  }
  const trainSeconds = (clock() - started) / 1000;
  const { head, metadata } = result;
  try {
    const decision = decideActivation(metadata);
    const full = {
      ...metadata,
      inputSpace: { kind: prepared.data.descriptorKind, fusedWeight: prepared.fusedWeight },
      decision: { activate: decision.activate, reason: decision.reason, decidedAt: new Date().toISOString() },
      trainSeconds,
    };
    const store = new HeadStore(join(ctx.dataDir, MODELS_DIR));
    await store.saveLatest(head, full);
    if (decision.activate) await store.activate(head, full);
    return {
      source: req.dataset ? 'dataset' : 'gallery',
      dataset: req.dataset ?? null,
      people: prepared.people,
      photos: prepared.photos,
      rows: prepared.data.labels.length,
      augment: req.dataset ? req.augment : 0,
      descriptor: { kind: prepared.data.descriptorKind, version: prepared.data.modelVersion, fusedWeight: prepared.fusedWeight },
      trainSeconds,
      epochsRun: metadata.epochsRun,
      bestEpoch: metadata.bestEpoch,
      stopReason: metadata.stopReason,
      refitEpochs: metadata.refit?.epochs ?? 0,
      folds: metadata.validation.folds?.length ?? 0,
      validation: { pretrained: metadata.validation.baseline, head: metadata.validation.best },
      decision: { activate: decision.activate, reason: decision.reason },
      saved: { latest: store.latestDir, active: decision.activate ? store.activeDir : null },
    };
  } finally {
    head.dispose();
  }
}

export function formatTrain(s: TrainSummary): string {
  const out: string[] = [];
  const from = s.source === 'dataset' ? `data set ${s.dataset}` : 'the enrolled gallery';
  out.push(`trained on ${from}: ${s.photos} photos of ${s.people.length} people${s.augment ? ` + ${s.rows - s.photos} augmented variants (×${s.augment})` : ''}, ${s.descriptor.kind} descriptor`);
  out.push(`training time: ${s.trainSeconds.toFixed(1)} s (${s.folds} validation fold${s.folds === 1 ? '' : 's'} × ${s.epochsRun} epochs, stopped by ${s.stopReason}; best epoch ${s.bestEpoch}${s.refitEpochs ? `, final head ${s.refitEpochs} epochs on all faces` : ''})`);
  out.push(`held-out faces (head vs pretrained): ${compareFigures(s.validation.head, s.validation.pretrained)}`);
  out.push(`decision: ${s.decision.reason}`);
  out.push(`saved: ${s.saved.latest}${s.saved.active ? `; active head: ${s.saved.active}` : ' (not active; the kiosk keeps its current descriptor)'}`);
  return out.join('\n');
}
