/** `kiosk annotate <image> -o <out.jpg>`: the tutorial's last step — boxes and `name: similarity%`. */
import { mkdir } from 'node:fs/promises';
import { dirname, extname } from 'node:path';
import sharp from 'sharp';
import { KioskError } from '../errors.ts';
import { decodeImageFile } from '../model/decode.ts';
import type { CliContext } from './context.ts';
import { identifyAll, loadMatcher, type Identified } from './recognizer.ts';

function escapeXml(s: string): string {
  return s.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c] ?? c);
}

/** SVG overlay the size of the image: green box for a known person, red for unknown. */
export function overlaySvg(width: number, height: number, found: readonly Identified[]): string {
  const stroke = Math.max(2, Math.round(Math.min(width, height) / 200));
  const font = Math.max(12, Math.round(Math.min(width, height) / 30));
  const parts = found.map(({ face, match }) => {
    const { x, y, width: w, height: h } = face.box;
    const known = match.person !== null;
    const colour = known ? '#16a34a' : '#dc2626';
    const label = `${known ? match.person?.name : 'unknown'}: ${(match.bestSimilarity * 100).toFixed(1)}%`;
    const labelW = Math.round(label.length * font * 0.6 + font * 0.6);
    const ly = y - font * 1.4 >= 0 ? y - font * 1.4 : y + h;
    return `<rect x="${x}" y="${y}" width="${w}" height="${h}" fill="none" stroke="${colour}" stroke-width="${stroke}"/>`
      + `<rect x="${x}" y="${ly}" width="${labelW}" height="${font * 1.4}" fill="${colour}"/>`
      + `<text x="${x + font * 0.3}" y="${ly + font * 1.05}" font-family="DejaVu Sans, sans-serif" font-size="${font}" fill="#fff">${escapeXml(label)}</text>`;
  });
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${parts.join('')}</svg>`;
}

export async function annotateImage(ctx: CliContext, input: string, output: string): Promise<Identified[]> {
  const ext = extname(output).toLowerCase();
  if (!['.jpg', '.jpeg', '.png', '.webp'].includes(ext)) {
    throw new KioskError('USAGE', `output ${output} must end in .jpg, .png or .webp`, { hint: 'e.g. -o annotated.jpg' });
  }
  const engine = await ctx.engine();
  const matcher = loadMatcher(engine, ctx.store(), ctx.config);
  const img = await decodeImageFile(input, ctx.config.model.image);
  const found = identifyAll(await engine.analyze(img), matcher);
  await mkdir(dirname(output), { recursive: true });
  const svg = Buffer.from(overlaySvg(img.width, img.height, found));
  await sharp(img.pixels, { raw: { width: img.width, height: img.height, channels: 3 } })
    .composite([{ input: svg, top: 0, left: 0 }])
    .toFormat(ext === '.png' ? 'png' : ext === '.webp' ? 'webp' : 'jpeg')
    .toFile(output);
  return found;
}
