/**
 * When to try the hub again: pure rules, table-tested with an injected random source.
 * Exponential back-off with "equal jitter": the n-th consecutive failure waits between half and all
 * of min(max, base·2^(n−1)), so twenty kiosks that lost the hub together do not return together.
 */
export interface BackoffPolicy {
  baseMs: number;
  maxMs: number;
}

export function retryDelayMs(failures: number, policy: BackoffPolicy, random: () => number = Math.random): number {
  if (failures <= 0) return 0;
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(failures - 1, 30));
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.round(ceiling / 2 + (ceiling / 2) * r);
}

/**
 * What the kiosk tells its admin about its clock: synchronised only once the hub was reached in this
 * boot and the offset it measured is within the allowed skew.
 */
export type ClockStatus =
  | { state: 'synchronised'; offsetMs: number }
  | { state: 'not-synchronised'; reason: 'hub-not-reached-since-boot' }
  | { state: 'not-synchronised'; reason: 'skewed'; offsetMs: number };

/** The hub's last measurement of this kiosk's clock, with where the kiosk's wall clock stood against its monotonic one then. */
export interface ClockVerdict {
  /** Kiosk wall time minus hub time, as the hub measured it. */
  offsetMs: number;
  bootId: string;
  /** Kiosk wall ms minus monotonic ms at that exchange; absent in verdicts made before it was kept. */
  wallMinusMonoMs?: number;
}

/**
 * A wall clock set since the last exchange (an admin, a late NTP step, a dead RTC battery after a
 * suspend) moves wall time against monotonic time by the same amount, so the offset is carried
 * forward locally: a kiosk offline for a week whose clock is changed stops saying "synchronised".
 */
export function clockStatus(lastVerdict: ClockVerdict | null, currentBootId: string, maxSkewMs: number, currentWallMinusMonoMs?: number): ClockStatus {
  if (lastVerdict === null || lastVerdict.bootId !== currentBootId) return { state: 'not-synchronised', reason: 'hub-not-reached-since-boot' };
  const moved = lastVerdict.wallMinusMonoMs === undefined || currentWallMinusMonoMs === undefined ? 0 : currentWallMinusMonoMs - lastVerdict.wallMinusMonoMs;
  const offsetMs = Math.round(lastVerdict.offsetMs + moved);
  if (Math.abs(offsetMs) > maxSkewMs) return { state: 'not-synchronised', reason: 'skewed', offsetMs };
  return { state: 'synchronised', offsetMs };
}
