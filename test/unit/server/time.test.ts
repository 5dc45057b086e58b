import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { isKioskError } from '../../../src/errors.ts';
import { dayRange, localDateAndTime, localDateTimeToEpoch } from '../../../src/server/time.ts';

describe('admin date ranges in the kiosk time zone', () => {
  test('whole local days, both ends inclusive', () => {
    assert.deepEqual(dayRange('2024-03-01', '2024-03-02', 'Asia/Ho_Chi_Minh', 31), {
      from: Date.parse('2024-02-29T17:00:00Z'),
      to: Date.parse('2024-03-02T17:00:00Z'),
    });
  });

  test('a DST day is 23 hours long and still one day', () => {
    const r = dayRange('2024-03-31', '2024-03-31', 'Europe/Berlin', 1);
    assert.equal(r.to - r.from, 23 * 3_600_000);
  });

  test('reversed or too long ranges are usage errors', () => {
    assert.throws(() => dayRange('2024-03-02', '2024-03-01', 'UTC', 31), (e: unknown) => isKioskError(e) && e.code === 'USAGE');
    assert.throws(() => dayRange('2024-01-01', '2024-03-01', 'UTC', 31), (e: unknown) => isKioskError(e) && e.code === 'USAGE');
    assert.doesNotThrow(() => dayRange('2024-01-01', '2024-01-31', 'UTC', 31));
  });
});

describe('typed-in times', () => {
  const cases: [string, string, string][] = [
    ['2024-03-01T08:05', 'Asia/Ho_Chi_Minh', '2024-03-01T01:05:00.000Z'],
    ['2024-03-01T00:30:15', 'Asia/Ho_Chi_Minh', '2024-02-29T17:30:15.000Z'],
    ['2024-07-01T09:00', 'Europe/Berlin', '2024-07-01T07:00:00.000Z'],
    ['2024-01-15T09:00', 'Europe/Berlin', '2024-01-15T08:00:00.000Z'],
    ['2024-03-10T12:00', 'America/New_York', '2024-03-10T16:00:00.000Z'],
  ];
  for (const [text, tz, iso] of cases) {
    test(`${text} in ${tz} is ${iso}`, () => assert.equal(new Date(localDateTimeToEpoch(text, tz)).toISOString(), iso));
  }

  test('impossible times are refused', () => {
    for (const bad of ['2024-13-01T08:00', '2024-03-01T24:00', '2024-03-01 08:00', '08:00']) {
      assert.throws(() => localDateTimeToEpoch(bad, 'UTC'), (e: unknown) => isKioskError(e), bad);
    }
  });

  test('localDateAndTime formats for CSV', () => {
    assert.deepEqual(localDateAndTime(Date.parse('2024-03-01T17:30:00Z'), 'Asia/Ho_Chi_Minh'), { date: '2024-03-02', time: '00:30:00' });
  });
});
