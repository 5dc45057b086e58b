/**
 * Frames from one long-lived child process (ffmpeg, or gst-launch for Jetson CSI) writing raw RGB24 to
 * stdout. Live sources (cameras, streams, looping files) are watched: an exit, a stall or a spawn
 * failure is reported as `lost` and retried with backoff while the consumer just sees a gap in `seq`.
 * A finite file ends with `ended` and a reason instead.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { KioskError } from '../errors.ts';
import { backoffDelay } from './backoff.ts';
import { buildCaptureCommand, type ProcessCommand, type ProcessInput } from './ffmpeg-args.ts';
import { resolveFfmpegPath } from './ffmpeg-path.ts';
import { FrameAssembler } from './frame-assembler.ts';
import type { CaptureOptions } from './options.ts';
import { BaseFrameSource, type SourceDeps } from './source-base.ts';
import { TextTail } from './text-tail.ts';
import type { TimerHandle } from './timers.ts';
import type { SourceKind, StateReasonCode } from './types.ts';
import { Watchdog } from './watchdog.ts';

export type SpawnFn = (command: string, args: string[]) => ChildProcess;

export interface FfmpegSourceDeps extends SourceDeps {
  /** Replaces child_process.spawn (tests). */
  spawn?: SpawnFn;
}

interface Run {
  child: ChildProcess;
  closed: Promise<void>;
  stderr: TextTail;
  spawnError: Error | null;
  gotFrame: boolean;
}

const defaultSpawn: SpawnFn = (command, args) => spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });

function describeInput(input: ProcessInput): string {
  switch (input.kind) {
    case 'v4l2':
      return input.device;
    case 'file':
      return input.path;
    case 'url':
      return input.url.replace(/\/\/[^@/]*@/, '//***@'); // keep camera passwords out of logs
    case 'gst':
      return input.pipeline === '' ? `gst:csi:${input.sensorId}` : `gst:${input.pipeline}`;
  }
}

export class FfmpegSource extends BaseFrameSource {
  readonly kind: SourceKind;
  readonly command: ProcessCommand;
  /** Whether the end of input is a loss to recover from (camera, stream, looping file) or the natural end. */
  readonly live: boolean;
  private readonly spawnFn: SpawnFn;
  private readonly asm: FrameAssembler;
  private readonly watchdog: Watchdog;
  private readonly children = new Map<ChildProcess, Promise<void>>();
  private run: Run | null = null;
  private attempt = 0;
  private reconnectTimer: TimerHandle | null = null;
  private paused = false;
  private pumping = false;
  /** Finite input closed; end once the buffered frames are delivered. */
  private pendingEnd: { code: number | null; signal: NodeJS.Signals | null; run: Run } | null = null;

  constructor(input: ProcessInput, opts: CaptureOptions, deps: FfmpegSourceDeps = {}) {
    super(describeInput(input), opts, deps);
    this.kind = input.kind;
    this.live = input.kind !== 'file' || opts.loop;
    const ffmpegPath = input.kind === 'gst' ? '' : resolveFfmpegPath(opts.ffmpegPath);
    this.command = buildCaptureCommand(input, opts, ffmpegPath);
    this.spawnFn = deps.spawn ?? defaultSpawn;
    this.asm = new FrameAssembler(opts.width * opts.height * 3);
    this.watchdog = new Watchdog((silentMs) => this.onStall(silentMs), this.timers);
  }

  /** pid of the current capture process (diagnostics, tests). */
  get childPid(): number | undefined {
    return this.run?.child.pid;
  }

  protected begin(): void {
    this.setState('starting', 'start', `starting ${this.label}`);
    this.spawnChild();
  }

  protected async halt(): Promise<void> {
    if (this.reconnectTimer) this.timers.clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    this.watchdog.disarm();
    const run = this.run;
    this.run = null;
    if (run) this.detach(run, 'SIGTERM');
    await Promise.all([...this.children.entries()].map(([child, closed]) => this.awaitExit(child, closed)));
  }

