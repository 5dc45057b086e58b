/**
 * sd_notify without native code. systemd listens on a unix *datagram* socket ($NOTIFY_SOCKET) and
 * Node's dgram module only speaks UDP, so a small helper sends for us:
 *   - `systemd-notify VAR=VALUE…` (ships with systemd) for each message. From systemd 246 it waits
 *     until systemd has processed the message (BARRIER=1), so the short-lived sender is reliably
 *     attributed to the unit; older systemd (Ubuntu 20.04 / JetPack 5 has 245) can drop it;
 *   - else one long-lived `python3` child that reads JSON lines on stdin and sends each one; being
 *     alive when it sends, it is always attributed to the unit, on any systemd version.
 * Both are children of the kiosk, not its main process, so the unit needs `NotifyAccess=all`.
 *
 * LoopWatchdog pings WATCHDOG=1 only while the recognition loop keeps calling markAlive(): a hung
 * loop (or a blocked event loop, which stops the timer itself) stops the pings, and systemd's
 * WatchdogSec kills and restarts the service.
 */
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';
import { errorMessage } from '../errors.ts';
import { silentLogger, type Logger } from '../log.ts';
import { realTimers, type TimerHandle, type Timers } from '../capture/timers.ts';
import { findExecutable } from '../capture/find-executable.ts';

export { findExecutable };
import type { WatchdogOptions } from './options.ts';

export interface NotifyTransport {
  readonly name: string;
  send(message: string): Promise<void>;
  close(): void;
}

/** systemd-notify's version gained the BARRIER=1 handshake that makes a short-lived sender reliable. */
const SYSTEMD_NOTIFY_BARRIER_SINCE = 246;

export function systemdNotifyTransport(binary: string, socket: string, timeoutMs: number): NotifyTransport {
  return {
    name: 'systemd-notify',
    send: (message) =>
      new Promise((resolve, reject) => {
        execFile(binary, message.split('\n'), { env: { ...process.env, NOTIFY_SOCKET: socket }, timeout: timeoutMs }, (err, _out, stderr) => {
          if (err) reject(new Error(`systemd-notify failed: ${stderr.trim() || errorMessage(err)}`));
          else resolve();
        });
      }),
    close: () => undefined,
  };
}

const PYTHON_SENDER = `
import json, socket, sys
path = sys.argv[1]
if path.startswith('@'):
    path = '\\0' + path[1:]
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
for line in sys.stdin:
    try:
        s.sendto(json.loads(line).encode(), path)
    except OSError as e:
        sys.stderr.write('sd-notify: %s\\n' % e)
        sys.stderr.flush()
`;

export function python3Transport(binary: string, socket: string, logger: Logger): NotifyTransport {
  let child: ChildProcess | null = null;
  const start = (): ChildProcess => {
    const c = spawn(binary, ['-u', '-c', PYTHON_SENDER, socket], { stdio: ['pipe', 'ignore', 'pipe'] });
    c.stderr?.on('data', (d: Buffer) => logger.warn({ err: d.toString().trim() }, 'sd_notify helper'));
    c.on('exit', (code) => {
      if (child === c) child = null;
      if (code !== 0 && code !== null) logger.warn({ code }, 'sd_notify helper exited');
    });
    c.on('error', (err) => logger.warn({ err: errorMessage(err) }, 'sd_notify helper failed'));
    // The helper must never keep the kiosk alive on shutdown.
    c.unref();
    (c.stdin as Socket | null)?.unref();
    return c;
  };
  return {
    name: 'python3',
    send: (message) =>
      new Promise((resolve, reject) => {
        child ??= start();
        const stdin = child.stdin;
        if (!stdin) return reject(new Error('sd_notify helper has no stdin'));
        stdin.write(`${JSON.stringify(message)}\n`, (err) => (err ? reject(err) : resolve()));
      }),
    close: () => {
      child?.stdin?.end();
      child = null;
    },
  };
}

