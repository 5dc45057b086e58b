/** Config slice for training the triplet embedding head; the lead composes it into the global config. */
import { z } from 'zod';

/** Image-level augmentation of face crops (the tutorial's Keras ImageDataGenerator settings plus photometric jitter). */
export const augmentOptionsSchema = z.object({
  count: z.number().int().min(0).max(50).default(0).describe('Augmented variants made per enrolment crop before embedding (0 = train on the original photos only)'),
  rotationDeg: z.number().min(0).max(180).default(20).describe('Random rotation drawn uniformly from ±this many degrees'),
  widthShift: z.number().min(0).max(1).default(0.2).describe('Random horizontal shift drawn uniformly from ±this fraction of the width'),
  heightShift: z.number().min(0).max(1).default(0.2).describe('Random vertical shift drawn uniformly from ±this fraction of the height'),
  flipProbability: z.number().min(0).max(1).default(0.5).describe('Probability that a variant is mirrored left-right'),
  brightness: z.number().min(0).max(1).default(0.1).describe('Random brightness offset drawn uniformly from ±this (pixel values are 0..1)'),
  contrast: z.number().min(0).max(1).default(0.2).describe('Random contrast factor drawn uniformly from 1 ± this, applied around the crop mean'),
}).strict();
export type AugmentOptions = z.infer<typeof augmentOptionsSchema>;

/** The loss builds an N×N×N cube for N = P×K rows: 256 rows is 16.8 M floats (67 MB) per tensor, a sane ceiling on a kiosk. */
const MAX_BATCH_ROWS = 256;

export const tripletOptionsSchema = z.object({
  margin: z.number().positive().default(1.0).describe('Triplet margin, in embedding distance units (TF-Addons TripletSemiHardLoss default)'),
  distanceMetric: z.enum(['L2', 'squared-L2']).default('L2').describe('Pairwise distance the loss uses: euclidean (TF-Addons default) or squared euclidean'),
  learningRate: z.number().positive().max(1).default(0.001).describe('Adam learning rate'),
  weightDecay: z.number().min(0).default(0.001).describe('L2 penalty on the head\'s kernels, i.e. on how far the head moves away from the identity map'),
  maxEpochs: z.number().int().min(1).max(10_000).default(60).describe('Upper bound on epochs; early stopping normally ends training first (an epoch of 150 × 1024-d rows takes well under a second on 2 wasm cores)'),
  patience: z.number().int().min(1).default(6).describe('Epochs without validation improvement before training stops (best epoch\'s weights are kept)'),
  minDelta: z.number().min(0).default(0.001).describe('Smallest increase of the monitored validation figure that counts as an improvement'),
  monitor: z.enum(['openSetTar', 'dprime', 'tarAtFar', 'rank1', 'separation']).default('openSetTar').describe('Validation figure early stopping follows: open-set TAR at the FAR below with the held-out strangers as impostors (falls back to tarAtFar when no stranger could be held out), d′ of genuine vs impostor similarities, pairwise TAR at the FAR below, rank-1 identification, or mean genuine minus mean impostor similarity'),
  strangerFolds: z.number().int().min(0).default(5).describe('Validation folds over people: each holds one whole person out of training as a stand-in stranger whose photos score as impostors, so early stopping sees what the head does to faces it never learned (at most one fold per person; 0 = photo-level validation only)'),
  operatingThreshold: z.number().min(-1).max(1).nullable().default(null).describe('Similarity threshold the kiosk matches at (model.matcher.threshold, in the head\'s output space). When set, the guard also requires on every fold no lower TAR and no higher FAR at this fixed threshold: the threshold is configured once, so a retrained head must not shift the score scale under it'),
  minPeople: z.number().int().min(0).default(10).describe('Fewest people a trained head may be kept for: with fewer, the few stand-in strangers cannot show what the head does to real ones, so the pretrained descriptor stays (measured on the 5-person facenet5 set: heads that passed every stranger fold still let the left-out person in, open-set TAR@FAR1% 82% → 58%)'),
  guardBaseline: z.boolean().default(true).describe('Keep an epoch only if it is no worse than the untrained (identity) head on every held-out figure: rank-1, open-set TAR and FAR at equal TAR; otherwise the identity head stands'),
  far: z.number().min(0).max(1).default(0.01).describe('False-accept rate at which the validation TAR is reported'),
  peoplePerBatch: z.number().int().min(2).default(8).describe('P of a P×K batch: distinct people per batch (capped at the number of people with two or more training samples)'),
  samplesPerPerson: z.number().int().min(2).default(4).describe('K of a P×K batch: faces per person (drawn again at random when a person has fewer)'),
  validationFraction: z.number().min(0).max(0.9).default(0.2).describe('Share of each person\'s photos held out for validation (stratified by person; a person keeps at least one training photo)'),
  hiddenDim: z.number().int().min(0).default(64).describe('Width of the residual branch\'s hidden layer (a low-rank change: about 10× cheaper per step than a full matrix on wasm); 0 = no hidden layer (y = normalize(x + W·x))'),
  activation: z.enum(['relu', 'tanh']).default('relu').describe('Activation of the hidden layer (ignored when hiddenDim is 0)'),
  seed: z.number().int().min(0).default(42).describe('Seed for the validation split, batch sampling, weight initialisation and augmentation'),
  augment: augmentOptionsSchema.prefault({}).describe('Image-level augmentation of enrolment crops (applied before the descriptor model; see augment.ts)'),
}).strict().refine((o) => o.peoplePerBatch * o.samplesPerPerson <= MAX_BATCH_ROWS, {
  message: `peoplePerBatch × samplesPerPerson must be at most ${MAX_BATCH_ROWS}`,
  path: ['samplesPerPerson'],
});
export type TripletOptions = z.infer<typeof tripletOptionsSchema>;

export const defaultTripletOptions: TripletOptions = tripletOptionsSchema.parse({});

/** Background retraining after enrolment changes (src/model/retrain.ts). */
export const retrainOptionsSchema = z.object({
  backend: z.enum(['wasm', 'cpu']).default('wasm').describe('tfjs backend of the retraining worker thread (its own instance, separate from the capture loop\'s)'),
}).strict();
export type RetrainOptions = z.infer<typeof retrainOptionsSchema>;
