/**
 * Stall detection: fires once when no `kick()` (frame) arrived for `timeoutMs`. A kick only records
 * the time, so a 30 fps stream costs no timer churn; the single timer re-arms itself for the remainder.
 */
import { realTimers, type TimerHandle, type Timers } from './timers.ts';

export class Watchdog {
  private timer: TimerHandle | null = null;
  private lastKick = 0;
  private timeoutMs = 0;

  constructor(
    private readonly onStall: (silentMs: number) => void,
    private readonly timers: Timers = realTimers,
  ) {}

  get armed(): boolean {
    return this.timer !== null;
  }

  /** Start (or restart) watching: stall if nothing arrives within `timeoutMs` from now. */
  arm(timeoutMs: number): void {
    this.disarm();
    this.timeoutMs = timeoutMs;
    this.lastKick = this.timers.now();
    this.schedule(timeoutMs);
  }

  /** Something arrived: push the deadline back. */
  kick(): void {
    this.lastKick = this.timers.now();
  }

  disarm(): void {
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
  }

  private schedule(ms: number): void {
    this.timer = this.timers.setTimeout(() => this.check(), ms);
  }

  private check(): void {
    this.timer = null;
    const silent = this.timers.now() - this.lastKick;
    if (silent >= this.timeoutMs) {
      this.onStall(silent);
      return;
    }
    this.schedule(this.timeoutMs - silent);
  }
}
