import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  buildBoard,
  buildPresence,
  buildTimesheet,
  shiftDayAt,
  shiftWindow,
  type ShiftSpec,
  type TimesheetPerson,
  type TimesheetPunch,
  type TimesheetRow,
} from '../../../src/store/timesheet.ts';

const HCM = 'Asia/Ho_Chi_Minh';
const NY = 'America/New_York';
const MON_FRI = 0b0111110;
const EVERY_DAY = 0b1111111;
const vi = new Intl.Collator('vi').compare;

/** Wall time in Ho Chi Minh City (UTC+7, no DST). */
function hcm(day: string, time: string): number {
  return Date.parse(`${day}T${time}+07:00`);
}

const DAY: ShiftSpec = { id: 1, name: 'Ca ngày', startMinute: 8 * 60, endMinute: 17 * 60, graceMinutes: 5, overnight: false, workDays: MON_FRI };
const NIGHT: ShiftSpec = { id: 2, name: 'Ca đêm', startMinute: 22 * 60, endMinute: 6 * 60, graceMinutes: 10, overnight: true, workDays: EVERY_DAY };

function person(id: number, shift: ShiftSpec | null, name = `P${id}`): TimesheetPerson {
  return { personId: id, personName: name, employeeCode: null, shift, activeFrom: 0 };
}

function punches(personId: number, ...ts: number[]): TimesheetPunch[] {
  return ts.map((t) => ({ personId, ts: t, voided: false }));
}

function sheet(p: TimesheetPerson, ps: TimesheetPunch[], fromDay: string, toDay: string, now: number, timeZone = HCM): TimesheetRow[] {
  return buildTimesheet({ people: [p], punches: ps, fromDay, toDay, timeZone, now, compareNames: vi });
}

function one(p: TimesheetPerson, ps: TimesheetPunch[], day: string, now: number, timeZone = HCM): TimesheetRow {
  const rows = sheet(p, ps, day, day, now, timeZone);
  assert.equal(rows.length, 1);
  return rows[0]!;
}

// 2024-03-04 is a Monday; 2024-03-09 a Saturday.
const LATER = hcm('2024-04-01', '12:00:00');

