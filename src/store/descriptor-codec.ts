/**
 * Descriptors are stored as the raw bytes of a Float32Array (host byte order, little-endian on every
 * platform the kiosk runs on). Bad vectors are refused on the way in and on the way out: one NaN
 * row makes every cosine similarity against it NaN, which silently turns a person into "unknown".
 */
import { KioskError } from '../errors.ts';

const BYTES = Float32Array.BYTES_PER_ELEMENT;

/** Index of the first non-finite value in `v[start, end)`, or -1. */
export function firstNonFinite(v: Float32Array, start = 0, end = v.length): number {
  for (let i = start; i < end; i++) {
    if (!Number.isFinite(v[i]!)) return i;
  }
  return -1;
}

/** Validates a descriptor about to be stored and returns a copy of its bytes. */
export function encodeDescriptor(descriptor: unknown, expectedDim: number | null, sample: string): Buffer {
  if (!(descriptor instanceof Float32Array)) {
    throw invalid(`descriptor of ${sample} is not a Float32Array`, { sample });
  }
  if (descriptor.length === 0) throw invalid(`descriptor of ${sample} is empty`, { sample });
  if (expectedDim !== null && descriptor.length !== expectedDim) {
    throw invalid(`descriptor of ${sample} has ${descriptor.length} values, expected ${expectedDim}`, {
      sample,
      dim: descriptor.length,
      expectedDim,
    });
  }
  const bad = firstNonFinite(descriptor);
  if (bad >= 0) {
    throw invalid(`descriptor of ${sample} has a non-finite value at index ${bad}`, { sample, index: bad });
  }
  // Copy: the caller's array may be a view on a larger, reused buffer.
  return Buffer.from(descriptor.buffer.slice(descriptor.byteOffset, descriptor.byteOffset + descriptor.byteLength));
}

/**
 * Checks a stored blob's length against its declared and the gallery's dimension (no allocation when
 * valid). `overhead` is what encryption adds (store/crypto.ts SEALED_OVERHEAD), 0 for plain blobs.
 */
export function checkStoredLength(blob: Uint8Array, dim: number, expectedDim: number, sampleId: number, personId: number, overhead = 0): void {
  if (dim === expectedDim && blob.byteLength === expectedDim * BYTES + overhead) return;
  throw invalid(`stored descriptor of sample ${sampleId} of person ${personId} has ${blob.byteLength} bytes (dim ${dim}), expected ${expectedDim * BYTES + overhead}`, {
    sampleId,
    personId,
    bytes: blob.byteLength,
    dim,
    expectedDim,
  });
}

/** Checks one row of a decoded gallery for NaN/Infinity (no allocation when valid). */
export function checkStoredFinite(rows: Float32Array, row: number, dim: number, sampleId: number, personId: number): void {
  const bad = firstNonFinite(rows, row * dim, (row + 1) * dim);
  if (bad < 0) return;
  const index = bad - row * dim;
  throw invalid(`stored descriptor of sample ${sampleId} of person ${personId} has a non-finite value at index ${index}`, { sampleId, personId, index });
}

function invalid(message: string, context: Record<string, unknown>): KioskError {
  return new KioskError('DESCRIPTOR_INVALID', message, {
    hint: 're-enroll the person from their photos; the descriptor is unusable for matching',
    context,
  });
}
