/**
 * A border around an image, for a second detection pass: a face that fills the frame (someone
 * leaning in) is missed by BlazeFace, and found once the same pixels are surrounded by a border,
 * which to the detector looks like a smaller face. Pure, so it is table-tested.
 */
import type { RgbImage } from './decode.ts';

export interface PaddedImage {
  image: RgbImage;
  /** Where the original's top-left corner lies in the padded image. */
  offsetX: number;
  offsetY: number;
}

/** Pads each side by `share` of the image's width (left/right) and height (top/bottom), with grey `fill`. */
export function padImage(src: RgbImage, share: number, fill: number): PaddedImage {
  const offsetX = Math.round(src.width * share);
  const offsetY = Math.round(src.height * share);
  const width = src.width + 2 * offsetX;
  const height = src.height + 2 * offsetY;
  const pixels = Buffer.alloc(width * height * 3, fill);
  const row = src.width * 3;
  for (let y = 0; y < src.height; y++) src.pixels.copy(pixels, ((y + offsetY) * width + offsetX) * 3, y * row, (y + 1) * row);
  return { image: { width, height, pixels }, offsetX, offsetY };
}
