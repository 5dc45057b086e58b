/**
 * Scoring a head on one validation fold, and combining folds. The fold's real photos are embedded
 * once and compared through one similarity matrix (a single matMul on the backend), which is what
 * keeps per-epoch validation cheap next to the training steps.
 */
import { tf } from '../tfjs.ts';
import type * as TF from '@tensorflow/tfjs';
import type { TripletHead } from './head.ts';
import type { Holdout } from './holdout.ts';
import { farAtTar, matrixSimilarity, openSetFigures, openSetProbes, validationFiguresBy, type OpenSetFigures, type ValidationFigures } from './metrics.ts';

export class FoldEvaluator {
  readonly fold: Holdout;
  readonly #rows: Int32Array;
  readonly #labels: Int32Array;
  readonly #sources: Int32Array | undefined;
  readonly #gallery: Int32Array;
  readonly #validation: Int32Array;
  readonly #strangers: Int32Array;
  readonly #far: number;
  readonly #operatingThreshold: number | null;
  /** TAR of the identity head on this fold: the level at which later epochs' FAR is read. */
  #targetTar: number | null = null;

  constructor(fold: Holdout, labels: Int32Array, sources: Int32Array | undefined, far: number, operatingThreshold: number | null) {
    this.fold = fold;
    this.#far = far;
    this.#operatingThreshold = operatingThreshold;
    this.#rows = Int32Array.from(new Set([...fold.gallery, ...fold.validation, ...fold.strangers])).sort();
    const at = new Map<number, number>();
    this.#rows.forEach((r, i) => at.set(r, i));
    const remap = (ix: Int32Array): Int32Array => Int32Array.from(ix, (r) => at.get(r) as number);
    this.#labels = Int32Array.from(this.#rows, (r) => labels[r] as number);
    this.#sources = sources ? Int32Array.from(this.#rows, (r) => sources[r] as number) : undefined;
    this.#gallery = remap(fold.gallery);
    this.#validation = remap(fold.validation);
    this.#strangers = remap(fold.strangers);
  }

  get hasValidation(): boolean {
    return this.#validation.length > 0 && this.#gallery.length > 0;
  }

