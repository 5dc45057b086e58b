/**
 * One head being trained: its variables, its Adam state and its P×K batch stream over a fixed set
 * of rows. Validation folds and the final refit are each one of these over the same row tensor.
 */
import { tf } from '../tfjs.ts';
import type * as TF from '@tensorflow/tfjs';
import { KioskError } from '../../errors.ts';
import { TripletHead, type HeadConfig } from './head.ts';
import { tripletSemiHardLoss } from './loss.ts';
import type { TripletOptions } from './options.ts';
import type { Rng } from './rng.ts';
import { batchesPerEpoch, eligiblePeople, groupByLabel, samplePKBatch } from './sampler.ts';

export function abortedError(): KioskError {
  return new KioskError('TRAINING_FAILED', 'triplet head training was aborted', { context: { aborted: true } });
}

export class Learner {
  readonly head: TripletHead;
  readonly #optimizer: TF.Optimizer;
  readonly #all: TF.Tensor2D;
  readonly #groups: Map<number, number[]>;
  readonly #p: number;
  readonly #k: number;
  readonly #steps: number;
  readonly #rng: Rng;
  readonly #options: TripletOptions;

  /**
   * `all`: every row ([N, dim], normalised; borrowed, not disposed here); `train`: the rows this
   * learner samples. Throws TRAINING_FAILED (before allocating anything) when fewer than two people
   * have two rows. An epoch draws about as many rows as `train` holds *photos* (distinct sources):
   * augmented variants add variety to the batches, not steps.
   */
  constructor(all: TF.Tensor2D, labels: Int32Array, train: Int32Array, sources: Int32Array | undefined, config: HeadConfig, options: TripletOptions, initRng: Rng, sampleRng: Rng) {
    this.#groups = groupByLabel(labels, train);
    this.#p = Math.min(options.peoplePerBatch, eligiblePeople(this.#groups).length);
    this.#k = options.samplesPerPerson;
    const photos = sources ? new Set(Array.from(train, (r) => sources[r])).size : train.length;
    this.#steps = batchesPerEpoch(photos, this.#p, this.#k);
    this.#all = all;
    this.#rng = sampleRng;
    this.#options = options;
    this.head = TripletHead.create(config, initRng);
    this.#optimizer = tf.train.adam(options.learningRate);
  }

  /** One epoch of Adam steps; returns the mean triplet loss (weight decay excluded). */
  runEpoch(epoch: number, signal?: AbortSignal): number {
    const lossOptions = { margin: this.#options.margin, distanceMetric: this.#options.distanceMetric };
    let lossSum = 0;
    for (let s = 0; s < this.#steps; s++) {
      if (signal?.aborted) throw abortedError();
      const batch = samplePKBatch(this.#groups, this.#p, this.#k, this.#rng);
      let tripletLoss: TF.Scalar | null = null;
      const cost = this.#optimizer.minimize(() => {
        const x = tf.gather(this.#all, tf.tensor1d(batch.indices, 'int32')) as TF.Tensor2D;
        const loss = tripletSemiHardLoss(tf.tensor1d(batch.labels, 'int32'), this.head.apply(x), lossOptions);
        tripletLoss = tf.keep(loss);
        return tf.add(loss, tf.mul(this.head.penalty(), this.#options.weightDecay)) as TF.Scalar;
      }, true, this.head.trainableVariables);
      const value = (tripletLoss as TF.Scalar | null)?.dataSync()[0] ?? Number.NaN;
      const total = cost?.dataSync()[0] ?? Number.NaN;
      tf.dispose([cost, tripletLoss].filter((t): t is TF.Scalar => t !== null));
      if (!Number.isFinite(value) || !Number.isFinite(total)) {
        throw new KioskError('TRAINING_FAILED', `triplet loss became ${value} at epoch ${epoch}`, { hint: 'lower learningRate', context: { epoch, step: s } });
      }
      lossSum += value;
    }
    return lossSum / this.#steps;
  }

  /** Frees the optimizer state; `keepHead` hands the head to the caller. */
  dispose(keepHead = false): void {
    this.#optimizer.dispose();
    if (!keepHead) this.head.dispose();
  }
}
