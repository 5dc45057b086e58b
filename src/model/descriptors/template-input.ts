/**
 * Packs aligned RGB crops into the NCHW float input an ONNX face model expects:
 * (pixel − mean) / std per channel, RGB or BGR, optionally followed by the mirrored crops.
 * Pure and allocation-free given the output buffer, so it is table-tested without a model.
 */
import { KioskError } from '../../errors.ts';
import type { RgbImage } from '../decode.ts';

export interface TemplateNormalisation {
  mean: number;
  std: number;
  channelOrder: 'rgb' | 'bgr';
}

/** Writes crop `c` (already `size`×`size`) into `out` at image slot `slot`, mirrored when `mirror`. */
export function packCrop(c: RgbImage, size: number, norm: TemplateNormalisation, out: Float32Array, slot: number, mirror: boolean): void {
  if (c.width !== size || c.height !== size || c.pixels.length !== size * size * 3) {
    throw new KioskError('DESCRIPTOR_INVALID', `aligned crop is ${c.width}×${c.height}, the model needs ${size}×${size}`, { hint: 'crops come from the five-point alignment at the model\'s input size' });
  }
  const plane = size * size;
  const base = slot * 3 * plane;
  const inv = 1 / norm.std;
  const [r, g, b] = norm.channelOrder === 'rgb' ? [0, 1, 2] : [2, 1, 0];
  const px = c.pixels;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const src = (y * size + (mirror ? size - 1 - x : x)) * 3;
      const dst = base + y * size + x;
      out[dst + r * plane] = ((px[src] as number) - norm.mean) * inv;
      out[dst + g * plane] = ((px[src + 1] as number) - norm.mean) * inv;
      out[dst + b * plane] = ((px[src + 2] as number) - norm.mean) * inv;
    }
  }
}
