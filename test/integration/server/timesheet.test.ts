import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import ExcelJS from 'exceljs';
import { parseCsv } from '../../../src/server/csv.ts';
import type { BoardDto, PresenceDto, ShiftsDto, TimesheetRowDto } from '../../../src/server/protocol.ts';
import { localDateAndTime } from '../../../src/server/time.ts';
import { ADMIN, cookieOf, fakeClock, hanoi, harness, setupAdmin, TZ, type Harness } from './harness.ts';

const NIGHT = { name: 'Ca đêm', start: '22:00', end: '06:00', graceMinutes: 10, overnight: true, workDays: [0, 1, 2, 3, 4, 5, 6] };
const DAY = { name: 'Ca ngày', start: '08:00', end: '17:00', graceMinutes: 5, overnight: false, workDays: [1, 2, 3, 4, 5] };

async function withApp(fn: (h: Harness, cookie: string) => Promise<void>): Promise<void> {
  const h = harness({ clock: fakeClock(hanoi('2024-03-01', '07:00:00')) });
  try {
    await fn(h, await setupAdmin(h.app));
  } finally {
    await h.done();
  }
}

/** Moves the clock (days ahead: the session would have expired) and logs in again. */
async function at(h: Harness, ts: number): Promise<string> {
  h.clock.set(ts);
  const res = await h.app.inject({ method: 'POST', url: '/api/auth/login', payload: ADMIN });
  assert.equal(res.statusCode, 200, res.body);
  return cookieOf(res);
}

function stamp(ts: number): string {
  const { date, time } = localDateAndTime(ts, TZ);
  return `${date} ${time}`;
}

async function createShift(h: Harness, cookie: string, body: object): Promise<number> {
  const res = await h.app.inject({ method: 'POST', url: '/api/admin/shifts', headers: { cookie }, payload: body });
  assert.equal(res.statusCode, 201, res.body);
  return (res.json() as { id: number }).id;
}

/** Minh works the night of 4→5 March; Ân (day shift) works the 4th and misses the 5th. */
async function seedNight(h: Harness, cookie: string, checkedOut = true): Promise<{ minh: number; an: number; night: number; day: number }> {
  const night = await createShift(h, cookie, NIGHT);
  const day = await createShift(h, cookie, DAY);
  const minh = h.store.people.upsert({ name: 'Minh', employeeCode: 'NV-2' }).person.id;
  const an = h.store.people.upsert({ name: 'Ân', employeeCode: 'NV-1' }).person.id;
  for (const [personId, shiftId] of [[minh, night], [an, day]] as const) {
    const res = await h.app.inject({ method: 'PUT', url: `/api/admin/people/${personId}/shift`, headers: { cookie }, payload: { shiftId } });
    assert.equal(res.statusCode, 200, res.body);
  }
  const rec = (personId: number, ts: number): void => void h.store.attendance.record({ personId, ts, kioskId: 'kiosk-1', similarity: 0.9, evidence: {} }, 0);
  rec(minh, hanoi('2024-03-04', '21:56:00'));
  if (checkedOut) rec(minh, hanoi('2024-03-05', '06:04:00'));
  rec(an, hanoi('2024-03-04', '08:09:00'));
  rec(an, hanoi('2024-03-04', '17:02:00'));
  return { minh, an, night, day };
}