describe('day shift 08:00–17:00, grace 5 min, Mon–Fri (Asia/Ho_Chi_Minh)', () => {
  const cases: { name: string; times: string[]; day?: string; now?: number; expect: Partial<TimesheetRow> }[] = [
    { name: 'on time both ends', times: ['08:04:59', '17:01:00'], expect: { status: 'out', lateMinutes: 0, earlyMinutes: 0, punches: 2, missingCheckOut: false, absent: false } },
    { name: 'late beyond grace', times: ['08:06:00', '17:00:00'], expect: { lateMinutes: 6, earlyMinutes: 0 } },
    { name: 'exactly at the grace edge is not late', times: ['08:05:00', '17:00:00'], expect: { lateMinutes: 0 } },
    { name: 'left early beyond grace', times: ['07:55:00', '16:50:00'], expect: { lateMinutes: 0, earlyMinutes: 10 } },
    { name: 'left within grace', times: ['07:55:00', '16:56:00'], expect: { earlyMinutes: 0 } },
    { name: 'single punch, day closed: missing check-out', times: ['08:00:00'], expect: { status: 'missing-out', missingCheckOut: true, lastOut: null, workedHours: 0 } },
    { name: 'single punch, day open: in', times: ['08:00:00'], now: hcm('2024-03-04', '10:00:00'), expect: { status: 'in', missingCheckOut: false } },
    { name: 'lunch punch during the day is not leaving early yet', times: ['08:00:00', '12:00:00'], now: hcm('2024-03-04', '12:30:00'), expect: { status: 'out', earlyMinutes: 0 } },
    { name: 'back from lunch: in again', times: ['08:00:00', '12:00:00', '13:00:00'], now: hcm('2024-03-04', '14:00:00'), expect: { status: 'in' } },
    { name: 'no punch on a working day, day over: absent', times: [], expect: { status: 'absent', absent: true, firstIn: null } },
    { name: 'no punch, shift under way: not arrived', times: [], now: hcm('2024-03-04', '09:00:00'), expect: { status: 'not-arrived', absent: false } },
    { name: 'no punch, day not started: upcoming', times: [], now: hcm('2024-03-03', '12:00:00'), expect: { status: 'upcoming', absent: false } },
    { name: 'no punch on Saturday: off, not absent', times: [], day: '2024-03-09', expect: { status: 'off', absent: false, workDay: false } },
    { name: 'a punch at 00:29 belongs to the day before', times: ['00:29:00'], expect: { punches: 0, status: 'absent' } },
    { name: 'a punch at 00:30 opens the day', times: ['00:30:00', '17:00:00'], expect: { punches: 2, firstIn: hcm('2024-03-04', '00:30:00') } },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const day = c.day ?? '2024-03-04';
      const row = one(person(1, DAY), punches(1, ...c.times.map((t) => hcm(day, t))), day, c.now ?? LATER);
      for (const [k, v] of Object.entries(c.expect)) assert.deepEqual(row[k as keyof TimesheetRow], v, `${c.name}: ${k}`);
    });
  }

  test('worked hours run from first in to last out', () => {
    const row = one(person(1, DAY), punches(1, hcm('2024-03-04', '08:00:00'), hcm('2024-03-04', '12:00:00'), hcm('2024-03-04', '17:30:00')), '2024-03-04', LATER);
    assert.equal(row.workedHours, 9.5);
    assert.equal(row.firstIn, hcm('2024-03-04', '08:00:00'));
    assert.equal(row.lastOut, hcm('2024-03-04', '17:30:00'));
  });

  test('voided punches are ignored', () => {
    const ps: TimesheetPunch[] = [{ personId: 1, ts: hcm('2024-03-04', '08:00:00'), voided: true }, { personId: 1, ts: hcm('2024-03-04', '17:00:00'), voided: true }];
    assert.equal(one(person(1, DAY), ps, '2024-03-04', LATER).status, 'absent');
    const mixed: TimesheetPunch[] = [{ personId: 1, ts: hcm('2024-03-04', '07:58:00'), voided: true }, ...punches(1, hcm('2024-03-04', '08:30:00'), hcm('2024-03-04', '17:00:00'))];
    assert.equal(one(person(1, DAY), mixed, '2024-03-04', LATER).lateMinutes, 30);
  });
});

describe('overnight shift 22:00–06:00, grace 10 min (Asia/Ho_Chi_Minh)', () => {
  test('one shift-day across midnight, named by the day it starts', () => {
    const ps = punches(7, hcm('2024-03-04', '21:55:00'), hcm('2024-03-05', '06:02:00'));
    const rows = sheet(person(7, NIGHT), ps, '2024-03-04', '2024-03-05', LATER);
    assert.equal(rows.length, 2);
    const [mon, tue] = rows as [TimesheetRow, TimesheetRow];
    assert.equal(mon.day, '2024-03-04');
    assert.equal(mon.firstIn, hcm('2024-03-04', '21:55:00'));
    assert.equal(mon.lastOut, hcm('2024-03-05', '06:02:00'));
    assert.equal(Math.round(mon.workedHours * 60), 8 * 60 + 7);
    assert.equal(mon.lateMinutes, 0);
    assert.equal(mon.earlyMinutes, 0);
    assert.equal(mon.scheduledStart, hcm('2024-03-04', '22:00:00'));
    assert.equal(mon.scheduledEnd, hcm('2024-03-05', '06:00:00'));
    // The 06:02 check-out did not open a day of its own.
    assert.equal(tue.day, '2024-03-05');
    assert.equal(tue.punches, 0);
    assert.equal(tue.status, 'absent');
  });

  test('the window turns over in the middle of the off-duty gap (14:00)', () => {
    const w = shiftWindow(NIGHT, '2024-03-05', HCM);
    assert.equal(w.from, hcm('2024-03-05', '14:00:00'));
    assert.equal(w.to, hcm('2024-03-06', '14:00:00'));
    assert.equal(shiftDayAt(NIGHT, hcm('2024-03-05', '13:59:59'), HCM).day, '2024-03-04');
    assert.equal(shiftDayAt(NIGHT, hcm('2024-03-05', '14:00:00'), HCM).day, '2024-03-05');
  });

  test('late, left early and a night still open', () => {
    const late = one(person(7, NIGHT), punches(7, hcm('2024-03-04', '22:11:00'), hcm('2024-03-05', '05:40:00')), '2024-03-04', LATER);
    assert.equal(late.lateMinutes, 11);
    assert.equal(late.earlyMinutes, 20);
    const open = one(person(7, NIGHT), punches(7, hcm('2024-03-04', '21:59:00')), '2024-03-04', hcm('2024-03-05', '03:00:00'));
    assert.equal(open.status, 'in');
    assert.equal(open.missingCheckOut, false);
    const closed = one(person(7, NIGHT), punches(7, hcm('2024-03-04', '21:59:00')), '2024-03-04', hcm('2024-03-05', '14:00:00'));
    assert.equal(closed.status, 'missing-out');
  });
});

