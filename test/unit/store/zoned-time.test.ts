import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { localDay, localDayBounds, zoneOffsetMs } from '../../../src/store/zoned-time.ts';
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