describe('shifts API', () => {
  test('create, list, update, assign, refuse delete while assigned, delete; all audited', () =>
    withApp(async (h, cookie) => {
      const id = await createShift(h, cookie, NIGHT);
      const dup = await h.app.inject({ method: 'POST', url: '/api/admin/shifts', headers: { cookie }, payload: NIGHT });
      assert.equal(dup.statusCode, 409);
      const upd = await h.app.inject({ method: 'PUT', url: `/api/admin/shifts/${id}`, headers: { cookie }, payload: { ...NIGHT, graceMinutes: 15 } });
      assert.equal(upd.statusCode, 200);
      const lan = h.store.people.upsert({ name: 'Lan' }).person.id;
      await h.app.inject({ method: 'PUT', url: `/api/admin/people/${lan}/shift`, headers: { cookie }, payload: { shiftId: id } });
      const list = (await h.app.inject({ url: '/api/admin/shifts', headers: { cookie } })).json() as ShiftsDto;
      assert.deepEqual(list.items, [{ id, ...NIGHT, graceMinutes: 15, people: 1 }]);
      assert.deepEqual(list.assignments, [{ personId: lan, shiftId: id }]);
      const inUse = await h.app.inject({ method: 'DELETE', url: `/api/admin/shifts/${id}`, headers: { cookie } });
      assert.equal(inUse.statusCode, 409);
      await h.app.inject({ method: 'PUT', url: `/api/admin/people/${lan}/shift`, headers: { cookie }, payload: { shiftId: null } });
      const del = await h.app.inject({ method: 'DELETE', url: `/api/admin/shifts/${id}`, headers: { cookie } });
      assert.equal(del.statusCode, 200);
      const actions = h.store.audit.list().map((a) => a.action);
      for (const a of ['shift.create', 'shift.update', 'shift.delete', 'person.shift']) assert.ok(actions.includes(a), `${a} audited`);
      assert.ok(h.store.audit.list().filter((a) => a.action.startsWith('shift.')).every((a) => a.actor === `admin:${ADMIN.username.normalize('NFC')}`));
    }));

  test('bad bodies are 400 with the field; unknown ids 404', () =>
    withApp(async (h, cookie) => {
      const cases: [object, string][] = [
        [{ ...NIGHT, start: '24:00' }, 'start'],
        [{ ...NIGHT, graceMinutes: -1 }, 'graceMinutes'],
        [{ ...NIGHT, workDays: [7] }, 'workDays.0'],
        [{ ...NIGHT, extra: 1 }, ''],
      ];
      for (const [payload, field] of cases) {
        const res = await h.app.inject({ method: 'POST', url: '/api/admin/shifts', headers: { cookie }, payload });
        assert.equal(res.statusCode, 400, JSON.stringify(payload));
        if (field !== '') assert.ok((res.json() as { issues: { path: string }[] }).issues.some((i) => i.path === field), res.body);
      }
      const notNight = await h.app.inject({ method: 'POST', url: '/api/admin/shifts', headers: { cookie }, payload: { ...NIGHT, overnight: false } });
      assert.equal(notNight.statusCode, 400);
      assert.match((notNight.json() as { message: string }).message, /overnight/u);
      assert.equal((await h.app.inject({ method: 'PUT', url: '/api/admin/shifts/99', headers: { cookie }, payload: DAY })).statusCode, 404);
      assert.equal((await h.app.inject({ method: 'PUT', url: '/api/admin/people/99/shift', headers: { cookie }, payload: { shiftId: null } })).statusCode, 404);
      assert.equal(h.store.shifts.list().length, 0);
    }));
});

