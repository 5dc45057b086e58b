/**
 * Trains a residual triplet head on labelled face descriptors: seeded stratified split, P×K
 * batches, Adam on semi-hard triplet loss + weight decay, early stopping on held-out people's
 * photos. The identity head is scored before the first step and is itself a candidate, so the
 * returned head is never worse on validation than using the raw descriptor.
 * Prints nothing: progress goes to `onEpoch`.
 */
import { tf } from '../tfjs.ts';
import type * as TF from '@tensorflow/tfjs';
import { KioskError, errorMessage } from '../../errors.ts';
import type { DescriptorKind } from '../types.ts';
import { TripletHead, type HeadConfig } from './head.ts';
import { embedFlat } from './embed.ts';
import { tripletSemiHardLoss } from './loss.ts';
import { validationFigures, type ValidationFigures } from './metrics.ts';
import { tripletOptionsSchema, type TripletOptions } from './options.ts';
import { childSeed, mulberry32 } from './rng.ts';
import { batchesPerEpoch, eligiblePeople, groupByLabel, samplePKBatch } from './sampler.ts';
import { stratifiedSplit } from './split.ts';
import type { z } from 'zod';

export interface TripletTrainingData {
  /** Row-major rows × dim; rows are L2-normalised descriptors (normalised again here regardless). */
  descriptors: Float32Array;
  dim: number;
  /** Person label per row. */
  labels: Int32Array;
  /** Photo id per row when rows include augmented variants: variants of one photo are split together. */
  sources?: Int32Array;
  /** Label → display name, recorded in the metadata. */
  names: ReadonlyMap<number, string>;
  descriptorKind: DescriptorKind;
  /** Version string of the descriptor model the rows came from; a head only fits that model. */
  modelVersion: string;
}

export interface EpochReport {
  epoch: number;
  /** Mean triplet loss over the epoch's batches (weight decay excluded). */
  loss: number;
  validation: ValidationFigures | null;
  /** The figure early stopping follows (options.monitor), null without validation data. */
  monitored: number | null;
  improved: boolean;
  bestEpoch: number;
}

export interface TrainHooks {
  onEpoch?: (report: EpochReport) => void;
  signal?: AbortSignal;
  /** Clock for the metadata's date. */
  now?: () => Date;
}

export interface PersonSummary {
  label: number;
  name: string;
  samples: number;
  trainSamples: number;
  validationSamples: number;
}

export type StopReason = 'patience' | 'maxEpochs';

export interface TripletHeadMetadata {
  createdAt: string;
  descriptorKind: DescriptorKind;
  modelVersion: string;
  head: HeadConfig;
  people: PersonSummary[];
  samples: { total: number; train: number; validation: number };
  epochsRun: number;
  /** Epoch whose weights were kept; 0 = the identity head won. */
  bestEpoch: number;
  stopReason: StopReason;
  lossCurve: number[];
  validationCurve: (number | null)[];
  validation: { monitor: TripletOptions['monitor']; baseline: ValidationFigures | null; best: ValidationFigures | null };
  options: TripletOptions;
}

export interface TrainResult {
  head: TripletHead;
  metadata: TripletHeadMetadata;
}

function parseOptions(input: z.input<typeof tripletOptionsSchema>): TripletOptions {
  const parsed = tripletOptionsSchema.safeParse(input);
  if (!parsed.success) {
    throw new KioskError('CONFIG_INVALID', `invalid triplet options: ${parsed.error.message}`, { hint: 'check the triplet section of the config', cause: parsed.error });
  }
  return parsed.data;
}

/** Checks shapes and finiteness and returns L2-normalised rows. */
function normalisedRows(data: TripletTrainingData): Float32Array {
  const { descriptors, dim, labels } = data;
  if (!Number.isInteger(dim) || dim <= 0 || descriptors.length !== labels.length * dim) {
    throw new KioskError('DESCRIPTOR_INVALID', `descriptors (${descriptors.length} values) do not match ${labels.length} labels × ${dim} dims`, {
      context: { values: descriptors.length, rows: labels.length, dim },
    });
  }
  if (data.sources && data.sources.length !== labels.length) {
    throw new KioskError('DESCRIPTOR_INVALID', `sources has ${data.sources.length} entries for ${labels.length} rows`);
  }
  const out = new Float32Array(descriptors.length);
  for (let r = 0; r < labels.length; r++) {
    let s = 0;
    for (let j = 0; j < dim; j++) {
      const v = descriptors[r * dim + j] as number;
      if (!Number.isFinite(v)) throw new KioskError('DESCRIPTOR_INVALID', `descriptor row ${r} has a non-finite value`, { context: { row: r } });
      s += v * v;
    }
    if (s === 0) throw new KioskError('DESCRIPTOR_INVALID', `descriptor row ${r} is all zeros`, { context: { row: r } });
    const inv = 1 / Math.sqrt(s);
    for (let j = 0; j < dim; j++) out[r * dim + j] = (descriptors[r * dim + j] as number) * inv;
  }
  return out;
}

function monitoredValue(f: ValidationFigures | null, monitor: TripletOptions['monitor']): number | null {
  return f ? f[monitor] : null;
}

function aborted(): KioskError {
  return new KioskError('TRAINING_FAILED', 'triplet head training was aborted', { context: { aborted: true } });
}

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Stream tags for childSeed: each stage draws from its own stream. */
const SEED_SPLIT = 1;
const SEED_SAMPLER = 2;
const SEED_INIT = 3;

