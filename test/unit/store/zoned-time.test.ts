import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { addDays, localDay, localDayBounds, localWallTime, weekdayOf, zoneOffsetMs } from '../../../src/store/zoned-time.ts';
import { isKioskError } from '../../../src/errors.ts';

const HCM = 'Asia/Ho_Chi_Minh';
const NY = 'America/New_York';
const iso = (s: string): number => Date.parse(s);

describe('localDay', () => {
  const cases: [string, string, string][] = [
    ['2024-03-01T16:59:59Z', HCM, '2024-03-01'],
    ['2024-03-01T17:00:00Z', HCM, '2024-03-02'],
    ['2024-03-01T23:30:00Z', HCM, '2024-03-02'],
    ['2024-03-01T23:30:00Z', 'UTC', '2024-03-01'],
    ['2024-03-10T04:59:59Z', NY, '2024-03-09'],
    ['2024-03-10T05:00:00Z', NY, '2024-03-10'],
  ];
  for (const [at, tz, day] of cases) {
    test(`${at} in ${tz} is ${day}`, () => assert.equal(localDay(iso(at), tz), day));
  }
});

describe('zoneOffsetMs', () => {
  test('Ho Chi Minh City is UTC+7 all year; New York follows DST', () => {
    assert.equal(zoneOffsetMs(iso('2024-01-15T12:00:00.500Z'), HCM), 7 * 3_600_000);
    assert.equal(zoneOffsetMs(iso('2024-07-15T12:00:00Z'), HCM), 7 * 3_600_000);
    assert.equal(zoneOffsetMs(iso('2024-01-15T12:00:00Z'), NY), -5 * 3_600_000);
    assert.equal(zoneOffsetMs(iso('2024-07-15T12:00:00Z'), NY), -4 * 3_600_000);
  });
});

describe('localDayBounds', () => {
  test('a day in Ho Chi Minh City runs 17:00Z to 17:00Z', () => {
    assert.deepEqual(localDayBounds('2024-03-02', HCM), { from: iso('2024-03-01T17:00:00Z'), to: iso('2024-03-02T17:00:00Z') });
  });

  test('DST days are 23 and 25 hours long', () => {
    const spring = localDayBounds('2024-03-10', NY);
    assert.deepEqual(spring, { from: iso('2024-03-10T05:00:00Z'), to: iso('2024-03-11T04:00:00Z') });
    const fall = localDayBounds('2024-11-03', NY);
    assert.deepEqual(fall, { from: iso('2024-11-03T04:00:00Z'), to: iso('2024-11-04T05:00:00Z') });
  });

  test('month and year ends roll over', () => {
    assert.equal(localDayBounds('2024-12-31', HCM).to, iso('2024-12-31T17:00:00Z'));
  });

  test('bad input is a USAGE error', () => {
    assert.throws(() => localDayBounds('2024/03/02', HCM), (e: unknown) => isKioskError(e) && e.code === 'USAGE');
    assert.throws(() => localDay(0, 'Mars/Olympus'), (e: unknown) => isKioskError(e) && e.code === 'USAGE');
  });
});

describe('calendar arithmetic for shift-days', () => {
  test('addDays crosses months, leap days and years', () => {
    const cases: [string, number, string][] = [
      ['2024-02-28', 1, '2024-02-29'],
      ['2024-02-29', 1, '2024-03-01'],
      ['2023-12-31', 1, '2024-01-01'],
      ['2024-03-01', -1, '2024-02-29'],
    ];
    for (const [day, n, want] of cases) assert.equal(addDays(day, n), want, `${day} ${n}`);
  });

  test('weekdayOf: 0 = Sunday', () => {
    assert.equal(weekdayOf('2024-03-03'), 0);
    assert.equal(weekdayOf('2024-03-04'), 1);
    assert.equal(weekdayOf('2024-03-09'), 6);
  });

  test('localWallTime: minutes past 24:00 run into the next day, DST-aware', () => {
    assert.equal(localWallTime('2024-03-04', 22 * 60, HCM), iso('2024-03-04T22:00:00+07:00'));
    assert.equal(localWallTime('2024-03-04', 30 * 60, HCM), iso('2024-03-05T06:00:00+07:00'));
    // New York springs forward on 2024-03-10: 06:00 that morning is EDT.
    assert.equal(localWallTime('2024-03-09', 30 * 60, NY), iso('2024-03-10T06:00:00-04:00'));
    assert.equal(localWallTime('2024-03-09', 22 * 60, NY), iso('2024-03-09T22:00:00-05:00'));
  });

  test('a malformed day is a usage error', () => {
    assert.throws(() => addDays('2024-3-4', 1), (err: unknown) => isKioskError(err) && err.code === 'USAGE');
  });
});
