/** Reconnect delays: exponential, capped, with jitter so kiosks sharing a camera server do not retry in step. */

export interface BackoffOptions {
  backoffMinMs: number;
  backoffMaxMs: number;
  backoffFactor: number;
  backoffJitter: number;
}

/**
 * Delay before reconnect `attempt` (1-based): min·factor^(attempt−1), capped at max, then spread by
 * ±jitter using `random` (0..1, injected for tests). Never negative, never above max.
 */
export function backoffDelay(attempt: number, opts: BackoffOptions, random: () => number = Math.random): number {
  const max = Math.max(opts.backoffMinMs, opts.backoffMaxMs);
  const exponent = Math.max(0, attempt - 1);
  const base = Math.min(max, opts.backoffMinMs * Math.pow(opts.backoffFactor, exponent));
  const spread = base * opts.backoffJitter * (2 * random() - 1);
  return Math.round(Math.min(max, Math.max(0, base + spread)));
}