describe('timesheet API', () => {
  test('an overnight shift is one row across midnight; late and absent per shift', () =>
    withApp(async (h, setupCookie) => {
      const { minh, an } = await seedNight(h, setupCookie);
      const cookie = await at(h, hanoi('2024-03-10', '12:00:00'));
      const res = await h.app.inject({ url: '/api/admin/timesheet?from=2024-03-04&to=2024-03-05', headers: { cookie } });
      assert.equal(res.statusCode, 200, res.body);
      const rows = (res.json() as { items: TimesheetRowDto[] }).items;
      assert.deepEqual(rows.map((r) => [r.personId, r.day, r.status, r.firstIn, r.lastOut, r.lateMinutes]), [
        [an, '2024-03-04', 'out', hanoi('2024-03-04', '08:09:00'), hanoi('2024-03-04', '17:02:00'), 9],
        [an, '2024-03-05', 'absent', null, null, 0],
        [minh, '2024-03-04', 'out', hanoi('2024-03-04', '21:56:00'), hanoi('2024-03-05', '06:04:00'), 0],
        [minh, '2024-03-05', 'absent', null, null, 0],
      ]);
      assert.equal(rows[2]!.workedHours, 8 + 8 / 60);
      const bad = await h.app.inject({ url: '/api/admin/timesheet?from=2024-03-05&to=2024-03-04', headers: { cookie } });
      assert.equal(bad.statusCode, 400);
    }));

  test('CSV and XLSX hold the same cells as the database', () =>
    withApp(async (h, setupCookie) => {
      const { minh } = await seedNight(h, setupCookie);
      const cookie = await at(h, hanoi('2024-03-10', '12:00:00'));
      const csv = await h.app.inject({ url: '/api/admin/timesheet.csv?from=2024-03-04&to=2024-03-04&lang=en', headers: { cookie } });
      assert.equal(csv.statusCode, 200);
      assert.match(String(csv.headers['content-disposition']), /timesheet-2024-03-04-to-2024-03-04\.csv/u);
      const rows = parseCsv(csv.body);
      assert.equal(rows[0]![0], 'Shift day');
      const punches = h.store.db.prepare('SELECT person_id AS personId, ts FROM punches ORDER BY ts').all() as { personId: number; ts: number }[];
      const minhPunches = punches.filter((p) => p.personId === minh);
      assert.deepEqual(rows.slice(1).map((r) => [r[0], r[1], r[2], r[6], r[7], r[8], r[9], r[13]]), [
        ['2024-03-04', 'NV-1', 'Ân', '2024-03-04 08:09:00', '2024-03-04 17:02:00', '8.88', '9', 'out'],
        ['2024-03-04', 'NV-2', 'Minh', stamp(minhPunches[0]!.ts), stamp(minhPunches[1]!.ts), '8.13', '0', 'out'],
      ]);

      const xlsx = await h.app.inject({ url: '/api/admin/timesheet.xlsx?from=2024-03-04&to=2024-03-04&lang=vi', headers: { cookie } });
      assert.equal(xlsx.statusCode, 200);
      assert.equal(xlsx.headers['content-type'], 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      const book = new ExcelJS.Workbook();
      // exceljs types its Buffer parameter against an older @types/node Buffer.
      await book.xlsx.load(xlsx.rawPayload as unknown as Parameters<typeof book.xlsx.load>[0]);
      const sheet = book.worksheets[0]!;
      assert.equal(sheet.getCell('A1').value, 'Ngày ca');
      assert.equal(sheet.getCell('C3').value, 'Minh');
      assert.equal(sheet.getCell('G3').value, '2024-03-04 21:56:00');
      assert.equal(sheet.getCell('H3').value, '2024-03-05 06:04:00');
      assert.equal(sheet.getCell('I3').value, 8.13);
      assert.equal(sheet.rowCount, 3);
      const exports = h.store.audit.list({ target: 'timesheet' }).map((a) => [a.action, a.details['format'], a.details['rows']]);
      assert.deepEqual(exports, [['timesheet.export', 'xlsx', 2], ['timesheet.export', 'csv', 2]], 'both exports audited, newest first');
      await h.app.inject({ url: `/api/admin/timesheet.csv?from=2024-03-04&to=2024-03-04&personId=${minh}`, headers: { cookie } });
      assert.ok(h.store.audit.aboutPerson(minh).some((a) => a.action === 'timesheet.export'), 'a one-person export is among the entries about them');
    }));

  test('board at 02:00: the night worker is in, the day worker has not arrived; presence on the night', () =>
    withApp(async (h, setupCookie) => {
      // At 02:00 the night's check-out has not happened yet.
      const { minh, an } = await seedNight(h, setupCookie, false);
      const cookie = await at(h, hanoi('2024-03-05', '02:00:00'));
      const board = (await h.app.inject({ url: '/api/admin/board', headers: { cookie } })).json() as BoardDto;
      assert.deepEqual(board.items.map((r) => [r.personId, r.day, r.status]), [
        [an, '2024-03-05', 'not-arrived'],
        [minh, '2024-03-04', 'in'],
      ]);
      const presence = (await h.app.inject({ url: '/api/admin/presence?day=2024-03-04', headers: { cookie } })).json() as PresenceDto;
      const m = presence.items.find((r) => r.personId === minh)!;
      assert.deepEqual(m.intervals, [{ from: hanoi('2024-03-04', '21:56:00'), to: hanoi('2024-03-05', '02:00:00'), open: true }]);
      assert.equal(m.scheduledStart, hanoi('2024-03-04', '22:00:00'));
    }));
});
