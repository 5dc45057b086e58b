/** Applying a trained head to plain descriptor rows: tensors in, tensors out, none left behind. */
import { tf } from '../tfjs.ts';
import { KioskError } from '../../errors.ts';
import type { TripletHead } from './head.ts';

/** Embeds a flat row-major block of descriptors (rows × head.config.inputDim) into a new block of the same size. */
export function embedFlat(head: TripletHead, descriptors: Float32Array): Float32Array {
  const dim = head.config.inputDim;
  if (descriptors.length % dim !== 0) {
    throw new KioskError('DESCRIPTOR_INVALID', `descriptor block of ${descriptors.length} values is not a whole number of ${dim}-d rows`, {
      hint: 'the head was trained for a different descriptor kind; retrain it',
      context: { length: descriptors.length, dim },
    });
  }
  const rows = descriptors.length / dim;
  if (rows === 0) return new Float32Array(0);
  // Read the values outside tidy: tidy walks whatever its callback returns, element by element for a typed array.
  const out = tf.tidy(() => head.apply(tf.tensor2d(descriptors, [rows, dim])));
  try {
    return out.dataSync() as Float32Array;
  } finally {
    out.dispose();
  }
}

/** Embeds a batch of descriptor rows; each result is its own Float32Array. */
export function embedRows(head: TripletHead, rows: readonly Float32Array[]): Float32Array[] {
  const dim = head.config.inputDim;
  const flat = new Float32Array(rows.length * dim);
  rows.forEach((r, i) => {
    if (r.length !== dim) {
      throw new KioskError('DESCRIPTOR_INVALID', `descriptor ${i} has ${r.length} values, the head expects ${dim}`, {
        hint: 'the head was trained for a different descriptor kind; retrain it',
        context: { index: i, length: r.length, dim },
      });
    }
    flat.set(r, i * dim);
  });
  const out = embedFlat(head, flat);
  return rows.map((_, i) => out.slice(i * dim, (i + 1) * dim));
}
