/**
 * Whether a kiosk's clock, and each record's time, can be trusted: pure rules, table-tested.
 *
 * Every push carries the kiosk's wall clock and its monotonic ms since boot (with the boot's id).
 * The hub keeps one anchor per kiosk and boot: (hub time, kiosk monotonic ms) at an exchange. Within
 * one boot the monotonic clock cannot jump, so a record made in a boot the hub has an anchor for is
 * dated independently of the kiosk's wall clock: hub time at the anchor minus the monotonic ms
 * between the record and the anchor. Its wall time is then
 *   - 'confirmed' when within the allowed skew of that date,
 *   - 'skewed' when not (the kiosk's clock was wrong when it recorded it; corrected time kept);
 * and a record from a boot that never reached the hub (or history enqueued at join, which has no
 * monotonic time) is 'unconfirmed': made before the kiosk's clock was trusted.
 */

export type ClockTrust = 'confirmed' | 'skewed' | 'unconfirmed';

export interface ClockAnchor {
  bootId: string;
  /** Hub clock when the exchange arrived. */
  hubMs: number;
  /** The kiosk's monotonic ms sent with it. */
  monoMs: number;
}

export interface RecordTime {
  wallMs: number;
  monoMs: number | null;
  bootId: string | null;
}

export interface RecordVerdict {
  trust: ClockTrust;
  /** The hub's estimate of when the record was really made; null when it cannot tell. */
  correctedMs: number | null;
}

export function judgeRecord(r: RecordTime, anchors: ReadonlyMap<string, ClockAnchor>, maxSkewMs: number): RecordVerdict {
  if (r.monoMs === null || r.bootId === null) return { trust: 'unconfirmed', correctedMs: null };
  const anchor = anchors.get(r.bootId);
  if (anchor === undefined) return { trust: 'unconfirmed', correctedMs: null };
  const correctedMs = anchor.hubMs - (anchor.monoMs - r.monoMs);
  return { trust: Math.abs(r.wallMs - correctedMs) <= maxSkewMs ? 'confirmed' : 'skewed', correctedMs };
}

/** The kiosk's clock at an exchange: its offset from the hub's, and whether that is beyond the allowed skew. */
export function judgeKiosk(kioskWallMs: number, hubNowMs: number, maxSkewMs: number): { offsetMs: number; skewed: boolean } {
  const offsetMs = Math.round(kioskWallMs - hubNowMs);
  return { offsetMs, skewed: Math.abs(offsetMs) > maxSkewMs };
}
