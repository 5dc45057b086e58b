/**
 * Trains a residual triplet head on labelled face descriptors, and decides whether training helped.
 *
 * Validation is cross-validation over people: each fold holds one whole person out as a stand-in
 * stranger and a share of everyone else's photos as genuine probes, and trains its own head on the
 * rest; the folds step through epochs together. A head learns directions for the people it trains
 * on and a stranger can land on one of them, so only people it never saw can show that; one
 * stranger is one sample of that risk, hence several folds. The identity head (epoch 0) is scored
 * first and is itself a candidate; with `guardBaseline` an epoch only counts if, on every fold, no
 * held-out figure is worse than the identity head's. Early stopping follows the folds' mean of
 * `monitor`. If some epoch e > 0 wins, a fresh head is trained on all rows for e epochs (the refit);
 * if none does, the result *is* the identity head (bestEpoch 0): the raw descriptor, unchanged.
 * Prints nothing: progress goes to `onEpoch`.
 */
import { tf } from '../tfjs.ts';
import type * as TF from '@tensorflow/tfjs';
import { KioskError, errorMessage } from '../../errors.ts';
import type { DescriptorKind } from '../types.ts';
import { TripletHead, type HeadConfig } from './head.ts';
import type { ValidationFigures } from './metrics.ts';
import { FoldEvaluator, guardFailures, meanFigures, type GuardCheck, type GuardFailure } from './fold-eval.ts';
import { planFolds } from './holdout.ts';
import { Learner, abortedError } from './learner.ts';
import { tripletOptionsSchema, type TripletOptions } from './options.ts';
import { childSeed, mulberry32 } from './rng.ts';
import { eligiblePeople, groupByLabel } from './sampler.ts';
import type { z } from 'zod';

export { guardFailures, noWorseThan, type GuardFailure } from './fold-eval.ts';

export interface TripletTrainingData {
  /** Row-major rows × dim; rows are L2-normalised descriptors (normalised again here regardless). */
  descriptors: Float32Array;
  dim: number;
  /** Person label per row. */
  labels: Int32Array;
  /** Photo id per row when rows include augmented variants: variants of one photo are split together. */
  sources?: Int32Array | undefined;
  /** 1 = the row is an augmented variant (trains, but is never a validation probe or gallery row). */
  variant?: Uint8Array | undefined;
  /** Label → display name, recorded in the metadata. */
  names: ReadonlyMap<number, string>;
  descriptorKind: DescriptorKind;
  /** Version string of the descriptor model the rows came from; a head only fits that model. */
  modelVersion: string;
}

export interface EpochReport {
  /** `validate`: the folds' epochs (figures are their mean); `refit`: the final head's epochs (no figures). */
  phase: 'validate' | 'refit';
  epoch: number;
  /** Last epoch this phase can reach (for progress bars). */
  maxEpochs: number;
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
  /** Held out entirely as a stand-in stranger (present only when true). */
  stranger?: true;
}

export type StopReason = 'patience' | 'maxEpochs';

export interface FoldSummary {
  /** Name of the person held out as the stranger; null for a photo-level fold. */
  stranger: string | null;
  trainRows: number;
  validationProbes: number;
  strangerProbes: number;
  baseline: ValidationFigures | null;
  /** At the chosen epoch (equal to baseline when the identity head won). */
  best: ValidationFigures | null;
}

