/**
 * What every frame source shares: the latest-frame slot, counters, state events, the async iterator
 * and an idempotent stop(). Subclasses only produce pixels (`emitFrame`) and report state.
 */
import { EventEmitter } from 'node:events';
import type { KioskError } from '../errors.ts';
import { silentLogger, type Logger } from '../log.ts';
import { LatestSlot } from './latest-slot.ts';
import type { CaptureOptions } from './options.ts';
import { realTimers, type Timers } from './timers.ts';
import type {
  CaptureCounters,
  Frame,
  FrameSource,
  FrameSourceEvents,
  SourceKind,
  SourceState,
  StateChange,
  StateReasonCode,
} from './types.ts';

export interface SourceDeps {
  logger?: Logger;
  timers?: Timers;
  /** 0..1, for backoff jitter. */
  random?: () => number;
}

export abstract class BaseFrameSource extends EventEmitter<FrameSourceEvents> implements FrameSource {
  abstract readonly kind: SourceKind;
  protected readonly logger: Logger;
  protected readonly timers: Timers;
  protected readonly random: () => number;
  protected readonly stats: CaptureCounters = { framesRead: 0, framesDropped: 0, reconnects: 0 };
  /** Set when iteration should end with an error rather than quietly. */
  protected failure: KioskError | null = null;
  private readonly slot: LatestSlot<Frame>;
  private readonly roomWaiters: Array<() => void> = [];
  private seq = 0;
  private current: SourceState = 'starting';
  private last: StateChange | null = null;
  private started = false;
  private stopPromise: Promise<void> | null = null;

  constructor(
    readonly label: string,
    protected readonly opts: CaptureOptions,
    deps: SourceDeps = {},
  ) {
    super();
    this.logger = deps.logger ?? silentLogger;
    this.timers = deps.timers ?? realTimers;
    this.random = deps.random ?? Math.random;
    this.slot = new LatestSlot<Frame>({ onTake: () => this.handleTake() });
  }

  get state(): SourceState {
    return this.current;
  }

  get lastChange(): StateChange | null {
    return this.last;
  }

  get counters(): Readonly<CaptureCounters> {
    return { ...this.stats };
  }

  /** True once stop() was called: subclasses stop producing. */
  protected get stopping(): boolean {
    return this.stopPromise !== null;
  }

  /** The slot can take a frame without dropping one. */
  protected get hasRoom(): boolean {
    return this.slot.size === 0;
  }

  protected get pauseOnFull(): boolean {
    return this.opts.backpressure === 'pause';
  }

  start(): void {
    if (this.started || this.stopping) return;
    this.started = true;
    this.begin();
  }

  stop(): Promise<void> {
    if (!this.stopPromise) {
      this.stopPromise = (async () => {
        this.slot.close({ discard: true });
        this.wakeRoomWaiters();
        await this.halt();
        if (this.current !== 'ended') this.setState('ended', 'stopped', 'stopped by caller');
      })();
    }
    return this.stopPromise;
  }

  [Symbol.asyncIterator](): AsyncIterator<Frame> {
    this.start();
    return {
      next: async (): Promise<IteratorResult<Frame>> => {
        const frame = await this.slot.next();
        if (frame) return { value: frame, done: false };
        if (this.failure) throw this.failure;
        return { value: undefined, done: true };
      },
      return: async (): Promise<IteratorResult<Frame>> => {
        await this.stop();
        return { value: undefined, done: true };
      },
    };
  }

  /** Launch production. Called once, by start(). */
  protected abstract begin(): void;

  /** Release everything (processes, timers); resolves when nothing is left running. */
  protected abstract halt(): Promise<void>;

  /** Called when the consumer took a frame; pausing sources resume here. */
  protected onRoom(): void {}

  /** Hand a frame's pixels downstream (replacing an unread frame, which counts as dropped). */
  protected emitFrame(pixels: Buffer): void {
    const frame: Frame = { seq: this.seq++, ts: this.timers.now(), width: this.opts.width, height: this.opts.height, pixels };
    this.stats.framesRead += 1;
    if (this.slot.put(frame)) this.stats.framesDropped += 1;
  }

  /** A frame that would be dropped anyway: count it without building it. */
  protected skipFrame(): void {
    this.seq += 1;
    this.stats.framesRead += 1;
    this.stats.framesDropped += 1;
  }

  /** Resolves when the slot is empty again (or the source stops). */
  protected waitForRoom(): Promise<void> {
    if (this.hasRoom || this.stopping) return Promise.resolve();
    return new Promise<void>((resolve) => this.roomWaiters.push(resolve));
  }

  protected setState(state: SourceState, code: StateReasonCode, reason: string, extra: { attempt?: number; delayMs?: number } = {}): void {
    if (this.current === 'ended') return;
    const change: StateChange = { state, previous: this.current, code, reason, ts: this.timers.now(), ...extra };
    this.current = state;
    this.last = change;
    const log = { source: this.label, state, code, reason, ...extra, counters: this.counters };
    if (state === 'lost' || (state === 'ended' && code !== 'eof' && code !== 'stopped')) this.logger.warn(log, 'capture state');
    else this.logger.info(log, 'capture state');
    this.emit('state', change);
  }

  /** Final state: no more frames after the one already waiting in the slot. */
  protected finish(code: StateReasonCode, reason: string, failure: KioskError | null = null): void {
    if (this.current === 'ended') return;
    this.failure = failure;
    this.setState('ended', code, reason);
    this.slot.close();
    this.wakeRoomWaiters();
  }

  private handleTake(): void {
    this.wakeRoomWaiters();
    this.onRoom();
  }

  private wakeRoomWaiters(): void {
    for (const wake of this.roomWaiters.splice(0)) wake();
  }
}
