/**
 * Augmented variants of a data set's faces, embedded like photos: detect the largest face again
 * (the same rule as embedDataset), augment the aligned crop at image level (augment.ts), run the
 * descriptor models on each variant. Expensive (a detection plus N embeddings per photo), so the
 * vectors are cached on disk keyed by photo content, model settings, augmentation options and seed.
 */
import type * as TF from '@tensorflow/tfjs';
import { errorMessage, isKioskError } from '../../errors.ts';
import { decodeImageFile, type RgbImage } from '../decode.ts';
import type { FaceEngine } from '../engine.ts';
import type { BaseDescriptor, EmbeddedImage } from '../eval/embed-dataset.ts';
import { readKeyedCache, writeKeyedCache } from '../eval/json-cache.ts';
import type { ModelOptions } from '../options.ts';
import { tf } from '../tfjs.ts';
import { augmentFace } from './augment.ts';
import type { AugmentOptions } from './options.ts';
import { childSeed, mulberry32 } from './rng.ts';

/** Variants of one photo: `count` vectors per descriptor kind (empty when the face was not found again). */
export type PhotoVariants = Partial<Record<BaseDescriptor, Float32Array[]>>;

export interface AugmentEmbedOptions {
  kinds: readonly BaseDescriptor[];
  augment: AugmentOptions;
  /** Variants per photo (overrides augment.count, which is the enrolment default). */
  count: number;
  seed: number;
  cacheFile?: string | undefined;
  onProgress?: (done: number, total: number, file: string) => void;
}

interface CacheEntry {
  descriptors: Partial<Record<BaseDescriptor, string[]>>;
  error: string | null;
}

const toB64 = (v: Float32Array): string => Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64');
const fromB64 = (s: string): Float32Array => {
  const b = Buffer.from(s, 'base64');
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
};

function cacheKey(engine: FaceEngine, opts: ModelOptions, ao: AugmentEmbedOptions): string {
  return JSON.stringify({
    v: 1, human: engine.info.human, detector: opts.detector, descriptor: { flip: opts.descriptor.flipAverage, crop: opts.descriptor.dlibCropFraction },
    maxSide: opts.image.maxSide, augment: { ...ao.augment, count: ao.count }, seed: ao.seed,
  });
}

/** A photo's own augmentation stream: the same photo gets the same variants whatever else is in the set. */
function photoSeed(seed: number, sha256: string): number {
  return childSeed(seed, Number.parseInt(sha256.slice(0, 8), 16));
}

export function cropToTensor(crop: RgbImage): TF.Tensor3D {
  return tf.tidy(() => tf.div(tf.tensor3d(new Uint8Array(crop.pixels.buffer, crop.pixels.byteOffset, crop.pixels.byteLength), [crop.height, crop.width, 3], 'int32'), 255) as TF.Tensor3D);
}

export async function tensorToCrop(t: TF.Tensor3D): Promise<RgbImage> {
  const [height, width] = t.shape;
  const bytes = tf.tidy(() => tf.cast(tf.round(tf.clipByValue(tf.mul(t, 255), 0, 255)), 'int32'));
  try {
    return { width, height, pixels: Buffer.from(Uint8Array.from(await bytes.data())) };
  } finally {
    bytes.dispose();
  }
}

/** Variant crops of one face crop (uint8 in, uint8 out). */
export async function augmentCrop(crop: RgbImage, count: number, seed: number, augment: AugmentOptions): Promise<RgbImage[]> {
  const input = cropToTensor(crop);
  let variants: TF.Tensor3D[] = [];
  try {
    variants = augmentFace(input, count, mulberry32(seed), augment);
    const out: RgbImage[] = [];
    for (const v of variants) out.push(await tensorToCrop(v));
    return out;
  } finally {
    input.dispose();
    tf.dispose(variants);
  }
}

async function embedVariants(engine: FaceEngine, opts: ModelOptions, image: EmbeddedImage, ao: AugmentEmbedOptions): Promise<CacheEntry> {
  try {
    const decoded = await decodeImageFile(image.image.path, opts.image);
    const faces = await engine.detect(decoded);
    if (faces.length === 0) return { descriptors: {}, error: 'face not found again' };
    const largest = faces.reduce((a, b) => (b.observation.box.width * b.observation.box.height > a.observation.box.width * a.observation.box.height ? b : a));
    const crops = await augmentCrop(largest.crop, ao.count, photoSeed(ao.seed, image.print.sha256), ao.augment);
    const descriptors: CacheEntry['descriptors'] = {};
    for (const k of ao.kinds) descriptors[k] = (await engine.describeAs(k, crops)).map(toB64);
    return { descriptors, error: null };
  } catch (err) {
    if (!isKioskError(err)) throw err;
    return { descriptors: {}, error: errorMessage(err) };
  }
}

/** Variants for every detected photo of `embedded`, in the same order (undetected photos get none). */
export async function embedAugmented(engine: FaceEngine, opts: ModelOptions, embedded: readonly EmbeddedImage[], ao: AugmentEmbedOptions): Promise<PhotoVariants[]> {
  const key = cacheKey(engine, opts, ao);
  const cache = await readKeyedCache<CacheEntry>(ao.cacheFile, key);
  const out: PhotoVariants[] = [];
  let dirty = false;
  for (const [i, e] of embedded.entries()) {
    if (e.faces === 0 || ao.count === 0) {
      out.push({});
    } else {
      const sha = e.print.sha256;
      let entry = cache[sha];
      if (!entry || (entry.error === null && ao.kinds.some((k) => (entry?.descriptors[k]?.length ?? 0) !== ao.count))) {
        entry = await embedVariants(engine, opts, e, ao);
        cache[sha] = entry;
        dirty = true;
      }
      const v: PhotoVariants = {};
      for (const k of ao.kinds) {
        const list = entry.descriptors[k];
        if (list) v[k] = list.map(fromB64);
      }
      out.push(v);
    }
    ao.onProgress?.(i + 1, embedded.length, e.image.file);
  }
  if (ao.cacheFile && dirty) await writeKeyedCache(ao.cacheFile, key, cache);
  return out;
}
