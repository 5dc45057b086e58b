import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { backoffDelay } from '../../../src/capture/backoff.ts';

const opts = { backoffMinMs: 500, backoffMaxMs: 10_000, backoffFactor: 2, backoffJitter: 0 };

describe('backoffDelay', () => {
  const table: Array<[number, number]> = [
    [1, 500],
    [2, 1000],
    [3, 2000],
    [5, 8000],
    [6, 10_000],
    [50, 10_000],
    [0, 500],
  ];
  for (const [attempt, expected] of table) {
    test(`attempt ${attempt} without jitter waits ${expected} ms`, () => {
      assert.equal(backoffDelay(attempt, opts), expected);
    });
  }

  test('jitter spreads ±fraction and never exceeds the cap', () => {
    const j = { ...opts, backoffJitter: 0.2 };
    assert.equal(backoffDelay(2, j, () => 0), 800);
    assert.equal(backoffDelay(2, j, () => 1), 1200);
    assert.equal(backoffDelay(2, j, () => 0.5), 1000);
    assert.equal(backoffDelay(20, j, () => 1), 10_000);
    assert.equal(backoffDelay(20, j, () => 0), 8000);
  });

  test('a max below the min is treated as the min', () => {
    assert.equal(backoffDelay(4, { ...opts, backoffMaxMs: 100 }), 500);
  });

  test('factor 1 keeps a constant delay; min 0 retries at once', () => {
    assert.equal(backoffDelay(7, { ...opts, backoffFactor: 1 }), 500);
    assert.equal(backoffDelay(3, { ...opts, backoffMinMs: 0 }), 0);
  });
});
