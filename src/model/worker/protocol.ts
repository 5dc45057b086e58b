/** Messages between the model worker pool and its workers (structured-clone safe; pixel and descriptor buffers are transferred). */
import type { ModelOptions } from '../options.ts';
import type { FaceObservation } from '../types.ts';

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

export type WorkerRequest =
  | { type: 'detect'; id: number; image: PlainImage; frameSeq: number; ts: number }
  | { type: 'embed'; id: number; crops: PlainImage[] };

export interface DetectedFacePlain {
  observation: FaceObservation;
  crop: PlainImage;
}

export interface EmbeddingPlain {
  descriptor: Float32Array;
  antispoof: number | null;
  liveness: number | null;
}

export type WorkerResponse =
  | { type: 'ready'; backend: string; provider: string; descriptor: { kind: string; dim: number; version: string } | null }
  | { type: 'detected'; id: number; faces: DetectedFacePlain[] }
  | { type: 'embedded'; id: number; items: EmbeddingPlain[] }
  | { type: 'error'; id: number | null; code: string; message: string };
