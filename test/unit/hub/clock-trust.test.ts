import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { judgeKiosk, judgeRecord, type ClockAnchor } from '../../../src/hub/clock-trust.ts';

const HOUR = 3_600_000;
const SKEW = 120_000;
const T = Date.UTC(2025, 5, 2, 8, 0, 0);
const anchors = new Map<string, ClockAnchor>([['boot-1', { bootId: 'boot-1', hubMs: T, monoMs: 1_000_000 }]]);

describe('judgeRecord', () => {
  const cases: { name: string; wallMs: number; monoMs: number | null; bootId: string | null; trust: string; correctedMs: number | null }[] = [
    { name: 'right clock, same boot as an exchange', wallMs: T - 60_000, monoMs: 940_000, bootId: 'boot-1', trust: 'confirmed', correctedMs: T - 60_000 },
    { name: 'just within the skew', wallMs: T - 60_000 + SKEW, monoMs: 940_000, bootId: 'boot-1', trust: 'confirmed', correctedMs: T - 60_000 },
    { name: 'one ms beyond the skew', wallMs: T - 60_000 + SKEW + 1, monoMs: 940_000, bootId: 'boot-1', trust: 'skewed', correctedMs: T - 60_000 },
    { name: 'booted in 1970 (no battery clock), dated by monotonic time', wallMs: 5_000, monoMs: 10_000, bootId: 'boot-1', trust: 'skewed', correctedMs: T - 990_000 },
    { name: 'an hour behind', wallMs: T - HOUR, monoMs: 1_000_000, bootId: 'boot-1', trust: 'skewed', correctedMs: T },
    { name: 'a boot that never reached the hub', wallMs: T, monoMs: 500, bootId: 'boot-0', trust: 'unconfirmed', correctedMs: null },
    { name: 'history enqueued at join (no monotonic time)', wallMs: T, monoMs: null, bootId: null, trust: 'unconfirmed', correctedMs: null },
    { name: 'monotonic time without a boot id', wallMs: T, monoMs: 1_000, bootId: null, trust: 'unconfirmed', correctedMs: null },
    { name: 'made after the anchor in the same boot', wallMs: T + 30_000, monoMs: 1_030_000, bootId: 'boot-1', trust: 'confirmed', correctedMs: T + 30_000 },
  ];
  for (const c of cases) {
    test(c.name, () => {
      assert.deepEqual(judgeRecord({ wallMs: c.wallMs, monoMs: c.monoMs, bootId: c.bootId }, anchors, SKEW), { trust: c.trust, correctedMs: c.correctedMs });
    });
  }
});

describe('judgeKiosk', () => {
  const cases: [string, number, { offsetMs: number; skewed: boolean }][] = [
    ['in step', T, { offsetMs: 0, skewed: false }],
    ['two minutes ahead: at the limit', T + SKEW, { offsetMs: SKEW, skewed: false }],
    ['beyond the limit, ahead', T + SKEW + 1, { offsetMs: SKEW + 1, skewed: true }],
    ['beyond the limit, behind', T - SKEW - 1, { offsetMs: -SKEW - 1, skewed: true }],
  ];
  for (const [name, wall, want] of cases) test(name, () => assert.deepEqual(judgeKiosk(wall, T, SKEW), want));
});