function systemdVersion(binary: string): number {
  try {
    const out = execFileSync(binary, ['--version'], { encoding: 'utf8', timeout: 5_000 });
    return Number(/systemd (\d+)/.exec(out)?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/** Picks how to reach $NOTIFY_SOCKET; null when notifications are off or no helper exists. */
export function chooseTransport(
  socket: string,
  opts: Pick<WatchdogOptions, 'notify' | 'notifyTimeoutMs'>,
  env: NodeJS.ProcessEnv,
  logger: Logger,
): NotifyTransport | null {
  if (opts.notify === 'off') return null;
  const sn = opts.notify === 'python3' ? null : findExecutable('systemd-notify', env);
  const py = opts.notify === 'systemd-notify' ? null : findExecutable('python3', env);
  if (sn && (opts.notify === 'systemd-notify' || !py || systemdVersion(sn) >= SYSTEMD_NOTIFY_BARRIER_SINCE)) {
    return systemdNotifyTransport(sn, socket, opts.notifyTimeoutMs);
  }
  if (py) return python3Transport(py, socket, logger);
  logger.error({ notify: opts.notify }, 'NOTIFY_SOCKET is set but neither systemd-notify nor python3 was found: systemd will not see the kiosk start');
  return null;
}

/** Sends sd_notify states; every method is a no-op outside systemd (no NOTIFY_SOCKET). */
export class SdNotifier {
  constructor(
    private readonly transport: NotifyTransport | null,
    private readonly logger: Logger = silentLogger,
  ) {}

  static fromEnv(
    opts: Pick<WatchdogOptions, 'notify' | 'notifyTimeoutMs'>,
    env: NodeJS.ProcessEnv = process.env,
    logger: Logger = silentLogger,
  ): SdNotifier {
    const socket = env.NOTIFY_SOCKET;
    return new SdNotifier(socket ? chooseTransport(socket, opts, env, logger) : null, logger);
  }

  get enabled(): boolean {
    return this.transport !== null;
  }

  ready(status?: string): Promise<void> {
    return this.send(status === undefined ? 'READY=1' : `READY=1\nSTATUS=${oneLine(status)}`);
  }

  status(text: string): Promise<void> {
    return this.send(`STATUS=${oneLine(text)}`);
  }

  watchdog(): Promise<void> {
    return this.send('WATCHDOG=1');
  }

  stopping(): Promise<void> {
    return this.send('STOPPING=1');
  }

  close(): void {
    this.transport?.close();
  }

  /** Never throws: a lost notification must not take the kiosk down (systemd will act on the silence). */
  private async send(message: string): Promise<void> {
    if (this.transport === null) return;
    try {
      await this.transport.send(message);
    } catch (err) {
      this.logger.warn({ err: errorMessage(err), message }, 'sd_notify failed');
    }
  }
}

function oneLine(text: string): string {
  return text.replace(/\s*\n\s*/g, ' ');
}

/**
 * Half of systemd's WatchdogSec (from $WATCHDOG_USEC), as sd_watchdog_enabled() advises; null when
 * the watchdog is off or meant for another process ($WATCHDOG_PID).
 */
export function watchdogIntervalMs(env: NodeJS.ProcessEnv = process.env, pid: number = process.pid): number | null {
  const usec = Number(env.WATCHDOG_USEC);
  if (!Number.isFinite(usec) || usec <= 0) return null;
  if (env.WATCHDOG_PID !== undefined && Number(env.WATCHDOG_PID) !== pid) return null;
  return Math.max(1, Math.floor(usec / 1000 / 2));
}

/** Pure: the loop is alive when it reported within `staleAfterMs`. */
export function loopAlive(now: number, lastAlive: number, staleAfterMs: number): boolean {
  return now - lastAlive <= staleAfterMs;
}

export interface LoopWatchdogStats {
  pings: number;
  /** Ticks on which the loop was stale, so no ping was sent. */
  skipped: number;
  lastAlive: number;
}

export class LoopWatchdog {
  private timer: TimerHandle | null = null;
  private lastAlive: number;
  private pings = 0;
  private skipped = 0;
  private stalled = false;
  private readonly timers: Timers;
  private readonly logger: Logger;

  constructor(
    private readonly ping: () => unknown,
    private readonly opts: { intervalMs: number; staleAfterMs: number; timers?: Timers; logger?: Logger },
  ) {
    this.timers = opts.timers ?? realTimers;
    this.logger = opts.logger ?? silentLogger;
    this.lastAlive = this.timers.now();
  }

  /** Starts pinging; the start itself counts as a sign of life (grace of staleAfterMs). */
  start(): void {
    if (this.timer !== null) return;
    this.lastAlive = this.timers.now();
    this.schedule();
  }

  /** Called by the recognition loop on every iteration (frame processed, or idle tick). */
  markAlive(): void {
    this.lastAlive = this.timers.now();
  }

  stop(): void {
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
  }

  get stats(): LoopWatchdogStats {
    return { pings: this.pings, skipped: this.skipped, lastAlive: this.lastAlive };
  }

  private schedule(): void {
    this.timer = this.timers.setTimeout(() => this.tick(), this.opts.intervalMs);
  }

  private tick(): void {
    const now = this.timers.now();
    if (loopAlive(now, this.lastAlive, this.opts.staleAfterMs)) {
      if (this.stalled) this.logger.info({}, 'recognition loop alive again; watchdog pings resumed');
      this.stalled = false;
      this.pings++;
      void this.ping();
    } else {
      if (!this.stalled) this.logger.error({ silentMs: now - this.lastAlive }, 'recognition loop hung; withholding watchdog pings so systemd restarts the kiosk');
      this.stalled = true;
      this.skipped++;
    }
    this.schedule();
  }
}

export interface SystemdIntegration {
  notifier: SdNotifier;
  /** Null when systemd's watchdog is off for this process. */
  watchdog: LoopWatchdog | null;
  /** Tell systemd start-up is done and begin watchdog pings. */
  ready(status?: string): Promise<void>;
  markAlive(): void;
  stop(): Promise<void>;
}

/**
 * Everything `kiosk serve` needs: call `ready()` once listening, `markAlive()` from the loop, `stop()`
 * on shutdown. Outside systemd every call is a no-op.
 */
export function systemdIntegration(
  opts: WatchdogOptions,
  deps: { env?: NodeJS.ProcessEnv; logger?: Logger; timers?: Timers } = {},
): SystemdIntegration {
  const env = deps.env ?? process.env;
  const logger = deps.logger ?? silentLogger;
  const notifier = SdNotifier.fromEnv(opts, env, logger);
  const intervalMs = notifier.enabled ? watchdogIntervalMs(env) : null;
  if (intervalMs !== null && opts.staleAfterMs >= intervalMs * 2) {
    logger.warn({ staleAfterMs: opts.staleAfterMs, watchdogMs: intervalMs * 2 }, 'ops.watchdog.staleAfterMs is not below WatchdogSec: a hung loop is restarted later than configured');
  }
  const watchdog = intervalMs === null ? null : new LoopWatchdog(() => notifier.watchdog(), { intervalMs, staleAfterMs: opts.staleAfterMs, timers: deps.timers, logger });
  return {
    notifier,
    watchdog,
    ready: async (status) => {
      await notifier.ready(status);
      watchdog?.start();
    },
    markAlive: () => watchdog?.markAlive(),
    stop: async () => {
      watchdog?.stop();
      await notifier.stopping();
      notifier.close();
    },
  };
}
