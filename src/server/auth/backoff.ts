/**
 * Per-client exponential back-off for wrong PINs, passwords and codes. Each key (a display, an
 * address, a user at an address) gets `freeFailures` tries; after that every further failure
 * doubles the wait before the next try, from `baseMs` up to `maxMs`. There is no shared bucket, so
 * guesses from other clients never slow down this one, and a success clears the key: successes
 * never count. Pure apart from the injected clock.
 */
export interface BackoffOptions {
  freeFailures: number;
  baseMs: number;
  maxMs: number;
  /** Most keys remembered; the stalest are dropped first, so many addresses cannot grow memory forever. */
  maxKeys: number;
}

export type RateCheck = { allowed: true } | { allowed: false; retryAfterMs: number };

interface Entry {
  failures: number;
  lastFailureAt: number;
}

export class Backoff {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly opts: BackoffOptions,
    private readonly clock: () => number,
  ) {}

  /** How long this key must wait after `failures` failures (0 while it has free tries left). */
  waitAfter(failures: number): number {
    const over = failures - this.opts.freeFailures;
    if (over < 0) return 0;
    return Math.min(this.opts.maxMs, this.opts.baseMs * 2 ** Math.min(over, 40));
  }

  check(key: string): RateCheck {
    const e = this.entries.get(key);
    if (e === undefined) return { allowed: true };
    const until = e.lastFailureAt + this.waitAfter(e.failures);
    const now = this.clock();
    // A clock that stepped backwards (NTP) must not extend the wait.
    if (until <= now || now < e.lastFailureAt) return { allowed: true };
    return { allowed: false, retryAfterMs: until - now };
  }

  fail(key: string): void {
    const e = this.entries.get(key);
    const now = this.clock();
    this.entries.delete(key);
    this.entries.set(key, { failures: (e?.failures ?? 0) + 1, lastFailureAt: now });
    this.prune(now);
  }

  /** A success: the key starts over with all its free tries. */
  reset(key: string): void {
    this.entries.delete(key);
  }

  failures(key: string): number {
    return this.entries.get(key)?.failures ?? 0;
  }

  get size(): number {
    return this.entries.size;
  }

  /** Keys quiet for twice the longest wait are forgotten; past maxKeys the least recently failed go. */
  private prune(now: number): void {
    const forgetAfter = 2 * this.opts.maxMs;
    for (const [key, e] of this.entries) {
      if (this.entries.size <= this.opts.maxKeys && now - e.lastFailureAt < forgetAfter) break;
      this.entries.delete(key);
    }
  }
}

/** Several back-offs that must all allow (e.g. per address and per user at that address); the longest wait wins. */
export function checkAll(checks: readonly RateCheck[]): RateCheck {
  let wait = 0;
  for (const c of checks) if (!c.allowed) wait = Math.max(wait, c.retryAfterMs);
  return wait === 0 ? { allowed: true } : { allowed: false, retryAfterMs: wait };
}