describe('a zone with DST (America/New_York)', () => {
  const ny = (iso: string): number => Date.parse(iso);
  test('the night the clocks spring forward is 7 h long', () => {
    // 2024-03-10 02:00 EST → 03:00 EDT. The shift of Saturday 03-09 starts 22:00 EST and ends 06:00 EDT.
    const row = one(person(3, NIGHT), punches(3, ny('2024-03-09T22:00:00-05:00'), ny('2024-03-10T06:00:00-04:00')), '2024-03-09', ny('2024-04-01T00:00:00Z'), NY);
    assert.equal(row.scheduledStart, ny('2024-03-09T22:00:00-05:00'));
    assert.equal(row.scheduledEnd, ny('2024-03-10T06:00:00-04:00'));
    assert.equal(row.workedHours, 7);
    assert.equal(row.lateMinutes, 0);
    assert.equal(row.earlyMinutes, 0);
  });

  test('the night the clocks fall back is 9 h long', () => {
    // 2024-11-03 02:00 EDT → 01:00 EST.
    const row = one(person(3, NIGHT), punches(3, ny('2024-11-02T22:00:00-04:00'), ny('2024-11-03T06:00:00-05:00')), '2024-11-02', ny('2024-12-01T00:00:00Z'), NY);
    assert.equal(row.workedHours, 9);
    assert.equal(row.earlyMinutes, 0);
  });

  test('a day shift on the spring-forward Sunday starts at 08:00 EDT', () => {
    const sunday: ShiftSpec = { ...DAY, workDays: EVERY_DAY };
    const row = one(person(3, sunday), punches(3, ny('2024-03-10T08:07:00-04:00'), ny('2024-03-10T17:00:00-04:00')), '2024-03-10', ny('2024-04-01T00:00:00Z'), NY);
    assert.equal(row.lateMinutes, 7);
    assert.equal(row.workedHours, 8 + 53 / 60);
  });
});

