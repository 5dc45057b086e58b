/**
 * Walk-up videos made at test time from still photos: each photo is shown for `showS` seconds
 * with a slow zoom and pan (so it is not a still), separated by `gapS` seconds of empty frames.
 * With `queue` set, people come back to back as at a door at the start of a shift: appearances
 * alternate between the left and right half of the frame and each one overlaps the next by
 * `queue.overlapS` seconds (two people in the frame), with no empty frames between. `marker`
 * writes each half's appearance number into a strip at the bottom, so a test can read the
 * ground truth back from any frame (see readSideMarkers).
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
  /** Where the face is: the whole frame, or one half of it in a queue. */
  side: 'full' | 'left' | 'right';
}

export interface QueueOptions {
  /** Seconds each appearance shares the frame with the next one. */
  overlapS: number;
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
  /** Back-to-back appearances, alternating halves; null: one at a time with gaps. */
  queue: QueueOptions | null;
  /** Draw the per-half appearance markers (see readSideMarkers). */
  marker: boolean;
}

/** A door at the start of a shift: each person shares the frame with the next for half a second. */
export const DEFAULT_QUEUE: QueueOptions = { overlapS: 0.5 };

export const DEFAULT_WALKUP: WalkupOptions = { fps: 15, width: 640, height: 480, showS: 2, gapS: 1, zoom: 1.25, background: 96, queue: null, marker: false };

/** The marker strip: MARKER_BITS blocks per half, MARKER_BLOCK px wide and MARKER_HEIGHT px tall, at the bottom. */
const MARKER_BITS = 8;
const MARKER_BLOCK = 16;
const MARKER_HEIGHT = 12;
const MARKER_INSET = 8;

function markerBlockX(width: number, half: 0 | 1, bit: number): number {
  return half * Math.floor(width / 2) + MARKER_INSET + bit * MARKER_BLOCK;
}

/** Writes (appearance index + 1), or 0 for an empty half, as white/black blocks. */
function drawMarkers(frame: Buffer, width: number, height: number, values: readonly [number, number]): void {
  for (const half of [0, 1] as const) {
    for (let bit = 0; bit < MARKER_BITS; bit++) {
      const on = ((values[half] >> bit) & 1) === 1;
      const x0 = markerBlockX(width, half, bit);
      for (let y = height - MARKER_HEIGHT; y < height; y++) frame.fill(on ? 255 : 0, (y * width + x0) * 3, (y * width + x0 + MARKER_BLOCK) * 3);
    }
  }
}

/**
 * Reads the markers back from an RGB frame of the video's size (or one scaled to `width`):
 * the appearance index shown in each half, -1 for an empty half.
 */
export function readSideMarkers(rgb: Buffer, width: number, height: number, videoWidth: number, videoHeight: number): { left: number; right: number } {
  const sx = width / videoWidth;
  const sy = height / videoHeight;
  const y = Math.min(height - 1, Math.round((videoHeight - MARKER_HEIGHT / 2) * sy));
  const read = (half: 0 | 1): number => {
    let v = 0;
    for (let bit = 0; bit < MARKER_BITS; bit++) {
      const x = Math.round((markerBlockX(videoWidth, half, bit) + MARKER_BLOCK / 2) * sx);
      const i = (y * width + x) * 3;
      const lum = ((rgb[i] ?? 0) + (rgb[i + 1] ?? 0) + (rgb[i + 2] ?? 0)) / 3;
      if (lum > 128) v |= 1 << bit;
    }
    return v - 1;
  };
  return { left: read(0), right: read(1) };
}

/** Draws `src` (RGB) onto `dst` at (left, top), clipping whatever falls outside columns [clipX0, clipX1). */
function blit(dst: Buffer, dw: number, dh: number, src: Buffer, sw: number, sh: number, left: number, top: number, clipX0 = 0, clipX1 = dw): void {
  for (let y = 0; y < sh; y++) {
    const dy = top + y;
    if (dy < 0 || dy >= dh) continue;
    const x0 = Math.max(0, clipX0 - left);
    const x1 = Math.min(sw, clipX1 - left);
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
  const gapFrames = Math.round(o.gapS * o.fps);
  const showFrames = Math.round(o.showS * o.fps);
  // In a queue the next person steps up `overlapS` before the current one leaves.
  const strideFrames = o.queue === null ? showFrames + gapFrames : Math.max(1, showFrames - Math.round(o.queue.overlapS * o.fps));
  const appearances: Appearance[] = photos.map((photo, index) => {
    const start = gapFrames + index * strideFrames;
    const side = o.queue === null ? 'full' : index % 2 === 0 ? 'left' : 'right';
    return { ...photo, index, startS: start / o.fps, endS: (start + showFrames) / o.fps, side };
  });
  const last = appearances.at(-1);
  const totalFrames = last === undefined ? gapFrames : Math.round(last.endS * o.fps) + gapFrames;
  const bases = new Map<number, Buffer>();
  const contentHeight = o.marker ? o.height - MARKER_HEIGHT : o.height;
  for (let f = 0; f < totalFrames; f++) {
    const frame = Buffer.alloc(o.width * o.height * 3, o.background);
    const onScreen: [number, number] = [0, 0];
    for (const a of appearances) {
      const k = f - Math.round(a.startS * o.fps);
      if (k < 0 || k >= showFrames) {
        if (k >= showFrames) bases.delete(a.index);
        continue;
      }
      let base = bases.get(a.index);
      if (base === undefined) {
        base = await sharp(a.path).rotate().removeAlpha().toBuffer();
        bases.set(a.index, base);
      }
      const areaW = a.side === 'full' ? o.width : Math.floor(o.width / 2);
      const areaX = a.side === 'right' ? o.width - areaW : 0;
      const p = k / Math.max(1, showFrames - 1);
      const s = 1 + (o.zoom - 1) * p;
      const { data, info } = await sharp(base).resize(Math.round(areaW * s), Math.round(contentHeight * s), { fit: 'inside' }).raw().toBuffer({ resolveWithObject: true });
      // Pan a little to the right and down as the zoom grows, like someone stepping closer.
      const left = areaX + Math.round((areaW - info.width) / 2 + p * areaW * 0.04);
      const top = Math.round((contentHeight - info.height) / 2 + p * contentHeight * 0.03);
      // Each person stays in their own half of a queue.
      blit(frame, o.width, o.height, data, info.width, info.height, left, top, areaX, areaX + areaW);
      onScreen[a.side === 'right' ? 1 : 0] = a.index + 1;
    }
    if (o.marker) drawMarkers(frame, o.width, o.height, onScreen);
    await write(frame);
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
