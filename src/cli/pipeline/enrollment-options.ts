/** Enrollment at the kiosk: how many samples, and the gates each must pass. */
import { z } from 'zod';

export const enrollmentOptionsSchema = z.object({
  samples: z.number().int().min(1).max(30).default(5).describe('Face samples captured per enrollment'),
  minFacePx: z.number().int().min(32).default(112).describe('Smallest face (shorter side, px) accepted as a sample'),
  minFrontalness: z.number().min(0).max(1).default(0.6).describe('Smallest frontalness (1 = facing the camera) accepted as a sample'),
  minSharpness: z.number().min(0).max(1).default(0.35).describe('Smallest sharpness score accepted as a sample'),
  minAntispoof: z.number().min(0).max(1).default(0.3).describe('Smallest antispoof score (1 = real) accepted as a sample'),
  minLiveness: z.number().min(0).max(1).default(0.5).describe('Smallest liveness score accepted as a sample'),
  minSelfSimilarity: z.number().min(0).max(1).default(0.8).describe('A sample from a new track must be at least this similar (cosine of raw descriptors) to the first sample: nobody else is enrolled by mistake'),
  minIntervalMs: z.number().int().min(0).default(300).describe('Time between two captured samples, so they differ'),
  timeoutMs: z.number().int().min(5000).default(120_000).describe('An enrollment that has not captured all samples by then is abandoned'),
}).strict();

export type EnrollmentOptions = z.infer<typeof enrollmentOptionsSchema>;
