/**
 * What training may see and what validation scores it on. Two kinds of held-out faces:
 * - photos of known people (photo-level split, variants of a photo kept together), the genuine probes;
 * - every photo of a few whole people, the stand-in strangers. A head learns directions for the
 *   people it trains on, and a stranger can land on one of them; only people it never saw can show that.
 * Augmented variants only ever train: probes and the validation gallery are real photos.
 */
import { shuffled, type Rng } from './rng.ts';
import { groupByLabel } from './sampler.ts';
import { stratifiedSplit } from './split.ts';

export interface Holdout {
  /** Rows the optimiser samples from (known people's training photos and their variants). */
  train: Int32Array;
  /** Original training photos: the gallery validation probes are matched against. */
  gallery: Int32Array;
  /** Original held-out photos of known people. */
  validation: Int32Array;
  /** Original photos of the stranger people. */
  strangers: Int32Array;
  strangerLabels: number[];
}

export interface HoldoutInput {
  labels: Int32Array;
  sources?: Int32Array | undefined;
  /** 1 = augmented variant of its source photo. */
  variant?: Uint8Array | undefined;
}

export interface PhotoSplit {
  train: Int32Array;
  validation: Int32Array;
}

/** One photo-level split of every row (variants follow their photo), shared by all folds. */
export function photoSplit(input: HoldoutInput, fraction: number, rng: Rng): PhotoSplit {
  return stratifiedSplit(input.labels, fraction, rng, input.sources);
}

/** A fold: the shared photo split with the `strangerLabels` people taken out of it entirely. */
function plan(input: HoldoutInput, split: PhotoSplit, strangerLabels: readonly number[]): Holdout {
  const { labels, variant } = input;
  const isStranger = (r: number): boolean => strangerLabels.includes(labels[r] as number);
  const original = (r: number): boolean => !variant?.[r];
  const train = split.train.filter((r) => !isStranger(r));
  const strangers: number[] = [];
  for (let r = 0; r < labels.length; r++) if (isStranger(r) && original(r)) strangers.push(r);
  return {
    train,
    gallery: train.filter(original),
    validation: split.validation.filter((r) => !isStranger(r) && original(r)),
    strangers: Int32Array.from(strangers),
    strangerLabels: [...strangerLabels].sort((a, b) => a - b),
  };
}

/** People who could anchor a P×K batch (two or more training rows). */
function trainable(h: Holdout, labels: Int32Array): number {
  return [...groupByLabel(labels, h.train).values()].filter((rows) => rows.length >= 2).length;
}

/**
 * Cross-validation over people: fold f holds person f out entirely (a stand-in stranger: all their
 * real photos become impostor probes) on top of one photo-level split shared by every fold, so a
 * known person's held-out photos are the same in each. Up to `strangerFolds` folds, people drawn
 * with `strangerRng`; a person whose absence would leave fewer than two people to train on is
 * skipped. With no feasible fold (or `strangerFolds` 0), the one photo-level fold with no strangers.
 */
export function planFolds(input: HoldoutInput, strangerFolds: number, fraction: number, strangerRng: Rng, splitRng: Rng): Holdout[] {
  const split = photoSplit(input, fraction, splitRng);
  const people = [...new Set(input.labels)].sort((a, b) => a - b);
  const folds: Holdout[] = [];
  if (people.length >= 3) {
    for (const person of shuffled(people, strangerRng)) {
      if (folds.length >= strangerFolds) break;
      const h = plan(input, split, [person]);
      if (trainable(h, input.labels) >= 2 && h.strangers.length > 0 && h.validation.length > 0) folds.push(h);
    }
  }
  return folds.length > 0 ? folds : [plan(input, split, [])];
}
