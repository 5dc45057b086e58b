/** Turns plain RGB crops into one resized float batch, optionally with mirrored copies appended. */
import type * as TF from '@tensorflow/tfjs';
import { tf } from '../tfjs.ts';
import type { RgbImage } from '../decode.ts';

/**
 * Returns [n or 2n, size, size, 3] float32 in 0..255; mirrored crops follow the originals, so
 * row i and row n+i are the same face. `centralFraction` < 1 crops the centre first.
 */
export function cropBatch(crops: readonly RgbImage[], size: number, flip: boolean, centralFraction = 1): TF.Tensor4D {
  return tf.tidy(() => {
    const resized = crops.map((c) => {
      const t = tf.tensor3d(new Uint8Array(c.pixels.buffer, c.pixels.byteOffset, c.pixels.byteLength), [c.height, c.width, 3], 'int32');
      const b = tf.expandDims(tf.cast(t, 'float32'), 0) as TF.Tensor4D;
      if (centralFraction >= 1) return tf.image.resizeBilinear(b, [size, size]);
      const m = (1 - centralFraction) / 2;
      return tf.image.cropAndResize(b, [[m, m, 1 - m, 1 - m]], [0], [size, size]);
    });
    const batch = tf.concat(resized, 0);
    return flip ? tf.concat([batch, tf.image.flipLeftRight(batch)], 0) : batch;
  });
}

/** Rows of a [m, dim] result as separate arrays; with `flip`, rows i and n+i are averaged by the caller. */
export async function rowsOf(t: TF.Tensor2D): Promise<Float32Array[]> {
  const [m, dim] = t.shape;
  const data = (await t.data()) as Float32Array;
  const out: Float32Array[] = [];
  for (let i = 0; i < m; i++) out.push(data.slice(i * dim, (i + 1) * dim));
  return out;
}
