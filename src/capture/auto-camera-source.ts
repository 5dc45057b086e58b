/**
 * `source: auto` that never gives up: until a camera answers, the source reports `lost` ("no
 * camera found") and looks again with backoff; once one answers it reads it like any V4L2
 * source, and if that camera is unplugged for good it goes back to looking. The kiosk and its
 * screen stay up and say what is wrong instead of exiting at boot without a camera.
 */
import { EventEmitter } from 'node:events';
import { errorMessage } from '../errors.ts';
import { resolveAutoSource, type AutoDeps } from './auto.ts';
import { FfmpegSource, type FfmpegSourceDeps } from './ffmpeg-source.ts';
import type { CaptureOptions } from './options.ts';
import type { CaptureCounters, Frame, FrameSource, FrameSourceEvents, SourceState, StateChange, StateReasonCode } from './types.ts';

export class AutoCameraSource extends EventEmitter<FrameSourceEvents> implements FrameSource {
  readonly kind = 'v4l2' as const;
  #label = 'auto (no camera yet)';
  #state: SourceState = 'starting';
  #lastChange: StateChange | null = null;
  #inner: FfmpegSource | null = null;
  #stopped = false;
  #wake: (() => void) | null = null;
  readonly #done: CaptureCounters = { framesRead: 0, framesDropped: 0, reconnects: 0 };
  readonly #opts: CaptureOptions;
  readonly #deps: FfmpegSourceDeps & { auto?: AutoDeps };
  readonly #clock: () => number;

  constructor(opts: CaptureOptions, deps: FfmpegSourceDeps & { auto?: AutoDeps; clock?: () => number } = {}) {
    super();
    this.#opts = opts;
    this.#deps = deps;
    this.#clock = deps.clock ?? Date.now;
  }

  get label(): string {
    return this.#label;
  }

  get state(): SourceState {
    return this.#state;
  }

  get lastChange(): StateChange | null {
    return this.#lastChange;
  }

  get counters(): Readonly<CaptureCounters> {
    const c = this.#inner?.counters;
    return {
      framesRead: this.#done.framesRead + (c?.framesRead ?? 0),
      framesDropped: this.#done.framesDropped + (c?.framesDropped ?? 0),
      reconnects: this.#done.reconnects + (c?.reconnects ?? 0),
    };
  }

  start(): void {
    // Discovery starts with iteration.
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    this.#wake?.();
    await this.#inner?.stop();
  }

  #set(state: SourceState, code: StateReasonCode, reason: string): void {
    const change: StateChange = { state, previous: this.#state, code, reason, ts: this.#clock() };
    this.#state = state;
    this.#lastChange = change;
    this.emit('state', change);
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(resolve, ms);
      this.#wake = () => {
        clearTimeout(t);
        resolve();
      };
    });
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Frame> {
    let delay = this.#opts.backoffMinMs;
    while (!this.#stopped) {
      let device: string;
      try {
        device = (await resolveAutoSource(this.#opts, this.#deps.auto)).device;
      } catch (err) {
        this.#set('lost', 'error', `${errorMessage(err)}; looking again in ${Math.round(delay / 1000)} s`);
        await this.#sleep(delay);
        delay = Math.min(this.#opts.backoffMaxMs, Math.max(1, delay) * this.#opts.backoffFactor);
        continue;
      }
      delay = this.#opts.backoffMinMs;
      const inner = new FfmpegSource({ kind: 'v4l2', device }, this.#opts, this.#deps);
      this.#inner = inner;
      this.#label = device;
      inner.on('state', (c) => {
        this.#state = c.state;
        this.#lastChange = c;
        this.emit('state', c);
      });
      try {
        for await (const frame of inner) yield frame;
      } catch (err) {
        this.#set('lost', 'gave-up', `${device}: ${errorMessage(err)}; looking for a camera again`);
      } finally {
        const c = inner.counters;
        this.#done.framesRead += c.framesRead;
        this.#done.framesDropped += c.framesDropped;
        this.#done.reconnects += c.reconnects + 1;
        this.#inner = null;
        await inner.stop();
      }
    }
    this.#set('ended', 'stopped', 'stopped');
  }
}
