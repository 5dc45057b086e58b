/**
 * Image files → RGB pixels, the way a camera frame arrives. EXIF orientation is applied, grey and
 * CMYK become sRGB, alpha is flattened onto white, and large photos are downscaled while decoding
 * (libvips shrink-on-load), so a 12000×12000 JPEG never needs its full-size bitmap in memory.
 */
import { stat, readFile } from 'node:fs/promises';
import sharp, { type Metadata } from 'sharp';
import { KioskError, errorMessage } from '../errors.ts';
import type { ImageOptions } from './options.ts';

/** Packed RGB24 pixels; a capture `Frame` satisfies this shape too. */
export interface RgbImage {
  width: number;
  height: number;
  pixels: Buffer;
}

export interface DecodedImage extends RgbImage {
  /** Size of the stored image after EXIF rotation, before any downscale. */
  originalWidth: number;
  originalHeight: number;
  /** originalWidth / width: multiply box coordinates by this to map back to the original. */
  scale: number;
}

export async function decodeImageFile(path: string, opts: ImageOptions): Promise<DecodedImage> {
  let size: number;
  try {
    size = (await stat(path)).size;
  } catch (err) {
    throw new KioskError('IMAGE_NOT_FOUND', `cannot open image ${path}: ${errorMessage(err)}`, { hint: 'check the path', context: { path } });
  }
  if (size === 0) throw new KioskError('IMAGE_EMPTY', `image ${path} is empty (0 bytes)`, { hint: 'supply a JPEG, PNG or WebP photo', context: { path } });
  if (size > opts.maxFileBytes) {
    throw new KioskError('IMAGE_TOO_LARGE', `image ${path} is ${(size / 1e6).toFixed(1)} MB, above the ${(opts.maxFileBytes / 1e6).toFixed(0)} MB limit`, {
      hint: 'resize it or raise model.image.maxFileBytes', context: { path, size },
    });
  }
  return decodeImageBuffer(await readFile(path), opts, path);
}

export async function decodeImageBuffer(data: Buffer, opts: ImageOptions, label = 'image'): Promise<DecodedImage> {
  if (data.length === 0) throw new KioskError('IMAGE_EMPTY', `${label} is empty (0 bytes)`, { hint: 'supply a JPEG, PNG or WebP photo' });
  let meta: Metadata;
  try {
    meta = await sharp(data, { limitInputPixels: false }).metadata();
  } catch (err) {
    throw new KioskError('IMAGE_UNREADABLE', `${label} is not a readable image (${errorMessage(err)})`, { hint: 'supply a JPEG, PNG or WebP photo', context: { label }, cause: err });
  }
  const w0 = meta.width ?? 0;
  const h0 = meta.height ?? 0;
  if (w0 * h0 > opts.maxInputPixels) {
    throw new KioskError('IMAGE_TOO_LARGE', `${label} is ${w0}×${h0} (${(w0 * h0 / 1e6).toFixed(0)} Mpx), above the ${(opts.maxInputPixels / 1e6).toFixed(0)} Mpx limit`, {
      hint: 'resize it or raise model.image.maxInputPixels', context: { label, width: w0, height: h0 },
    });
  }
  // EXIF orientations 5–8 swap width and height.
  const swapped = (meta.orientation ?? 1) >= 5;
  const originalWidth = swapped ? h0 : w0;
  const originalHeight = swapped ? w0 : h0;
  try {
    const { data: pixels, info } = await sharp(data, { limitInputPixels: opts.maxInputPixels, failOn: 'error' })
      .rotate()
      .resize({ width: opts.maxSide, height: opts.maxSide, fit: 'inside', withoutEnlargement: true })
      .flatten({ background: '#ffffff' })
      .toColourspace('srgb')
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 3) throw new Error(`decoded to ${info.channels} channels`);
    return { width: info.width, height: info.height, pixels, originalWidth, originalHeight, scale: originalWidth / info.width };
  } catch (err) {
    throw new KioskError('IMAGE_UNREADABLE', `${label} could not be decoded (${errorMessage(err)})`, { hint: 'the file may be truncated or corrupt; re-export it as JPEG or PNG', context: { label }, cause: err });
  }
}
