/**
 * Face thumbnails for the report, cut from the original photos with sharp: the box embedDataset
 * stored (decoded-image pixels) × its scale back to the original, plus a margin, as a JPEG data URI.
 */
import sharp from 'sharp';
import type { EmbeddedImage } from '../../model/eval/embed-dataset.ts';
import type { ReportOptions } from './options.ts';

export interface CropRect {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** The square around the face box (scaled to the original, widened by `margin`), clamped to the image. */
export function thumbRect(box: { x: number; y: number; width: number; height: number }, scale: number, margin: number, imageWidth: number, imageHeight: number): CropRect | null {
  const cx = (box.x + box.width / 2) * scale;
  const cy = (box.y + box.height / 2) * scale;
  const side = Math.max(box.width, box.height) * scale * (1 + 2 * margin);
  const left = Math.max(0, Math.round(cx - side / 2));
  const top = Math.max(0, Math.round(cy - side / 2));
  const width = Math.min(imageWidth - left, Math.round(side));
  const height = Math.min(imageHeight - top, Math.round(side));
  return width > 0 && height > 0 ? { left, top, width, height } : null;
}

export class Thumbnails {
  readonly #byFile: Map<string, EmbeddedImage>;
  readonly #cache = new Map<string, Promise<string | null>>();
  readonly #o: ReportOptions;

  constructor(embedded: readonly EmbeddedImage[], options: ReportOptions) {
    this.#byFile = new Map(embedded.map((e) => [e.image.file, e]));
    this.#o = options;
  }

  /** Data URI of the face in `file` (a data-set-relative path), or null when it cannot be cut. */
  get(file: string): Promise<string | null> {
    let p = this.#cache.get(file);
    if (!p) {
      p = this.#make(file);
      this.#cache.set(file, p);
    }
    return p;
  }

  async #make(file: string): Promise<string | null> {
    const e = this.#byFile.get(file);
    if (!e || !e.box) return null;
    try {
      // Same orientation as decoding (EXIF applied), so the stored box lines up.
      const rotated = await sharp(e.image.path).rotate().toBuffer({ resolveWithObject: true });
      const rect = thumbRect(e.box, e.scale, this.#o.thumbMargin, rotated.info.width, rotated.info.height);
      if (!rect) return null;
      const jpeg = await sharp(rotated.data).extract(rect).resize(this.#o.thumbPx, this.#o.thumbPx, { fit: 'cover' }).jpeg({ quality: this.#o.thumbQuality }).toBuffer();
      return `data:image/jpeg;base64,${jpeg.toString('base64')}`;
    } catch {
      return null;
    }
  }
}
