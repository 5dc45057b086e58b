/**
 * Counts failures per key in fixed windows: after `maxFailures` wrong PINs or passwords the key is
 * refused until its window ends. Only failures count, so a person who types the right PIN is never
 * slowed down; a success clears the key. Pure apart from the injected clock.
 */
export interface RateLimitOptions {
  maxFailures: number;
  windowMs: number;
}

export type RateCheck = { allowed: true } | { allowed: false; retryAfterMs: number };

interface Bucket {
  windowStart: number;
  failures: number;
}

export class FailureLimiter {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly opts: RateLimitOptions,
    private readonly clock: () => number,
  ) {}

  check(key: string): RateCheck {
    const b = this.current(key);
    if (b === null || b.failures < this.opts.maxFailures) return { allowed: true };
    return { allowed: false, retryAfterMs: Math.max(1, b.windowStart + this.opts.windowMs - this.clock()) };
  }

  fail(key: string): void {
    const b = this.current(key);
    if (b === null) this.buckets.set(key, { windowStart: this.clock(), failures: 1 });
    else b.failures++;
    this.prune();
  }

  reset(key: string): void {
    this.buckets.delete(key);
  }

  get size(): number {
    return this.buckets.size;
  }

  private current(key: string): Bucket | null {
    const b = this.buckets.get(key);
    if (b === undefined) return null;
    if (this.clock() - b.windowStart >= this.opts.windowMs) {
      this.buckets.delete(key);
      return null;
    }
    return b;
  }

  /** Expired buckets are dropped on write, so guessing from many addresses cannot grow the map forever. */
  private prune(): void {
    const now = this.clock();
    for (const [key, b] of this.buckets) {
      if (now - b.windowStart >= this.opts.windowMs) this.buckets.delete(key);
    }
  }
}

/** Several limiters that must all allow (e.g. per address and global); the longest wait wins. */
export function checkAll(checks: readonly RateCheck[]): RateCheck {
  let wait = 0;
  for (const c of checks) if (!c.allowed) wait = Math.max(wait, c.retryAfterMs);
  return wait === 0 ? { allowed: true } : { allowed: false, retryAfterMs: wait };
}
