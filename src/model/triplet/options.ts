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
  patience: z.number().int().min(1).default(8).describe('Epochs without validation improvement before training stops (best epoch\'s weights are kept)'),
  minDelta: z.number().min(0).default(0.001).describe('Smallest increase of the monitored validation figure that counts as an improvement'),
  monitor: z.enum(['dprime', 'tarAtFar', 'rank1', 'separation']).default('dprime').describe('Validation figure early stopping follows: d′ of genuine vs impostor similarities, TAR at the FAR below, rank-1 identification, or mean genuine minus mean impostor similarity'),
  far: z.number().min(0).max(1).default(0.01).describe('False-accept rate at which the validation TAR is reported'),
  peoplePerBatch: z.number().int().min(2).default(8).describe('P of a P×K batch: distinct people per batch (capped at the number of people with two or more training samples)'),
  samplesPerPerson: z.number().int().min(2).default(4).describe('K of a P×K batch: faces per person (drawn again at random when a person has fewer)'),
  validationFraction: z.number().min(0).max(0.9).default(0.2).describe('Share of each person\'s photos held out for validation (stratified by person; a person keeps at least one training photo)'),
  hiddenDim: z.number().int().min(0).default(0).describe('Width of the residual branch\'s hidden layer; 0 = no hidden layer (y = normalize(x + W·x))'),
  activation: z.enum(['relu', 'tanh']).default('relu').describe('Activation of the hidden layer (ignored when hiddenDim is 0)'),
  seed: z.number().int().min(0).default(42).describe('Seed for the validation split, batch sampling, weight initialisation and augmentation'),
  augment: augmentOptionsSchema.prefault({}).describe('Image-level augmentation of enrolment crops (applied before the descriptor model; see augment.ts)'),
}).strict().refine((o) => o.peoplePerBatch * o.samplesPerPerson <= MAX_BATCH_ROWS, {
  message: `peoplePerBatch × samplesPerPerson must be at most ${MAX_BATCH_ROWS}`,
  path: ['samplesPerPerson'],
});
export type TripletOptions = z.infer<typeof tripletOptionsSchema>;

export const defaultTripletOptions: TripletOptions = tripletOptionsSchema.parse({});