export interface TripletHeadMetadata {
  createdAt: string;
  descriptorKind: DescriptorKind;
  modelVersion: string;
  head: HeadConfig;
  people: PersonSummary[];
  samples: { total: number; train: number; validation: number; strangers?: number };
  epochsRun: number;
  /** Epoch whose weights were kept; 0 = the identity head won. */
  bestEpoch: number;
  stopReason: StopReason;
  lossCurve: number[];
  validationCurve: (number | null)[];
  /** Mean over folds; `folds` has each fold's own figures. */
  validation: {
    monitor: TripletOptions['monitor'];
    baseline: ValidationFigures | null;
    best: ValidationFigures | null;
    folds?: FoldSummary[];
    /** Of the epochs the guard refused, the one that scored best on `monitor`, and why it was refused (null when none was). */
    refused?: { epoch: number; figures: ValidationFigures; failures: GuardFailure[] } | null;
  };
  /** The final head's training on all rows (null when the identity head won or without validation). */
  refit?: { epochs: number; lossCurve: number[] } | null;
  options: TripletOptions;
  /** Space the head's input rows live in (fused rows carry their fusion weight); set by the caller. */
  inputSpace?: { kind: DescriptorKind; fusedWeight: number | null };
  /** The activation verdict (decision.ts), recorded by whoever decided. */
  decision?: { activate: boolean; reason: string; decidedAt: string };
  /** Wall time of the training call in seconds, recorded by the caller. */
  trainSeconds?: number;
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
  if (!f) return null;
  if (monitor === 'openSetTar') return f.openSet?.tarAtFar ?? f.tarAtFar;
  return f[monitor];
}

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Stream tags for childSeed: each stage draws from its own stream. */
const SEED_SPLIT = 1;
const SEED_SAMPLER = 2;
const SEED_INIT = 3;
const SEED_STRANGERS = 4;

/** Checked on every fold as well as on the mean. */
const STRANGER_FAR_CHECKS: readonly GuardCheck[] = ['farAtEqualTar', 'farAtThreshold'];

interface ValidationRun {
  epochsRun: number;
  bestEpoch: number;
  stopReason: StopReason;
  lossCurve: number[];
  validationCurve: (number | null)[];
  baseline: ValidationFigures | null;
  best: ValidationFigures | null;
  folds: FoldSummary[];
  refused: { epoch: number; figures: ValidationFigures; failures: GuardFailure[] } | null;
}

export async function trainHead(data: TripletTrainingData, optionsInput: z.input<typeof tripletOptionsSchema>, hooks: TrainHooks = {}): Promise<TrainResult> {
  const options = parseOptions(optionsInput);
  const rows = normalisedRows(data);
  const { dim, labels, sources } = data;
  if (data.variant && data.variant.length !== labels.length) {
    throw new KioskError('DESCRIPTOR_INVALID', `variant has ${data.variant.length} entries for ${labels.length} rows`);
  }
  if (hooks.signal?.aborted) throw abortedError();

  const folds = planFolds(
    { labels, sources, variant: data.variant },
    options.strangerFolds,
    options.validationFraction,
    mulberry32(childSeed(options.seed, SEED_STRANGERS)),
    mulberry32(childSeed(options.seed, SEED_SPLIT)),
  );
  const headConfig: HeadConfig = { inputDim: dim, hiddenDim: options.hiddenDim, activation: options.activation };
  const everyRow = Int32Array.from(labels.keys());
  const evaluators = folds.map((f) => new FoldEvaluator(f, labels, sources, options.far, options.operatingThreshold));
  const hasValidation = evaluators.every((e) => e.hasValidation);
  eligiblePeople(groupByLabel(labels)); // throws TRAINING_FAILED before any tensor exists
  const all = tf.tensor2d(rows, [labels.length, dim]);
  const learners: Learner[] = [];
  /** A fresh head on every row for `epochs` epochs; the caller owns the returned head. */
  const trainOnAll = async (epochs: number, phase: EpochReport['phase']): Promise<{ head: TripletHead; lossCurve: number[] }> => {
    const learner = new Learner(all, labels, everyRow, sources, headConfig, options, mulberry32(childSeed(options.seed, SEED_INIT)), mulberry32(childSeed(options.seed, SEED_SAMPLER)));
    learners.push(learner);
    const lossCurve: number[] = [];
    for (let epoch = 1; epoch <= epochs; epoch++) {
      const loss = learner.runEpoch(epoch, hooks.signal);
      lossCurve.push(loss);
      hooks.onEpoch?.({ phase, epoch, maxEpochs: epochs, loss, validation: null, monitored: null, improved: false, bestEpoch: phase === 'refit' ? epochs : epoch });
      await yieldToEventLoop();
    }
    learners.pop();
    learner.dispose(true);
    return { head: learner.head, lossCurve };
  };
  try {
    let head: TripletHead;
    let run: ValidationRun;
    let refit: TripletHeadMetadata['refit'] = null;
    let trainedRows = everyRow;
    if (!hasValidation) {
      // Nothing to choose by: train on everything for maxEpochs.
      const trained = await trainOnAll(options.maxEpochs, 'validate');
      head = trained.head;
      const n = options.maxEpochs;
      run = { epochsRun: n, bestEpoch: n, stopReason: 'maxEpochs', lossCurve: trained.lossCurve, validationCurve: trained.lossCurve.map(() => null), baseline: null, best: null, folds: [], refused: null };
    } else {
      run = await validate(all, data, options, headConfig, evaluators, learners, hooks);
      if (run.bestEpoch === 0) {
        head = TripletHead.create(headConfig, mulberry32(childSeed(options.seed, SEED_INIT)));
        trainedRows = new Int32Array(0);
      } else {
        const trained = await trainOnAll(run.bestEpoch, 'refit');
        head = trained.head;
        refit = { epochs: run.bestEpoch, lossCurve: trained.lossCurve };
      }
    }
    return { head, metadata: buildMetadata(data, options, headConfig, folds, run, refit, trainedRows, hooks) };
  } catch (err) {
    if (err instanceof KioskError) throw err;
    throw new KioskError('TRAINING_FAILED', `triplet head training failed: ${errorMessage(err)}`, { cause: err });
  } finally {
    for (const l of learners) l.dispose();
    all.dispose();
  }
}