  protected override onRoom(): void {
    if (this.pauseOnFull && !this.pumping) this.pump();
  }

  private spawnChild(): void {
    this.asm.reset();
    this.paused = false;
    const stderr = new TextTail(this.opts.stderrTailBytes);
    let child: ChildProcess;
    try {
      child = this.spawnFn(this.command.command, this.command.args);
    } catch (err) {
      this.onLoss('spawn-error', `cannot start ${this.command.command}: ${(err as Error).message}`);
      return;
    }
    const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
    const run: Run = { child, closed, stderr, spawnError: null, gotFrame: false };
    this.children.set(child, closed);
    this.run = run;
    child.stdout?.on('data', (chunk: Buffer) => {
      if (this.run !== run) return;
      this.asm.push(chunk);
      this.pump();
    });
    child.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', (err) => {
      run.spawnError = err;
    });
    child.once('close', (code: number | null, signal: NodeJS.Signals | null) => {
      this.children.delete(child);
      if (this.run === run) this.onClose(run, code, signal);
    });
    this.watchdog.arm(this.opts.startTimeoutMs);
    this.logger.debug({ source: this.label, command: this.command.command, args: this.command.args, pid: child.pid }, 'capture process started');
  }

  /** Move whole frames from the assembler to the slot. */
  private pump(): void {
    this.pumping = true;
    try {
      if (this.pauseOnFull) {
        while (this.hasRoom && !this.stopping) {
          const buf = this.asm.next();
          if (!buf) break;
          this.onFrame(buf);
        }
        this.applyBackpressure();
      } else {
        // Only the newest complete frame survives the slot; skip the older ones without copying.
        while (this.asm.completeFrames > 1) {
          this.asm.skip();
          this.skipFrame();
        }
        const buf = this.asm.next();
        if (buf) this.onFrame(buf);
      }
    } finally {
      this.pumping = false;
    }
    if (this.pendingEnd && this.asm.completeFrames === 0) this.endFinite();
  }

  private applyBackpressure(): void {
    const stdout = this.run?.child.stdout;
    if (!stdout) return;
    const full = this.asm.completeFrames > 0;
    if (full && !this.paused) {
      this.paused = true;
      stdout.pause();
      this.watchdog.disarm(); // the silence is ours, not the camera's
    } else if (!full && this.paused) {
      this.paused = false;
      stdout.resume();
      this.watchdog.arm(this.opts.stallTimeoutMs);
    }
  }

  private onFrame(pixels: Buffer): void {
    const run = this.run;
    if (run && !run.gotFrame) {
      run.gotFrame = true;
      const reconnected = this.attempt > 0;
      this.attempt = 0;
      this.watchdog.arm(this.opts.stallTimeoutMs);
      this.setState('running', reconnected ? 'reconnected' : 'first-frame', reconnected ? `reconnected to ${this.label}` : `reading ${this.label}`);
    } else {
      this.watchdog.kick();
    }
    this.emitFrame(pixels);
  }

  private onStall(silentMs: number): void {
    const waited = this.run?.gotFrame ? 'no frame' : 'no first frame';
    this.onLoss('stall', `${waited} from ${this.label} for ${silentMs} ms`);
  }

  private onClose(run: Run, code: number | null, signal: NodeJS.Signals | null): void {
    this.watchdog.disarm();
    if (this.stopping) return;
    const why = exitText(run, code, signal, this.command.command);
    if (this.live) {
      this.onLoss(run.spawnError ? 'spawn-error' : 'exit', why);
      return;
    }
    this.pendingEnd = { code, signal, run };
    this.pump();
  }

  /** A finite file's process closed and every whole frame was handed on. */
  private endFinite(): void {
    const end = this.pendingEnd;
    if (!end) return;
    this.pendingEnd = null;
    this.run = null;
    const { run, code, signal } = end;
    const partial = this.asm.partialBytes;
    this.asm.reset();
    const detail = run.stderr.lastLine;
    const frames = this.stats.framesRead;
    if (code === 0 && !signal && !run.spawnError) {
      if (detail === '' && partial === 0) {
        this.finish('eof', `end of ${this.label} after ${frames} frames`);
      } else {
        const why = detail || `${partial} bytes of an incomplete frame`;
        this.finish('eof-with-errors', `end of ${this.label} after ${frames} frames; input damaged or truncated: ${why}`);
      }
      return;
    }
    const why = exitText(run, code, signal, this.command.command);
    const failure =
      frames === 0
        ? new KioskError('CAPTURE_SOURCE_INVALID', `cannot read video ${this.label}: ${why}`, {
            hint: 'check that the file plays (e.g. ffplay), or use --source <camera device, other video file or image folder>',
            context: { source: this.label, exitCode: code, signal, stderr: run.stderr.text },
          })
        : null;
    this.finish('error', `${this.label} failed after ${frames} frames: ${why}`, failure);
  }

  private onLoss(code: StateReasonCode, reason: string): void {
    if (this.stopping || this.state === 'ended') return;
    this.watchdog.disarm();
    const old = this.run;
    this.run = null;
    if (old) this.detach(old, 'SIGKILL');
    this.asm.reset();
    if (!this.live) {
      // A finite file that stalls or cannot start will not get better by retrying.
      const failure =
        this.stats.framesRead === 0
          ? new KioskError('CAPTURE_SOURCE_INVALID', `cannot read ${this.label}: ${reason}`, {
              hint: 'check the file, or use --source <camera device or image folder>',
              context: { source: this.label },
            })
          : null;
      this.finish('error', reason, failure);
      return;
    }
    this.setState('lost', code, reason);
    if (this.opts.maxReconnects > 0 && this.attempt >= this.opts.maxReconnects) {
      const failure = new KioskError('CAPTURE_DEVICE_LOST', `gave up on ${this.label} after ${this.attempt} reconnect attempts: ${reason}`, {
        hint: 'check the camera cable/network, or raise capture.maxReconnects (0 = retry forever)',
        context: { source: this.label, attempts: this.attempt },
      });
      this.finish('gave-up', failure.message, failure);
      return;
    }
    this.attempt += 1;
    const attempt = this.attempt;
    const delayMs = backoffDelay(attempt, this.opts, this.random);
    this.setState('reconnecting', 'backoff', `retry ${attempt} in ${delayMs} ms`, { attempt, delayMs });
    const closed = old?.closed ?? Promise.resolve();
    this.reconnectTimer = this.timers.setTimeout(() => {
      this.reconnectTimer = null;
      // Wait for the old process to be gone so a camera device is free before reopening it.
      void closed.then(() => {
        if (this.stopping || this.state === 'ended') return;
        this.stats.reconnects += 1;
        this.spawnChild();
      });
    }, delayMs);
  }

  /** Stop listening to a run and make its process go away; its 'close' is still awaited by halt(). */
  private detach(run: Run, signal: NodeJS.Signals): void {
    const { child } = run;
    // Drain and drop whatever is still in the pipe: a process blocked writing to a paused pipe never exits.
    child.stdout?.resume();
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  }

  private async awaitExit(child: ChildProcess, closed: Promise<void>): Promise<void> {
    let timer: TimerHandle | null = null;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = this.timers.setTimeout(() => resolve('timeout'), this.opts.killTimeoutMs);
    });
    const outcome = await Promise.race([closed.then(() => 'closed' as const), timeout]);
    if (timer) this.timers.clearTimeout(timer);
    if (outcome === 'timeout') {
      this.logger.warn({ source: this.label, pid: child.pid }, 'capture process ignored SIGTERM; killing');
      child.kill('SIGKILL');
      await closed;
    }
  }
}

function exitText(run: Run, code: number | null, signal: NodeJS.Signals | null, command: string): string {
  if (run.spawnError) return `cannot run ${command}: ${run.spawnError.message}`;
  const how = signal ? `killed by ${signal}` : `exited with code ${code}`;
  const detail = run.stderr.lastLine;
  return detail ? `${command.split('/').pop()} ${how}: ${detail}` : `${command.split('/').pop()} ${how}`;
}
