import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { clockStatus, retryDelayMs } from '../../../src/sync/backoff.ts';

describe('retryDelayMs', () => {
  const policy = { baseMs: 1_000, maxMs: 60_000 };
  const cases: [number, number, number][] = [
    [0, 0.5, 0],
    [1, 0, 500],
    [1, 1, 1_000],
    [2, 0, 1_000],
    [3, 0.5, 3_000],
    [7, 1, 60_000],
    [8, 0, 30_000],
    [1_000, 1, 60_000],
    [4, 2, 8_000], // a random source out of range is clamped
    [4, -1, 4_000],
  ];
  for (const [failures, r, want] of cases) test(`${failures} failures, random ${r} → ${want} ms`, () => assert.equal(retryDelayMs(failures, policy, () => r), want));
});

describe('clockStatus', () => {
  test('not synchronised before the hub was reached in this boot', () => {
    assert.deepEqual(clockStatus(null, 'b1', 120_000), { state: 'not-synchronised', reason: 'hub-not-reached-since-boot' });
    assert.deepEqual(clockStatus({ offsetMs: 0, bootId: 'b0' }, 'b1', 120_000), { state: 'not-synchronised', reason: 'hub-not-reached-since-boot' });
  });
  test('skewed beyond the limit, synchronised within it', () => {
    assert.deepEqual(clockStatus({ offsetMs: -120_001, bootId: 'b1' }, 'b1', 120_000), { state: 'not-synchronised', reason: 'skewed', offsetMs: -120_001 });
    assert.deepEqual(clockStatus({ offsetMs: 120_000, bootId: 'b1' }, 'b1', 120_000), { state: 'synchronised', offsetMs: 120_000 });
  });
  test('a wall clock set since the last exchange carries the offset forward (mono unaffected)', () => {
    const verdict = { offsetMs: 1_000, bootId: 'b1', wallMinusMonoMs: 5_000_000 };
    const cases: [string, number, ReturnType<typeof clockStatus>][] = [
      ['unchanged', 5_000_000, { state: 'synchronised', offsetMs: 1_000 }],
      ['slewed a little', 5_030_000, { state: 'synchronised', offsetMs: 31_000 }],
      ['set an hour ahead', 5_000_000 + 3_600_000, { state: 'not-synchronised', reason: 'skewed', offsetMs: 3_601_000 }],
      ['set ten minutes back', 5_000_000 - 600_000, { state: 'not-synchronised', reason: 'skewed', offsetMs: -599_000 }],
    ];
    for (const [name, now, want] of cases) assert.deepEqual(clockStatus(verdict, 'b1', 120_000, now), want, name);
    // A verdict without the reference (older agent state) is judged as measured.
    assert.deepEqual(clockStatus({ offsetMs: 1_000, bootId: 'b1' }, 'b1', 120_000, 99), { state: 'synchronised', offsetMs: 1_000 });
  });
});
