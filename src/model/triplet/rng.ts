/** The seeded PRNG lives in src/model/rng.ts (splits, samplers and augmentation share it). */
export * from '../rng.ts';