describe('people and the calendar', () => {
  test('no shift: calendar days, never late or absent', () => {
    const rows = sheet(person(5, null), punches(5, hcm('2024-03-04', '23:50:00'), hcm('2024-03-05', '00:10:00')), '2024-03-04', '2024-03-05', LATER);
    assert.deepEqual(rows.map((r) => [r.day, r.punches, r.status, r.lateMinutes]), [
      ['2024-03-04', 1, 'missing-out', 0],
      ['2024-03-05', 1, 'missing-out', 0],
    ]);
    assert.equal(sheet(person(5, null), [], '2024-03-04', '2024-03-04', LATER)[0]!.absent, false);
  });

  test('empty days before enrolment are left out; days with (manual) punches stay', () => {
    const p = { ...person(1, DAY), activeFrom: hcm('2024-03-06', '09:00:00') };
    assert.deepEqual(sheet(p, [], '2024-03-04', '2024-03-08', LATER).map((r) => r.day), ['2024-03-06', '2024-03-07', '2024-03-08']);
    const manual = punches(1, hcm('2024-03-04', '08:00:00'));
    assert.deepEqual(sheet(p, manual, '2024-03-04', '2024-03-08', LATER).map((r) => r.day), ['2024-03-04', '2024-03-06', '2024-03-07', '2024-03-08']);
  });

  test('rows are ordered by the vi collator, then by day', () => {
    const people = [person(1, DAY, 'Đặng Văn C'), person(2, DAY, 'Zoe'), person(3, DAY, 'Bùi Thị B'), person(4, DAY, 'An')];
    const rows = buildTimesheet({ people, punches: [], fromDay: '2024-03-04', toDay: '2024-03-05', timeZone: HCM, now: LATER, compareNames: vi });
    assert.deepEqual(rows.map((r) => `${r.personName} ${r.day}`), [
      'An 2024-03-04', 'An 2024-03-05', 'Bùi Thị B 2024-03-04', 'Bùi Thị B 2024-03-05',
      'Đặng Văn C 2024-03-04', 'Đặng Văn C 2024-03-05', 'Zoe 2024-03-04', 'Zoe 2024-03-05',
    ]);
  });

  test('uids as person ids (the hub): punches found by uid, namesakes ordered by uid', () => {
    const [a, b] = ['0190aaaa-0000-7000-8000-000000000002', '0190aaaa-0000-7000-8000-000000000001'] as const;
    const people: TimesheetPerson<string>[] = [a, b].map((uid) => ({ personId: uid, personName: 'Lan', employeeCode: null, shift: DAY, activeFrom: 0 }));
    const ps: TimesheetPunch<string>[] = [
      { personId: a, ts: hcm('2024-03-04', '08:00:00'), voided: false },
      { personId: a, ts: hcm('2024-03-04', '17:00:00'), voided: false },
      { personId: b, ts: hcm('2024-03-04', '09:00:00'), voided: true },
    ];
    const rows = buildTimesheet({ people, punches: ps, fromDay: '2024-03-04', toDay: '2024-03-04', timeZone: HCM, now: LATER, compareNames: vi });
    assert.deepEqual(rows.map((r) => [r.personId, r.punches, r.status]), [[b, 0, 'absent'], [a, 2, 'out']]);
  });
});

describe('board and presence', () => {
  test('at 02:00 the night worker is in on yesterday\'s shift-day; the day worker has not arrived', () => {
    const now = hcm('2024-03-05', '02:00:00');
    const board = buildBoard({
      people: [person(1, DAY, 'Lan'), person(2, NIGHT, 'Minh'), person(3, null, 'Hà')],
      punches: [...punches(2, hcm('2024-03-04', '21:58:00')), ...punches(1, hcm('2024-03-04', '08:00:00'), hcm('2024-03-04', '17:00:00'))],
      timeZone: HCM,
      now,
      compareNames: vi,
    });
    assert.deepEqual(board.map((r) => [r.personName, r.day, r.status]), [
      ['Hà', '2024-03-05', 'off'],
      ['Lan', '2024-03-05', 'not-arrived'],
      ['Minh', '2024-03-04', 'in'],
    ]);
  });

  test('presence pairs check-ins with check-outs; the last open one runs to now', () => {
    const now = hcm('2024-03-04', '15:00:00');
    const [row] = buildPresence({
      people: [person(1, DAY)],
      punches: punches(1, hcm('2024-03-04', '08:00:00'), hcm('2024-03-04', '12:00:00'), hcm('2024-03-04', '13:00:00')),
      day: '2024-03-04',
      timeZone: HCM,
      now,
      compareNames: vi,
    });
    assert.deepEqual(row!.intervals, [
      { from: hcm('2024-03-04', '08:00:00'), to: hcm('2024-03-04', '12:00:00'), open: false },
      { from: hcm('2024-03-04', '13:00:00'), to: now, open: true },
    ]);
    const [closed] = buildPresence({ people: [person(1, DAY)], punches: punches(1, hcm('2024-03-04', '08:00:00')), day: '2024-03-04', timeZone: HCM, now: LATER, compareNames: vi });
    assert.deepEqual(closed!.intervals, [{ from: hcm('2024-03-04', '08:00:00'), to: null, open: false }]);
  });
});
