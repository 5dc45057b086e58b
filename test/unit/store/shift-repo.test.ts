import assert from 'node:assert/strict';
import { afterEach, beforeEach, describe, test } from 'node:test';
import { isKioskError } from '../../../src/errors.ts';
import { AttendanceRepo } from '../../../src/store/attendance-repo.ts';
import { AuditRepo } from '../../../src/store/audit-repo.ts';
import type { Db } from '../../../src/store/db.ts';
import { defaultStoreOptions } from '../../../src/store/options.ts';
import { PeopleRepo } from '../../../src/store/people-repo.ts';
import { ShiftRepo, type ShiftInput } from '../../../src/store/shift-repo.ts';
import { fakeClock, freshDb } from './helpers.ts';

const HCM = 'Asia/Ho_Chi_Minh';
const hcm = (day: string, time: string): number => Date.parse(`${day}T${time}+07:00`);
const NIGHT: ShiftInput = { name: 'Ca đêm', startMinute: 22 * 60, endMinute: 6 * 60, graceMinutes: 10, overnight: true, workDays: 0b1111111 };
const DAY: ShiftInput = { name: 'Ca ngày', startMinute: 8 * 60, endMinute: 17 * 60, graceMinutes: 5, overnight: false, workDays: 0b0111110 };

let env: ReturnType<typeof freshDb>;
let db: Db;
let shifts: ShiftRepo;
let people: PeopleRepo;
let attendance: AttendanceRepo;
let audit: AuditRepo;
const clock = fakeClock(hcm('2024-03-01', '07:00:00'));

beforeEach(() => {
  env = freshDb();
  db = env.db;
  clock.set(hcm('2024-03-01', '07:00:00'));
  const deps = { clock: clock.now, options: { reportTimeZone: HCM } };
  shifts = new ShiftRepo(db, deps);
  people = new PeopleRepo(db, deps);
  attendance = new AttendanceRepo(db, deps);
  audit = new AuditRepo(db, defaultStoreOptions);
});
afterEach(() => env.done());

function person(name: string): number {
  return people.upsert({ name }).person.id;
}

describe('ShiftRepo definitions', () => {
  test('create, update and delete are stored and audited', () => {
    const made = shifts.create(NIGHT, 'admin');
    assert.ok(made.ok);
    const id = made.id;
    assert.deepEqual(shifts.get(id), { id, ...NIGHT, createdAt: clock.now(), people: 0 });
    assert.deepEqual(shifts.update(id, { ...NIGHT, graceMinutes: 15 }, 'admin'), { ok: true, id });
    assert.equal(shifts.get(id)?.graceMinutes, 15);
    assert.deepEqual(shifts.remove(id, 'admin'), { ok: true, id });
    assert.equal(shifts.get(id), null);
    const trail = audit.list({ target: `shift:${id}` }).map((a) => [a.action, a.actor]).reverse();
    assert.deepEqual(trail, [['shift.create', 'admin'], ['shift.update', 'admin'], ['shift.delete', 'admin']]);
    const upd = audit.list({ target: `shift:${id}` }).find((a) => a.action === 'shift.update');
    assert.equal((upd?.details.from as { graceMinutes: number }).graceMinutes, 10);
  });

  test('names are unique; a shift in use cannot be deleted', () => {
    const made = shifts.create(DAY, 'admin');
    assert.ok(made.ok);
    assert.deepEqual(shifts.create({ ...NIGHT, name: ' Ca  ngày ' }, 'admin'), { ok: false, reason: 'name-taken' });
    const lan = person('Lan');
    assert.deepEqual(shifts.assign(lan, made.id, 'admin'), { ok: true });
    assert.deepEqual(shifts.remove(made.id, 'admin'), { ok: false, reason: 'in-use' });
    assert.equal(shifts.get(made.id)?.people, 1);
  });

  const bad: [string, Partial<ShiftInput>][] = [
    ['end before start without overnight', { startMinute: 1320, endMinute: 360, overnight: false }],
    ['overnight that ends after its start', { startMinute: 480, endMinute: 1020, overnight: true }],
    ['same start and end', { startMinute: 480, endMinute: 480, overnight: false }],
    ['minute out of the day', { startMinute: 1440 }],
    ['negative grace', { graceMinutes: -1 }],
    ['empty name', { name: '   ' }],
    ['work days out of range', { workDays: 128 }],
  ];
  for (const [name, patch] of bad) {
    test(`refuses ${name} with a usage error and writes nothing`, () => {
      assert.throws(() => shifts.create({ ...DAY, ...patch }, 'admin'), (err: unknown) => isKioskError(err) && err.code === 'USAGE');
      assert.equal(shifts.list().length, 0);
    });
  }
});

