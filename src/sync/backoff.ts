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

export function clockStatus(lastVerdict: { offsetMs: number; bootId: string } | null, currentBootId: string, maxSkewMs: number): ClockStatus {
  if (lastVerdict === null || lastVerdict.bootId !== currentBootId) return { state: 'not-synchronised', reason: 'hub-not-reached-since-boot' };
  if (Math.abs(lastVerdict.offsetMs) > maxSkewMs) return { state: 'not-synchronised', reason: 'skewed', offsetMs: lastVerdict.offsetMs };
  return { state: 'synchronised', offsetMs: lastVerdict.offsetMs };
}
