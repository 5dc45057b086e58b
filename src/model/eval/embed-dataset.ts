/**
 * Detect and embed every photo of a data set once (largest face per photo, as the tutorial
 * does); every seed, split and row of an evaluation reuses these vectors. An optional on-disk
 * cache keyed by photo content and model settings makes re-runs take seconds.
 */
import { errorMessage, isKioskError } from '../../errors.ts';
import { decodeImageFile } from '../decode.ts';
import { descriptorInput, type FaceEngine } from '../engine.ts';
import type { ModelOptions } from '../options.ts';
import type { Box, DescriptorKind } from '../types.ts';
import type { Dataset, DatasetImage } from './dataset.ts';
import { readKeyedCache, writeKeyedCache } from './json-cache.ts';
import { fingerprint, type ImageFingerprint } from './near-duplicates.ts';

/** The descriptor networks an evaluation embeds with (fused is built from two of them). */
export type BaseDescriptor = 'arcface' | 'faceres' | 'dlib128';

/** The networks a set of descriptor kinds needs (fused = faceres + dlib128). */
export function baseKinds(kinds: readonly DescriptorKind[]): BaseDescriptor[] {
  return [...new Set(kinds.flatMap((k): BaseDescriptor[] => (k === 'fused' ? ['faceres', 'dlib128'] : [k])))];
}

export interface EmbeddedImage {
  image: DatasetImage;
  print: ImageFingerprint;
  /** Faces found; 0 = undetected. */
  faces: number;
  /** Largest face's box in the decoded image's pixels, and that image's scale to the original. */
  box: Box | null;
  scale: number;
  descriptors: Partial<Record<BaseDescriptor, Float32Array>>;
  error: string | null;
}

interface CacheEntry {
  faces: number;
  box: Box | null;
  scale: number;
  descriptors: Partial<Record<BaseDescriptor, string>>;
  error: string | null;
}

function cacheKey(engine: FaceEngine, opts: ModelOptions): string {
  return JSON.stringify({ v: 2, human: engine.info.human, detector: opts.detector, descriptor: { flip: opts.descriptor.flipAverage, crop: opts.descriptor.dlibCropFraction, arcface: engine.embedder.versionOf('arcface') }, maxSide: opts.image.maxSide });
}

const toB64 = (v: Float32Array): string => Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64');
const fromB64 = (s: string): Float32Array => {
  const b = Buffer.from(s, 'base64');
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
};

export interface EmbedOptions {
  kinds: readonly BaseDescriptor[];
  cacheFile?: string | undefined;
  onProgress?: (done: number, total: number, file: string) => void;
}

export async function embedDataset(engine: FaceEngine, opts: ModelOptions, dataset: Dataset, eo: EmbedOptions): Promise<EmbeddedImage[]> {
  const key = cacheKey(engine, opts);
  const cache = await readKeyedCache<CacheEntry>(eo.cacheFile, key);
  const out: EmbeddedImage[] = [];
  let dirty = false;
  for (const [i, image] of dataset.images.entries()) {
    const print = await fingerprint(image.path);
    const cached = cache[print.sha256];
    const missing = eo.kinds.filter((k) => cached?.error === null && cached.faces > 0 && !cached.descriptors[k]);
    if (cached && (cached.faces === 0 || cached.error !== null || missing.length === 0)) {
      const descriptors: EmbeddedImage['descriptors'] = {};
      for (const k of eo.kinds) if (cached.descriptors[k]) descriptors[k] = fromB64(cached.descriptors[k]);
      out.push({ image, print, faces: cached.faces, box: cached.box, scale: cached.scale, descriptors, error: cached.error });
    } else {
      const entry = await embedOne(engine, opts, image.path, eo.kinds);
      cache[print.sha256] = entry;
      dirty = true;
      const descriptors: EmbeddedImage['descriptors'] = {};
      for (const k of eo.kinds) if (entry.descriptors[k]) descriptors[k] = fromB64(entry.descriptors[k]);
      out.push({ image, print, faces: entry.faces, box: entry.box, scale: entry.scale, descriptors, error: entry.error });
    }
    eo.onProgress?.(i + 1, dataset.images.length, image.file);
  }
  if (eo.cacheFile && dirty) await writeKeyedCache(eo.cacheFile, key, cache);
  return out;
}

async function embedOne(engine: FaceEngine, opts: ModelOptions, path: string, kinds: readonly BaseDescriptor[]): Promise<CacheEntry> {
  try {
    const img = await decodeImageFile(path, opts.image);
    const faces = await engine.detect(img);
    if (faces.length === 0) return { faces: 0, box: null, scale: img.scale, descriptors: {}, error: null };
    const largest = faces.reduce((a, b) => (b.observation.box.width * b.observation.box.height > a.observation.box.width * a.observation.box.height ? b : a));
    const descriptors: CacheEntry['descriptors'] = {};
    for (const k of kinds) {
      const [v] = await engine.describeAs(k, [descriptorInput(k, largest)]);
      if (v) descriptors[k] = toB64(v);
    }
    return { faces: faces.length, box: largest.observation.box, scale: img.scale, descriptors, error: null };
  } catch (err) {
    if (!isKioskError(err)) throw err;
    return { faces: 0, box: null, scale: 1, descriptors: {}, error: errorMessage(err) };
  }
}
