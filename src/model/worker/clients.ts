/** Typed faces of the worker pool for the loop: detect a frame, embed crops. */
import { KioskError } from '../../errors.ts';
import type { RgbImage } from '../decode.ts';
import type { DetectedFace, Embedding, FaceCrops } from '../engine.ts';
import type { ModelWorkerPool } from './pool.ts';
import type { PlainCrops, PlainImage } from './protocol.ts';

/** A copy in a buffer of its own, so transferring it detaches nothing the caller still uses. */
function ownCopy(img: RgbImage): PlainImage {
  return { width: img.width, height: img.height, pixels: Uint8Array.from(img.pixels) };
}

/** The pixel buffers of a face's crops, to transfer rather than copy. */
export function buffersOf(f: PlainCrops): ArrayBuffer[] {
  return f.aligned ? [f.crop.pixels.buffer as ArrayBuffer, f.aligned.pixels.buffer as ArrayBuffer] : [f.crop.pixels.buffer as ArrayBuffer];
}

export const toRgb = (p: PlainImage): RgbImage => ({ width: p.width, height: p.height, pixels: Buffer.from(p.pixels.buffer, p.pixels.byteOffset, p.pixels.byteLength) });

/** Detects in a worker; null when the detector is still busy with the previous frame. */
export function detectInWorker(pool: ModelWorkerPool, image: RgbImage, meta: { frameSeq: number; ts: number }): Promise<DetectedFace[]> | null {
  const copy = ownCopy(image);
  const job = pool.trySubmit({ type: 'detect', image: copy, frameSeq: meta.frameSeq, ts: meta.ts }, [copy.pixels.buffer as ArrayBuffer]);
  return job?.then((a) => {
    if (a.type !== 'detected') throw new KioskError('DESCRIPTOR_INVALID', `detect worker answered ${a.type}`);
    return a.faces.map((f) => ({ observation: f.observation, crop: toRgb(f.crop), aligned: f.aligned ? toRgb(f.aligned) : null }));
  }) ?? null;
}

/** Embeds in a worker; null when every embedding worker is at its cap. */
export function embedInWorker(pool: ModelWorkerPool, faces: readonly FaceCrops[]): Promise<Embedding[]> | null {
  const plain: PlainCrops[] = faces.map((f) => ({ crop: ownCopy(f.crop), aligned: f.aligned ? ownCopy(f.aligned) : null }));
  const job = pool.trySubmit({ type: 'embed', faces: plain }, plain.flatMap((f) => buffersOf(f)));
  return job?.then((a) => {
    if (a.type !== 'embedded') throw new KioskError('DESCRIPTOR_INVALID', `embed worker answered ${a.type}`);
    return a.items;
  }) ?? null;
}