describe('ShiftRepo assignment and timesheet on a real database', () => {
  test('assigning is audited, and unknown people or shifts are refused', () => {
    const made = shifts.create(DAY, 'admin');
    assert.ok(made.ok);
    const lan = person('Lan');
    assert.deepEqual(shifts.assign(999, made.id, 'admin'), { ok: false, reason: 'no-person' });
    assert.deepEqual(shifts.assign(lan, 999, 'admin'), { ok: false, reason: 'no-shift' });
    assert.deepEqual(shifts.assign(lan, made.id, 'admin'), { ok: true });
    assert.equal(shifts.assignments().get(lan), made.id);
    assert.deepEqual(shifts.assign(lan, null, 'admin'), { ok: true });
    assert.equal(shifts.assignments().get(lan), null);
    const trail = audit.list({ target: `person:${lan}` }).filter((a) => a.action === 'person.shift').map((a) => a.details).reverse();
    assert.deepEqual(trail, [{ from: null, to: made.id }, { from: made.id, to: null }]);
  });

  test('an overnight shift across midnight is one row; voided punches are ignored', () => {
    const made = shifts.create(NIGHT, 'admin');
    assert.ok(made.ok);
    const minh = person('Minh');
    shifts.assign(minh, made.id, 'admin');
    attendance.addManual(minh, hcm('2024-03-04', '21:57:00'), 'admin', 'test');
    const wrong = attendance.addManual(minh, hcm('2024-03-05', '02:00:00'), 'admin', 'test');
    attendance.addManual(minh, hcm('2024-03-05', '06:03:00'), 'admin', 'test');
    attendance.void(wrong.punchId, 'not me', 'admin');
    clock.set(hcm('2024-03-10', '12:00:00'));
    const rows = shifts.timesheet({ fromDay: '2024-03-04', toDay: '2024-03-05', personId: minh, timeZone: HCM });
    assert.deepEqual(rows.map((r) => [r.day, r.punches, r.firstIn, r.lastOut, r.status, r.shiftName]), [
      ['2024-03-04', 2, hcm('2024-03-04', '21:57:00'), hcm('2024-03-05', '06:03:00'), 'out', 'Ca đêm'],
      ['2024-03-05', 0, null, null, 'absent', 'Ca đêm'],
    ]);
    assert.equal(Math.round(rows[0]!.workedHours * 60), 8 * 60 + 6);
  });

  test('the board at 02:00 and presence on the night', () => {
    const night = shifts.create(NIGHT, 'admin');
    const day = shifts.create(DAY, 'admin');
    assert.ok(night.ok && day.ok);
    const minh = person('Minh');
    const an = person('Ân');
    shifts.assign(minh, night.id, 'admin');
    shifts.assign(an, day.id, 'admin');
    attendance.addManual(minh, hcm('2024-03-04', '21:57:00'), 'admin', 'test');
    clock.set(hcm('2024-03-05', '02:00:00'));
    assert.deepEqual(shifts.board(HCM).map((r) => [r.personName, r.day, r.status]), [
      ['Ân', '2024-03-05', 'not-arrived'],
      ['Minh', '2024-03-04', 'in'],
    ]);
    const presence = shifts.presence('2024-03-04', HCM);
    assert.deepEqual(presence.map((p) => [p.person.personName, p.intervals]), [
      ['Ân', []],
      ['Minh', [{ from: hcm('2024-03-04', '21:57:00'), to: clock.now(), open: true }]],
    ]);
  });
});
