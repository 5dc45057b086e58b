/**
 * A folder of images played as a slideshow: each image is decoded with sharp (EXIF rotation applied,
 * alpha removed, fitted to width×height) and shown for `folderFrameRepeat` frames at `fps`.
 * Useful for demos and tests without a camera. Finite unless `loop`.
 */
import { readdir } from 'node:fs/promises';
import { extname, join } from 'node:path';
import sharp from 'sharp';
import { KioskError, errorMessage } from '../errors.ts';
import type { CaptureOptions } from './options.ts';
import { BaseFrameSource, type SourceDeps } from './source-base.ts';
import type { TimerHandle } from './timers.ts';

export const IMAGE_EXTENSIONS: ReadonlySet<string> = new Set(['.jpg', '.jpeg', '.png', '.webp', '.tif', '.tiff', '.gif', '.avif']);

/** Image files directly inside `dir`, in natural order (2.jpg before 10.jpg). */
export async function listImages(dir: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    throw new KioskError('CAPTURE_SOURCE_INVALID', `cannot read image folder ${dir}: ${errorMessage(err)}`, {
      hint: 'use --source <existing folder of .jpg/.png images>',
      context: { dir },
      cause: err,
    });
  }
  return entries
    .filter((e) => e.isFile() && IMAGE_EXTENSIONS.has(extname(e.name).toLowerCase()))
    .map((e) => e.name)
    .sort((a, b) => a.localeCompare(b, undefined, { numeric: true }))
    .map((name) => join(dir, name));
}

/** Decode one image file into packed RGB24 of exactly width×height. */
export async function decodeImageToFrame(file: string, opts: Pick<CaptureOptions, 'width' | 'height' | 'fit'>): Promise<Buffer> {
  const black = { r: 0, g: 0, b: 0, alpha: 1 };
  const { data, info } = await sharp(file)
    .rotate()
    .flatten({ background: black })
    .toColourspace('srgb')
    .resize(opts.width, opts.height, { fit: opts.fit, background: black })
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  if (info.channels !== 3 || info.width !== opts.width || info.height !== opts.height) {
    throw new Error(`decoded to ${info.width}×${info.height}×${info.channels}, expected ${opts.width}×${opts.height}×3`);
  }
  return data;
}

export class ImageFolderSource extends BaseFrameSource {
  readonly kind = 'folder' as const;
  private running: Promise<void> | null = null;
  private sleepTimer: TimerHandle | null = null;
  private wakeSleeper: (() => void) | null = null;

  constructor(
    readonly dir: string,
    opts: CaptureOptions,
    deps: SourceDeps = {},
  ) {
    super(dir, opts, deps);
  }

  protected begin(): void {
    this.setState('starting', 'start', `starting slideshow of ${this.dir}`);
    this.running = this.play().catch((err: unknown) => {
      const failure =
        err instanceof KioskError
          ? err
          : new KioskError('CAPTURE_SOURCE_INVALID', `slideshow of ${this.dir} failed: ${errorMessage(err)}`, { cause: err });
      this.finish('error', failure.message, failure);
    });
  }

  protected async halt(): Promise<void> {
    this.wake();
    await this.running;
  }

  private async play(): Promise<void> {
    const files = await listImages(this.dir);
    if (files.length === 0) {
      throw new KioskError('CAPTURE_SOURCE_INVALID', `no images in ${this.dir}`, {
        hint: `put ${[...IMAGE_EXTENSIONS].join('/')} files in the folder, or use --source <camera device or video file>`,
        context: { dir: this.dir },
      });
    }
    const periodMs = 1000 / this.opts.fps;
    let due = this.timers.now();
    let lastError = '';
    do {
      let shown = 0;
      // Decode the next image while the current one is on screen.
      let pending = this.decode(files[0] as string);
      for (let i = 0; i < files.length; i++) {
        const result = await pending;
        if (this.stopping) return;
        if (i + 1 < files.length) pending = this.decode(files[i + 1] as string);
        if (result instanceof Error) {
          lastError = result.message;
          this.logger.warn({ source: this.dir, file: files[i], err: result.message }, 'skipping unreadable image');
          continue;
        }
        shown += 1;
        for (let r = 0; r < this.opts.folderFrameRepeat; r++) {
          if (this.pauseOnFull) await this.waitForRoom();
          if (this.stopping) return;
          if (this.state !== 'running') this.setState('running', 'first-frame', `showing ${this.dir}`);
          this.emitFrame(r === 0 ? result : Buffer.from(result));
          if (this.opts.realtime) {
            due += periodMs;
            const now = this.timers.now();
            // Fell behind (slow decode): restart the schedule rather than bursting to catch up.
            if (due < now) due = now;
            await this.sleep(due - now);
            if (this.stopping) return;
          }
        }
      }
      if (shown === 0) {
        throw new KioskError('CAPTURE_SOURCE_INVALID', `none of the ${files.length} images in ${this.dir} could be decoded: ${lastError}`, {
          hint: 'check the image files, or use --source <camera device or video file>',
          context: { dir: this.dir },
        });
      }
    } while (this.opts.loop && !this.stopping);
    this.finish('eof', `end of slideshow ${this.dir} after ${this.stats.framesRead} frames`);
  }

  private async decode(file: string): Promise<Buffer | Error> {
    try {
      return await decodeImageToFrame(file, this.opts);
    } catch (err) {
      return err instanceof Error ? err : new Error(String(err));
    }
  }

  private sleep(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return new Promise<void>((resolve) => {
      this.wakeSleeper = resolve;
      this.sleepTimer = this.timers.setTimeout(() => this.wake(), ms);
    });
  }

  private wake(): void {
    if (this.sleepTimer) this.timers.clearTimeout(this.sleepTimer);
    this.sleepTimer = null;
    const wake = this.wakeSleeper;
    this.wakeSleeper = null;
    wake?.();
  }
}
