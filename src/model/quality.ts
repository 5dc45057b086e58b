/** Face-quality estimate from plain numbers and pixels (no tensors): size, frontalness, sharpness. */
import type { RgbImage } from './decode.ts';
import type { FaceQuality } from './types.ts';
import type { QualityOptions } from './options.ts';

/** Side of the grey square sharpness is measured on, so the figure does not depend on crop size. */
export const SHARPNESS_SIDE = 112;

/** 1 when facing the camera, falling linearly to 0 at `maxAngleDeg` of combined yaw and pitch. */
export function frontalness(yawRad: number, pitchRad: number, maxAngleDeg: number): number {
  if (!Number.isFinite(yawRad) || !Number.isFinite(pitchRad)) return 0;
  const angle = Math.hypot(yawRad, pitchRad) * (180 / Math.PI);
  return Math.max(0, 1 - angle / maxAngleDeg);
}

/** Nearest-neighbour resample of an RGB crop to a `side`×`side` grey image (luma, 0..255). */
export function toGreySquare(img: RgbImage, side: number): Float32Array {
  const out = new Float32Array(side * side);
  for (let y = 0; y < side; y++) {
    const sy = Math.min(img.height - 1, Math.floor(((y + 0.5) * img.height) / side));
    for (let x = 0; x < side; x++) {
      const sx = Math.min(img.width - 1, Math.floor(((x + 0.5) * img.width) / side));
      const i = (sy * img.width + sx) * 3;
      out[y * side + x] = 0.299 * (img.pixels[i] ?? 0) + 0.587 * (img.pixels[i + 1] ?? 0) + 0.114 * (img.pixels[i + 2] ?? 0);
    }
  }
  return out;
}

/** Variance of the 4-neighbour Laplacian: the usual blur measure (low = blurred). */
export function laplacianVariance(grey: Float32Array, side: number): number {
  let sum = 0;
  let sumSq = 0;
  let n = 0;
  for (let y = 1; y < side - 1; y++) {
    for (let x = 1; x < side - 1; x++) {
      const i = y * side + x;
      const lap = (grey[i - 1] ?? 0) + (grey[i + 1] ?? 0) + (grey[i - side] ?? 0) + (grey[i + side] ?? 0) - 4 * (grey[i] ?? 0);
      sum += lap;
      sumSq += lap * lap;
      n++;
    }
  }
  if (n === 0) return 0;
  const mean = sum / n;
  return sumSq / n - mean * mean;
}

export function estimateQuality(
  crop: RgbImage,
  boxSize: { width: number; height: number },
  angles: { yaw: number; pitch: number } | null,
  opts: QualityOptions,
): FaceQuality {
  const sizePx = Math.min(boxSize.width, boxSize.height);
  const front = angles ? frontalness(angles.yaw, angles.pitch, opts.maxAngleDeg) : 0.5;
  const v = laplacianVariance(toGreySquare(crop, SHARPNESS_SIDE), SHARPNESS_SIDE);
  const sharpness = v / (v + opts.sharpnessScale);
  const sizeFactor = Math.min(1, sizePx / opts.goodSizePx);
  return { sizePx, frontalness: front, sharpness, score: sizeFactor * front * sharpness };
}