  /** Figures of `head` on this fold; the first call must be the untrained head (it fixes the target TAR). */
  evaluate(head: TripletHead, all: TF.Tensor2D): ValidationFigures {
    const n = this.#rows.length;
    const gram = tf.tidy(() => {
      const e = head.apply(tf.gather(all, tf.tensor1d(this.#rows, 'int32')) as TF.Tensor2D);
      return tf.matMul(e, tf.transpose(e));
    });
    let matrix: Float32Array;
    try {
      matrix = gram.dataSync() as Float32Array;
    } finally {
      gram.dispose();
    }
    const sim = matrixSimilarity(matrix, n);
    const figures = validationFiguresBy(sim, this.#labels, this.#gallery, this.#validation, this.#far, this.#sources);
    if (this.#strangers.length === 0) return { ...figures, openSet: null };
    const probes = openSetProbes(sim, this.#labels, this.#gallery, this.#validation, this.#strangers);
    let open = openSetFigures(probes, this.#far, this.#targetTar, this.#operatingThreshold);
    if (open && this.#targetTar === null) {
      this.#targetTar = open.tarAtFar;
      open = { ...open, targetTar: open.tarAtFar, farAtTar: farAtTar(probes, open.tarAtFar) };
    }
    return { ...figures, openSet: open };
  }
}

function meanOf(values: readonly (number | null | undefined)[]): number | null {
  const xs = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  return xs.length === values.length && xs.length > 0 ? xs.reduce((a, b) => a + b, 0) / xs.length : null;
}

/** Field-wise mean over folds (a figure missing in any fold is null); pair counts are summed. */
export function meanFigures(folds: readonly ValidationFigures[]): ValidationFigures | null {
  const first = folds[0];
  if (!first) return null;
  if (folds.length === 1) return first;
  const m = (f: (v: ValidationFigures) => number | null | undefined): number | null => meanOf(folds.map(f));
  let openSet: OpenSetFigures | null = null;
  const opens = folds.map((f) => f.openSet ?? null);
  if (opens.every((o): o is OpenSetFigures => o !== null)) {
    const om = (f: (o: OpenSetFigures) => number | null): number | null => meanOf(opens.map(f));
    openSet = {
      tarAtFar: om((o) => o.tarAtFar) ?? 0,
      threshold: om((o) => o.threshold) ?? 0,
      farAtTar: om((o) => o.farAtTar),
      targetTar: om((o) => o.targetTar),
      meanGenuine: om((o) => o.meanGenuine) ?? 0,
      meanStranger: om((o) => o.meanStranger) ?? 0,
      genuineProbes: opens.reduce((s, o) => s + o.genuineProbes, 0),
      strangerProbes: opens.reduce((s, o) => s + o.strangerProbes, 0),
      atThreshold: opens.every((o) => o.atThreshold !== null) && opens[0]?.atThreshold
        ? { threshold: opens[0].atThreshold.threshold, tar: meanOf(opens.map((o) => o.atThreshold?.tar)) ?? 0, far: meanOf(opens.map((o) => o.atThreshold?.far)) ?? 0 }
        : null,
    };
  }
  return {
    rank1: m((f) => f.rank1),
    meanGenuine: m((f) => f.meanGenuine),
    meanImpostor: m((f) => f.meanImpostor),
    separation: m((f) => f.separation),
    dprime: m((f) => f.dprime),
    tarAtFar: m((f) => f.tarAtFar),
    threshold: m((f) => f.threshold),
    far: first.far,
    genuinePairs: folds.reduce((s, f) => s + f.genuinePairs, 0),
    impostorPairs: folds.reduce((s, f) => s + f.impostorPairs, 0),
    openSet,
  };
}

export type GuardCheck = 'rank1' | 'strangerTar' | 'farAtEqualTar' | 'tarAtThreshold' | 'farAtThreshold' | 'minPeople';

/** One held-out figure on which a head did worse than the identity head. */
export interface GuardFailure {
  check: GuardCheck;
  /** The head's figure (null: the baseline's TAR could not be reached at all). */
  value: number | null;
  baseline: number;
  text: string;
}

/**
 * The held-out figures on which `f` is worse than the identity head's `base` (empty = no worse).
 * The open-set trap shows up here as a lower open-set TAR, a higher FAR at equal TAR, or a higher
 * FAR at the fixed operating threshold.
 */
export function guardFailures(f: ValidationFigures, base: ValidationFigures | null, only?: readonly GuardCheck[]): GuardFailure[] {
  if (!base) return [];
  const out: GuardFailure[] = [];
  const pct = (v: number): string => `${(v * 100).toFixed(1)}%`;
  const eps = 1e-12;
  const fail = (check: GuardCheck, value: number | null, baseline: number, what: string, op: '<' | '>'): void => {
    if (only && !only.includes(check)) return;
    out.push({ check, value, baseline, text: `${what}: ${value === null ? 'unreachable' : pct(value)} ${op} ${pct(baseline)}` });
  };
  if (base.rank1 !== null && f.rank1 !== null && f.rank1 < base.rank1 - eps) fail('rank1', f.rank1, base.rank1, 'rank-1', '<');
  const o = f.openSet;
  const b = base.openSet;
  if (o && b) {
    if (o.tarAtFar < b.tarAtFar - eps) fail('strangerTar', o.tarAtFar, b.tarAtFar, `open-set TAR at FAR ${pct(f.far)}`, '<');
    if (b.farAtTar !== null && (o.farAtTar === null || o.farAtTar > b.farAtTar + eps)) fail('farAtEqualTar', o.farAtTar, b.farAtTar, `stranger FAR at equal TAR (${pct(b.targetTar ?? 0)})`, '>');
    const a = o.atThreshold;
    const c = b.atThreshold;
    if (a && c) {
      if (a.tar < c.tar - eps) fail('tarAtThreshold', a.tar, c.tar, `TAR at threshold ${a.threshold}`, '<');
      if (a.far > c.far + eps) fail('farAtThreshold', a.far, c.far, `stranger FAR at threshold ${a.threshold}`, '>');
    }
  }
  return out;
}

export function noWorseThan(f: ValidationFigures, base: ValidationFigures | null): boolean {
  return guardFailures(f, base).length === 0;
}
