/**
 * The `triplet` and `triplet-augment` rows of an evaluation: a RowTransform that trains a head on
 * exactly the train rows the protocol hands it (a seed's train faces, minus the left-out person in
 * the open-set protocol) and maps every row through it. The augment row adds the augmented variants
 * of those train photos only; test photos and the left-out person's never reach training.
 */
import { applyFusionWeight, concatRaw } from '../descriptors/fuse.ts';
import type { EmbeddedImage } from '../eval/embed-dataset.ts';
import type { RowTransform } from '../eval/protocol.ts';
import type { PhotoVariants } from './augment-dataset.ts';
import type { DescriptorKind } from '../types.ts';
import { embedRows } from './embed.ts';
import type { TripletOptions } from './options.ts';
import { trainHead } from './train.ts';
import type { GuardCheck } from './fold-eval.ts';

/** Identifies a match-space row by its exact bytes (the protocol passes rows, not indices). */
export function rowKey(row: Float32Array): string {
  return Buffer.from(row.buffer, row.byteOffset, row.byteLength).toString('base64');
}

/** How the fits of one row went: how often the guard kept the identity head, and why. */
export interface HeadFitStats {
  fits: number;
  /** Fits whose validation kept the identity head (the row then equals pretrained for that split). */
  identity: number;
  bestEpochs: number[];
  /** Per fit where the guard refused a trained epoch: the checks the best-scoring refused epoch failed. */
  refusals: GuardCheck[][];
  trainMs: number;
}

export function emptyStats(): HeadFitStats {
  return { fits: 0, identity: 0, bestEpochs: [], refusals: [], trainMs: 0 };
}

export interface HeadRowConfig {
  kind: DescriptorKind;
  options: TripletOptions;
  modelVersion: string;
  /** Match-space variants per photo, found by the photo's match-space row (rowKey); absent for the plain row. */
  variants?: ReadonlyMap<string, readonly Float32Array[]>;
  stats: HeadFitStats;
  now?: () => number;
}

export function headRowTransform(cfg: HeadRowConfig): RowTransform {
  const clock = cfg.now ?? (() => performance.now());
  return async (train, ctx) => {
    const dim = train.rows[0]?.length ?? 0;
    const rows: Float32Array[] = [];
    const labels: number[] = [];
    const sources: number[] = [];
    const variant: number[] = [];
    train.rows.forEach((r, i) => {
      rows.push(r);
      labels.push(train.labels[i] as number);
      sources.push(i);
      variant.push(0);
      for (const v of cfg.variants?.get(rowKey(r)) ?? []) {
        rows.push(v);
        labels.push(train.labels[i] as number);
        sources.push(i);
        variant.push(1);
      }
    });
    const flat = new Float32Array(rows.length * dim);
    rows.forEach((r, i) => flat.set(r, i * dim));
    const started = clock();
    const { head, metadata } = await trainHead(
      {
        descriptors: flat, dim, labels: Int32Array.from(labels), sources: Int32Array.from(sources), variant: Uint8Array.from(variant),
        names: new Map(ctx.people.map((p) => [p, String(p)])), descriptorKind: cfg.kind, modelVersion: cfg.modelVersion,
      },
      // Each seed's split trains with its own stream, as each would on a kiosk.
      { ...cfg.options, seed: cfg.options.seed + ctx.seed },
    );
    cfg.stats.trainMs += clock() - started;
    cfg.stats.fits++;
    cfg.stats.bestEpochs.push(metadata.bestEpoch);
    if (metadata.validation.refused) cfg.stats.refusals.push(metadata.validation.refused.failures.map((f) => f.check));
    if (metadata.bestEpoch === 0) {
      // The identity head: the raw (match-space) rows, unchanged.
      cfg.stats.identity++;
      head.dispose();
      return (all) => all;
    }
    return (all) => {
      try {
        return embedRows(head, all);
      } finally {
        head.dispose();
      }
    };
  };
}

/** How a triplet row's heads came out over all its splits. */
export interface HeadRowSummary {
  fits: number;
  /** Fits where validation kept the identity head, i.e. the pretrained descriptor. */
  identityFits: number;
  meanBestEpoch: number;
  trainSeconds: number;
  /** Why the guard refused trained epochs: each failed check with the number of fits it came up in. */
  refusals: { reason: string; fits: number }[];
  augmentCount: number;
}

/** Each kept photo's match-space row → its variants in the same space (fused rows weighted like the protocol's). */
export function variantMap(kind: DescriptorKind, kept: readonly EmbeddedImage[], variants: readonly PhotoVariants[], fusedWeight: number): Map<string, Float32Array[]> {
  const toMatch = (f: Float32Array | undefined, d: Float32Array | undefined): Float32Array => {
    if (kind === 'fused') return applyFusionWeight(concatRaw(f as Float32Array, d as Float32Array), fusedWeight);
    return (kind === 'faceres' ? f : d) as Float32Array;
  };
  const out = new Map<string, Float32Array[]>();
  kept.forEach((e, i) => {
    const v = variants[i] ?? {};
    const n = Math.min(v.faceres?.length ?? Infinity, v.dlib128?.length ?? Infinity);
    if (!Number.isFinite(n)) return;
    const list: Float32Array[] = [];
    for (let j = 0; j < n; j++) list.push(toMatch(v.faceres?.[j], v.dlib128?.[j]));
    out.set(rowKey(toMatch(e.descriptors.faceres, e.descriptors.dlib128)), list);
  });
  return out;
}

export function summarizeFits(stats: HeadFitStats, augmentCount: number): HeadRowSummary {
  const counts = new Map<string, number>();
  for (const checks of stats.refusals) {
    for (const c of new Set(checks)) counts.set(c, (counts.get(c) ?? 0) + 1);
    // A candidate that passed every held-out check and was refused only for the size of the gallery.
    if (checks.length > 0 && checks.every((c) => c === 'minPeople')) counts.set('minPeople only', (counts.get('minPeople only') ?? 0) + 1);
  }
  return {
    fits: stats.fits,
    identityFits: stats.identity,
    meanBestEpoch: stats.bestEpochs.length ? stats.bestEpochs.reduce((a, b) => a + b, 0) / stats.bestEpochs.length : 0,
    trainSeconds: stats.trainMs / 1000,
    refusals: [...counts].map(([reason, fits]) => ({ reason, fits })).sort((a, b) => b.fits - a.fits),
    augmentCount,
  };
}