/** The folds' lockstep epochs with early stopping; every fold's learner is disposed before it returns. */
async function validate(
  all: TF.Tensor2D,
  data: TripletTrainingData,
  options: TripletOptions,
  headConfig: HeadConfig,
  evaluators: FoldEvaluator[],
  learners: Learner[],
  hooks: TrainHooks,
): Promise<ValidationRun> {
  const { labels, sources } = data;
  const people = new Set(labels).size;
  const own = evaluators.map((e, i) => {
    const l = new Learner(all, labels, e.fold.train, sources, headConfig, options, mulberry32(childSeed(options.seed, SEED_INIT)), mulberry32(childSeed(childSeed(options.seed, SEED_SAMPLER), i)));
    learners.push(l);
    return l;
  });
  try {
    const baselines = evaluators.map((e, i) => e.evaluate((own[i] as Learner).head, all));
    const baseline = meanFigures(baselines);
    let best = monitoredValue(baseline, options.monitor) ?? -Infinity;
    let bestEpoch = 0;
    let bestFolds = baselines;
    const lossCurve: number[] = [];
    const validationCurve: (number | null)[] = [];
    let stopReason: StopReason = 'maxEpochs';
    let epoch = 0;
    let refused: ValidationRun['refused'] = null;
    let refusedBest: number | null = null;
    while (epoch < options.maxEpochs) {
      epoch++;
      let lossSum = 0;
      for (const l of own) {
        lossSum += l.runEpoch(epoch, hooks.signal);
        await yieldToEventLoop();
      }
      const loss = lossSum / own.length;
      lossCurve.push(loss);
      const figures = evaluators.map((e, i) => e.evaluate((own[i] as Learner).head, all));
      const mean = meanFigures(figures);
      const monitored = monitoredValue(mean, options.monitor);
      validationCurve.push(monitored);
      // Every figure on the folds' mean; the stranger FARs also on each fold, since the trap is the
      // worst stranger (one who lands on a trained person), which a mean over folds can hide.
      const failures = mean ? guardFailures(mean, baseline) : [];
      figures.forEach((f, i) => {
        const fold = evaluators[i]?.fold.strangerLabels[0];
        const who = fold === undefined ? 'photo fold' : `stranger ${data.names.get(fold) ?? fold}`;
        for (const x of guardFailures(f, baselines[i] ?? null, STRANGER_FAR_CHECKS)) failures.push({ ...x, text: `${x.text} (${who})` });
      });
      if (people < options.minPeople) {
        failures.push({ check: 'minPeople', value: people, baseline: options.minPeople, text: `only ${people} people to train on (a head is kept from ${options.minPeople})` });
      }
      const guarded = !options.guardBaseline || (mean !== null && failures.length === 0);
      const improved = monitored !== null && monitored > best + options.minDelta && guarded;
      if (!guarded && mean && failures.length > 0 && monitored !== null && monitored > (refusedBest ?? -Infinity)) {
        refusedBest = monitored;
        refused = { epoch, figures: mean, failures };
      }
      if (improved) {
        best = monitored;
        bestEpoch = epoch;
        bestFolds = figures;
      }
      hooks.onEpoch?.({ phase: 'validate', epoch, maxEpochs: options.maxEpochs, loss, validation: mean, monitored, improved, bestEpoch });
      if (epoch - bestEpoch >= options.patience) {
        stopReason = 'patience';
        break;
      }
    }
    const folds: FoldSummary[] = evaluators.map((e, i) => {
      const strangerLabel = e.fold.strangerLabels[0];
      return {
        stranger: strangerLabel === undefined ? null : data.names.get(strangerLabel) ?? String(strangerLabel),
        trainRows: e.fold.train.length,
        validationProbes: e.fold.validation.length,
        strangerProbes: e.fold.strangers.length,
        baseline: baselines[i] ?? null,
        best: bestFolds[i] ?? null,
      };
    });
    return { epochsRun: epoch, bestEpoch, stopReason, lossCurve, validationCurve, baseline, best: meanFigures(bestFolds), folds, refused };
  } finally {
    for (const l of own) {
      l.dispose();
      learners.splice(learners.indexOf(l), 1);
    }
  }
}

