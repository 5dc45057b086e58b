/**
 * Bilinear warp of a packed RGB image through a similarity transform: each output pixel samples
 * the source at the inverse-mapped position; outside the source it is black, as OpenCV's
 * warpAffine with a constant border (what ArcFace-family models were trained on).
 */
import type { RgbImage } from '../decode.ts';
import { invertSimilarity, type Similarity } from './similarity.ts';

/** `toOutput` maps source pixel coordinates to output pixel coordinates. */
export function warpSimilarity(src: RgbImage, toOutput: Similarity, width: number, height: number): RgbImage {
  const inv = invertSimilarity(toOutput);
  const out = Buffer.alloc(width * height * 3);
  const sw = src.width;
  const sh = src.height;
  const px = src.pixels;
  for (let v = 0; v < height; v++) {
    for (let u = 0; u < width; u++) {
      const x = inv.a * u - inv.b * v + inv.tx;
      const y = inv.b * u + inv.a * v + inv.ty;
      const x0 = Math.floor(x);
      const y0 = Math.floor(y);
      if (x0 < -1 || y0 < -1 || x0 >= sw || y0 >= sh) continue;
      const fx = x - x0;
      const fy = y - y0;
      const o = (v * width + u) * 3;
      for (let c = 0; c < 3; c++) {
        const p00 = sample(px, sw, sh, x0, y0, c);
        const p10 = sample(px, sw, sh, x0 + 1, y0, c);
        const p01 = sample(px, sw, sh, x0, y0 + 1, c);
        const p11 = sample(px, sw, sh, x0 + 1, y0 + 1, c);
        const top = p00 + (p10 - p00) * fx;
        const bottom = p01 + (p11 - p01) * fx;
        out[o + c] = Math.round(top + (bottom - top) * fy);
      }
    }
  }
  return { width, height, pixels: out };
}

function sample(px: Buffer, w: number, h: number, x: number, y: number, c: number): number {
  if (x < 0 || y < 0 || x >= w || y >= h) return 0;
  return px[(y * w + x) * 3 + c] as number;
}
