/** Vector math on descriptors, allocation-free where it runs per frame. */
import { KioskError } from '../../errors.ts';

export function l2normalize(v: Float32Array): Float32Array {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += (v[i] ?? 0) * (v[i] ?? 0);
  const n = Math.sqrt(s);
  if (!(n > 0) || !Number.isFinite(n)) throw new KioskError('DESCRIPTOR_INVALID', `descriptor has norm ${n}`, { hint: 'the face crop was empty or the model output was invalid' });
  const out = new Float32Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = (v[i] ?? 0) / n;
  return out;
}

export function dot(a: Float32Array, b: Float32Array, bOffset = 0): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] ?? 0) * (b[bOffset + i] ?? 0);
  return s;
}

/** True when every component is finite and the vector has the expected length. */
export function isValidDescriptor(v: Float32Array, dim: number): boolean {
  if (v.length !== dim) return false;
  for (let i = 0; i < v.length; i++) if (!Number.isFinite(v[i])) return false;
  return true;
}

/** Mean of two descriptors (original and mirrored crop), re-normalised. */
export function averagePair(a: Float32Array, b: Float32Array): Float32Array {
  const out = new Float32Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = ((a[i] ?? 0) + (b[i] ?? 0)) / 2;
  return l2normalize(out);
}
