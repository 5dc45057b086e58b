/**
 * Walk-up videos made at test time from still photos: each photo is shown for `showS` seconds
 * with a slow zoom and pan (so it is not a still), separated by `gapS` seconds of empty frames.
 * Frames are rendered with sharp and piped raw into the bundled ffmpeg. Used by the demo, the
 * tests and the benches; the videos are made where they are needed, never committed.
 */
import { spawn } from 'node:child_process';
import sharp from 'sharp';
import { resolveFfmpegPath } from '../../capture/ffmpeg-path.ts';

export interface WalkupPhoto {
  person: string;
  path: string;
  enrolled: boolean;
}

export interface Appearance extends WalkupPhoto {
  index: number;
  /** Seconds from the start of the video. */
  startS: number;
  endS: number;
}

export interface WalkupOptions {
  fps: number;
  width: number;
  height: number;
  showS: number;
  gapS: number;
  /** Largest zoom reached at the end of an appearance (1 = no zoom). */
  zoom: number;
  background: number;
}

export const DEFAULT_WALKUP: WalkupOptions = { fps: 15, width: 640, height: 480, showS: 2, gapS: 1, zoom: 1.25, background: 96 };

/** Draws `src` (RGB) onto `dst` at (left, top), clipping whatever falls outside. */
function blit(dst: Buffer, dw: number, dh: number, src: Buffer, sw: number, sh: number, left: number, top: number): void {
  for (let y = 0; y < sh; y++) {
    const dy = top + y;
    if (dy < 0 || dy >= dh) continue;
    const x0 = Math.max(0, -left);
    const x1 = Math.min(sw, dw - left);
    if (x1 <= x0) continue;
    src.copy(dst, (dy * dw + left + x0) * 3, (y * sw + x0) * 3, (y * sw + x1) * 3);
  }
}

export async function buildWalkupVideo(out: string, photos: readonly WalkupPhoto[], options: Partial<WalkupOptions> = {}): Promise<Appearance[]> {
  const o = { ...DEFAULT_WALKUP, ...options };
  const ff = spawn(resolveFfmpegPath(), ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${o.width}x${o.height}`, '-r', String(o.fps), '-i', '-', '-c:v', 'mpeg4', '-q:v', '3', out], { stdio: ['pipe', 'ignore', 'pipe'] });
  let stderr = '';
  ff.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<void>((resolve, reject) => {
    ff.on('error', reject);
    ff.on('close', (code) => (code === 0 ? resolve() : reject(new Error(`ffmpeg exited ${code}: ${stderr}`))));
  });
  const write = async (frame: Buffer): Promise<void> => {
    if (!ff.stdin.write(frame)) await new Promise((r) => ff.stdin.once('drain', r));
  };
  const empty = Buffer.alloc(o.width * o.height * 3, o.background);
  const gapFrames = Math.round(o.gapS * o.fps);
  const showFrames = Math.round(o.showS * o.fps);
  const appearances: Appearance[] = [];
  let t = 0;
  for (let i = 0; i < gapFrames; i++) await write(empty);
  t += gapFrames;
  for (const [index, photo] of photos.entries()) {
    const base = await sharp(photo.path).rotate().removeAlpha().toBuffer();
    appearances.push({ ...photo, index, startS: t / o.fps, endS: (t + showFrames) / o.fps });
    for (let k = 0; k < showFrames; k++) {
      const p = k / Math.max(1, showFrames - 1);
      const s = 1 + (o.zoom - 1) * p;
      const { data, info } = await sharp(base).resize(Math.round(o.width * s), Math.round(o.height * s), { fit: 'inside' }).raw().toBuffer({ resolveWithObject: true });
      const frame = Buffer.alloc(o.width * o.height * 3, o.background);
      // Pan a little to the right and down as the zoom grows, like someone stepping closer.
      const left = Math.round((o.width - info.width) / 2 + p * o.width * 0.04);
      const top = Math.round((o.height - info.height) / 2 + p * o.height * 0.03);
      blit(frame, o.width, o.height, data, info.width, info.height, left, top);
      await write(frame);
    }
    t += showFrames;
    for (let i = 0; i < gapFrames; i++) await write(empty);
    t += gapFrames;
  }
  ff.stdin.end();
  await done;
  return appearances;
}

/** Which appearance a moment (seconds from the video start) falls in, or -1 in a gap. */
export function appearanceAt(appearances: readonly Appearance[], seconds: number, slackS = 0.5): number {
  const a = appearances.find((x) => seconds >= x.startS - slackS && seconds < x.endS + slackS);
  return a ? a.index : -1;
}