function buildMetadata(
  data: TripletTrainingData,
  options: TripletOptions,
  headConfig: HeadConfig,
  folds: readonly { validation: Int32Array; strangers: Int32Array }[],
  run: ValidationRun,
  refit: TripletHeadMetadata['refit'],
  trainedRows: Int32Array,
  hooks: TrainHooks,
): TripletHeadMetadata {
  const { labels } = data;
  const probes = new Set<number>();
  const strangers = new Set<number>();
  for (const f of folds) {
    f.validation.forEach((r) => probes.add(r));
    f.strangers.forEach((r) => (probes.add(r), strangers.add(r)));
  }
  const people: PersonSummary[] = [];
  for (const label of [...new Set(labels)].sort((a, b) => a - b)) {
    const count = (rowsOf: Iterable<number>): number => {
      let n = 0;
      for (const r of rowsOf) if (labels[r] === label) n++;
      return n;
    };
    const summary: PersonSummary = {
      label,
      name: data.names.get(label) ?? String(label),
      samples: count(labels.keys()),
      trainSamples: count(trainedRows),
      validationSamples: count(probes),
    };
    if (count(strangers) > 0) summary.stranger = true;
    people.push(summary);
  }
  return {
    createdAt: (hooks.now ?? (() => new Date()))().toISOString(),
    descriptorKind: data.descriptorKind,
    modelVersion: data.modelVersion,
    head: headConfig,
    people,
    samples: { total: labels.length, train: trainedRows.length, validation: probes.size, ...(strangers.size ? { strangers: strangers.size } : {}) },
    epochsRun: run.epochsRun,
    bestEpoch: run.bestEpoch,
    stopReason: run.stopReason,
    lossCurve: run.lossCurve,
    validationCurve: run.validationCurve,
    validation: { monitor: options.monitor, baseline: run.baseline, best: run.best, folds: run.folds, refused: run.refused },
    refit,
    options,
  };
}
