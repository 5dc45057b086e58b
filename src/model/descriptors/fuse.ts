/**
 * Fusion of two unit descriptors into one unit vector whose cosine is the weighted sum of the
 * parts' cosines: v = [√w·f, √(1−w)·d] gives v₁·v₂ = w·cos_f + (1−w)·cos_d. The matcher then
 * stays one dot product over one contiguous array, and the weight is applied at load time, so
 * changing it never needs re-enrollment: stored "fused" samples keep the raw [f, d] concatenation.
 */
import { KioskError } from '../../errors.ts';

export const FACERES_DIM = 1024;
export const DLIB_DIM = 128;
export const FUSED_DIM = FACERES_DIM + DLIB_DIM;

/** Raw concatenation [f, d] of two unit vectors, as stored. */
export function concatRaw(faceres: Float32Array, dlib: Float32Array): Float32Array {
  if (faceres.length !== FACERES_DIM || dlib.length !== DLIB_DIM) {
    throw new KioskError('DESCRIPTOR_INVALID', `fused parts must be ${FACERES_DIM}+${DLIB_DIM}, got ${faceres.length}+${dlib.length}`);
  }
  const out = new Float32Array(FUSED_DIM);
  out.set(faceres, 0);
  out.set(dlib, FACERES_DIM);
  return out;
}

/** Scale raw [f, d] rows in place (any number of rows) so each row's cosine is the weighted sum. */
export function applyFusionWeight(rows: Float32Array, weight: number): Float32Array {
  if (rows.length % FUSED_DIM !== 0) throw new KioskError('DESCRIPTOR_INVALID', `fused rows must be multiples of ${FUSED_DIM}, got ${rows.length}`);
  const a = Math.sqrt(weight);
  const b = Math.sqrt(1 - weight);
  for (let r = 0; r < rows.length; r += FUSED_DIM) {
    for (let i = 0; i < FACERES_DIM; i++) rows[r + i] = (rows[r + i] ?? 0) * a;
    for (let i = FACERES_DIM; i < FUSED_DIM; i++) rows[r + i] = (rows[r + i] ?? 0) * b;
  }
  return rows;
}
