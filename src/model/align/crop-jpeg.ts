/** Aligned face crops as stored with enrollment samples: JPEG at high quality, 4:4:4 chroma. */
import sharp from 'sharp';
import type { RgbImage } from '../decode.ts';

/** Quality high enough that re-embedding from the JPEG matches embedding the raw crop (see the reembed test). */
const CROP_JPEG_QUALITY = 95;

export function encodeCropJpeg(crop: RgbImage): Promise<Buffer> {
  return sharp(crop.pixels, { raw: { width: crop.width, height: crop.height, channels: 3 } })
    .jpeg({ quality: CROP_JPEG_QUALITY, chromaSubsampling: '4:4:4' })
    .toBuffer();
}
