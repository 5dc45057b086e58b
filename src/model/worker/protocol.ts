/** Messages between the model worker pool and its workers (structured-clone safe; pixel and descriptor buffers are transferred). */
import type { ModelOptions } from '../options.ts';
import type { FaceObservation } from '../types.ts';
import type { DescriptorInfo } from '../engine.ts';

/** A worker either detects (Human) or embeds (descriptors + antispoof + liveness). */
export type WorkerRole = 'detect' | 'embed';

export interface ModelWorkerInit {
  role: WorkerRole;
  options: ModelOptions;
}

export interface PlainImage {
  width: number;
  height: number;
  pixels: Uint8Array;
}

/** Human's crop and the five-point template crop of one face (see FaceCrops). */
export interface PlainCrops {
  crop: PlainImage;
  aligned: PlainImage | null;
}

export type WorkerRequest =
  | { type: 'detect'; id: number; image: PlainImage; frameSeq: number; ts: number }
  | { type: 'embed'; id: number; faces: PlainCrops[] };

export interface DetectedFacePlain extends PlainCrops {
  observation: FaceObservation;
}

export interface EmbeddingPlain {
  descriptor: Float32Array;
  antispoof: number | null;
  liveness: number | null;
}

export type WorkerResponse =
  | { type: 'ready'; backend: string; provider: string; descriptor: DescriptorInfo | null }
  | { type: 'detected'; id: number; faces: DetectedFacePlain[] }
  | { type: 'embedded'; id: number; items: EmbeddingPlain[] }
  | { type: 'error'; id: number | null; code: string; message: string };
