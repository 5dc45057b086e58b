/**
 * A folder of images played as a slideshow: each image is decoded with sharp (EXIF rotation applied,
 * alpha removed, fitted to width×height) and shown for `folderFrameRepeat` frames at `fps`.
 * Useful for demos and tests without a camera. Finite unless `loop`.
 */
import { readdir } from 'node:fs/promises';
import { extname, join } from 'node:path';
import sharp from 'sharp';
import { KioskError, errorMessage } from '../errors.ts';
import { backoffDelay } from './backoff.ts';
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
    let hadFrames = false;
    let attempt = 0;
    do {
      let shown: number;
      try {
        shown = await this.playOnce();
        if (this.stopping) return;
      } catch (err) {
        // At start a bad folder is the user's one-line error. Once it played, the kiosk is
        // running for people: files that vanish are a lost camera, retried, never the end.
        if (!(this.opts.loop && hadFrames && err instanceof KioskError)) throw err;
        attempt += 1;
        if (!(await this.retryAfter(err, attempt))) return;
        continue;
      }
      hadFrames ||= shown > 0;
      attempt = 0;
    } while (this.opts.loop && !this.stopping);
    this.finish('eof', `end of slideshow ${this.dir} after ${this.stats.framesRead} frames`);
  }

  /** One pass over the folder; returns how many images were shown. */
  private async playOnce(): Promise<number> {
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
    let shown = 0;
    // Decode the next image while the current one is on screen.
    let pending = this.decode(files[0] as string);
    for (let i = 0; i < files.length; i++) {
      const result = await pending;
      if (this.stopping) return shown;
      if (i + 1 < files.length) pending = this.decode(files[i + 1] as string);
      if (result instanceof Error) {
        lastError = result.message;
        this.logger.warn({ source: this.dir, file: files[i], err: result.message }, 'skipping unreadable image');
        continue;
      }
      shown += 1;
      for (let r = 0; r < this.opts.folderFrameRepeat; r++) {
        if (this.pauseOnFull) await this.waitForRoom();
        if (this.stopping) return shown;
        if (this.state !== 'running') this.setState('running', this.stats.reconnects > 0 ? 'reconnected' : 'first-frame', `showing ${this.dir}`);
        this.emitFrame(r === 0 ? result : Buffer.from(result));
        if (this.opts.realtime) {
          due += periodMs;
          const now = this.timers.now();
          // Fell behind (slow decode): restart the schedule rather than bursting to catch up.
          if (due < now) due = now;
          await this.sleep(due - now);
          if (this.stopping) return shown;
        }
      }
    }
    if (shown === 0) {
      throw new KioskError('CAPTURE_SOURCE_INVALID', `none of the ${files.length} images in ${this.dir} could be decoded: ${lastError}`, {
        hint: 'check the image files, or use --source <camera device or video file>',
        context: { dir: this.dir },
      });
    }
    return shown;
  }

  /** Lost, then a backoff like a camera's; false when the source gives up (capture.maxReconnects) or stops. */
  private async retryAfter(err: KioskError, attempt: number): Promise<boolean> {
    this.setState('lost', 'error', err.message);
    if (this.opts.maxReconnects > 0 && attempt > this.opts.maxReconnects) {
      const failure = new KioskError('CAPTURE_DEVICE_LOST', `gave up on ${this.dir} after ${attempt - 1} retries: ${err.message}`, {
        hint: 'put the images back, or raise capture.maxReconnects (0 = retry forever)',
        context: { dir: this.dir, attempts: attempt - 1 },
      });
      this.finish('gave-up', failure.message, failure);
      return false;
    }
    const delayMs = backoffDelay(attempt, this.opts, this.random);
    this.setState('reconnecting', 'backoff', `retry ${attempt} in ${delayMs} ms`, { attempt, delayMs });
    await this.sleep(delayMs);
    if (this.stopping) return false;
    this.stats.reconnects += 1;
    return true;
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