export async function trainHead(data: TripletTrainingData, optionsInput: z.input<typeof tripletOptionsSchema>, hooks: TrainHooks = {}): Promise<TrainResult> {
  const options = parseOptions(optionsInput);
  const rows = normalisedRows(data);
  const { dim, labels, sources } = data;
  if (hooks.signal?.aborted) throw aborted();

  const split = stratifiedSplit(labels, options.validationFraction, mulberry32(childSeed(options.seed, SEED_SPLIT)), sources);
  const groups = groupByLabel(labels, split.train);
  const p = Math.min(options.peoplePerBatch, eligiblePeople(groups).length); // throws before any tensor exists
  const k = options.samplesPerPerson;
  const steps = batchesPerEpoch(split.train.length, p, k);
  const sampleRng = mulberry32(childSeed(options.seed, SEED_SAMPLER));

  const headConfig: HeadConfig = { inputDim: dim, hiddenDim: options.hiddenDim, activation: options.activation };
  const head = TripletHead.create(headConfig, mulberry32(childSeed(options.seed, SEED_INIT)));
  const optimizer = tf.train.adam(options.learningRate);
  const all = tf.tensor2d(rows, [labels.length, dim]);
  const lossOptions = { margin: options.margin, distanceMetric: options.distanceMetric };
  const hasValidation = split.validation.length > 0;

  const evaluate = (): ValidationFigures | null =>
    hasValidation ? validationFigures(embedFlat(head, rows), dim, labels, split.train, split.validation, options.far, sources) : null;

  try {
    const baseline = evaluate();
    let bestFigures = baseline;
    let best = monitoredValue(baseline, options.monitor) ?? -Infinity;
    let bestEpoch = 0;
    let bestSnapshot = head.snapshot();
    const lossCurve: number[] = [];
    const validationCurve: (number | null)[] = [];
    let stopReason: StopReason = 'maxEpochs';
    let epoch = 0;

    while (epoch < options.maxEpochs) {
      epoch++;
      let lossSum = 0;
      for (let s = 0; s < steps; s++) {
        if (hooks.signal?.aborted) throw aborted();
        const batch = samplePKBatch(groups, p, k, sampleRng);
        let tripletLoss: TF.Scalar | null = null;
        const cost = optimizer.minimize(() => {
          const x = tf.gather(all, tf.tensor1d(batch.indices, 'int32')) as TF.Tensor2D;
          const loss = tripletSemiHardLoss(tf.tensor1d(batch.labels, 'int32'), head.apply(x), lossOptions);
          tripletLoss = tf.keep(loss);
          return tf.add(loss, tf.mul(head.penalty(), options.weightDecay)) as TF.Scalar;
        }, true, head.trainableVariables);
        const value = (tripletLoss as TF.Scalar | null)?.dataSync()[0] ?? Number.NaN;
        const total = cost?.dataSync()[0] ?? Number.NaN;
        tf.dispose([cost, tripletLoss].filter((t): t is TF.Scalar => t !== null));
        if (!Number.isFinite(value) || !Number.isFinite(total)) {
          throw new KioskError('TRAINING_FAILED', `triplet loss became ${value} at epoch ${epoch}`, { hint: 'lower learningRate', context: { epoch, step: s } });
        }
        lossSum += value;
      }
      const loss = lossSum / steps;
      lossCurve.push(loss);

      const figures = evaluate();
      const monitored = monitoredValue(figures, options.monitor);
      validationCurve.push(monitored);
      const improved = monitored !== null && monitored > best + options.minDelta;
      if (improved) {
        best = monitored;
        bestEpoch = epoch;
        bestFigures = figures;
        bestSnapshot = head.snapshot();
      }
      hooks.onEpoch?.({ epoch, loss, validation: figures, monitored, improved, bestEpoch });
      if (hasValidation && epoch - bestEpoch >= options.patience) {
        stopReason = 'patience';
        break;
      }
      await yieldToEventLoop();
    }
    // Without validation there is nothing to choose by: the last epoch stands.
    if (hasValidation) head.restore(bestSnapshot);
    else bestEpoch = epoch;

    const people: PersonSummary[] = [];
    const count = (ix: Int32Array, label: number): number => ix.reduce((n, r) => n + (labels[r] === label ? 1 : 0), 0);
    for (const label of [...new Set(labels)].sort((a, b) => a - b)) {
      const trainSamples = count(split.train, label);
      const validationSamples = count(split.validation, label);
      people.push({ label, name: data.names.get(label) ?? String(label), samples: trainSamples + validationSamples, trainSamples, validationSamples });
    }
    const metadata: TripletHeadMetadata = {
      createdAt: (hooks.now ?? (() => new Date()))().toISOString(),
      descriptorKind: data.descriptorKind,
      modelVersion: data.modelVersion,
      head: headConfig,
      people,
      samples: { total: labels.length, train: split.train.length, validation: split.validation.length },
      epochsRun: epoch,
      bestEpoch,
      stopReason,
      lossCurve,
      validationCurve,
      validation: { monitor: options.monitor, baseline, best: hasValidation ? bestFigures : null },
      options,
    };
    return { head, metadata };
  } catch (err) {
    head.dispose();
    if (err instanceof KioskError) throw err;
    throw new KioskError('TRAINING_FAILED', `triplet head training failed: ${errorMessage(err)}`, { cause: err });
  } finally {
    optimizer.dispose();
    all.dispose();
  }
}
