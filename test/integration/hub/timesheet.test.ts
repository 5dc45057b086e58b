/**
 * The hub's timesheet, daily summary, board and presence on a real PostgreSQL: a person checked in
 * at one kiosk and out at another is one row; an alias uid is the same person; voided punches do not
 * count; the hub's corrected time wins over a kiosk clock that was off; erased people are not listed;
 * kiosk and site filters; the person filter (by uid or alias uid); CSV and XLSX downloads; nothing
 * without a session.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { HubBoardDto, HubDailyRowDto, HubPresenceDto, HubTimesheetRowDto } from '../../../src/hub/admin-dto.ts';
import { parseCsv } from '../../../src/server/csv.ts';
import { hubAdminCookie } from '../../helpers/hub-admin.ts';
import { AN_ALIAS, at, NEXT_DAY, PEOPLE, SHEET_DAY, timesheetHub, type TimesheetHub } from '../../helpers/hub-timesheet.ts';
import { postgresSkipReason, startPostgres, type TempPostgres } from '../../helpers/postgres.ts';

const skip = postgresSkipReason();
const RANGE = `from=${SHEET_DAY}&to=${NEXT_DAY}`;
const MS_PER_HOUR = 3_600_000;

describe('hub timesheet, daily summary and who is in', { skip: skip ?? false }, () => {
  let pg: TempPostgres;
  let env: TimesheetHub;
  let cookie: string;
  before(async () => {
    pg = await startPostgres();
    env = await timesheetHub(pg, 'hub_timesheet');
    cookie = await hubAdminCookie(env.hub.url);
  });
  after(async () => {
    await env?.close();
    pg?.stop();
  });

  const get = (url: string, withCookie = true): Promise<Response> => fetch(`${env.hub.url}${url}`, { headers: withCookie ? { cookie } : {} });
  async function json<T>(url: string): Promise<T> {
    const res = await get(url);
    assert.equal(res.status, 200, `${url}: ${await res.clone().text()}`);
    return (await res.json()) as T;
  }
  const sheet = async (q = ''): Promise<HubTimesheetRowDto[]> => (await json<{ items: HubTimesheetRowDto[] }>(`/api/admin/timesheet?${RANGE}${q}`)).items;
  const rowOf = (rows: HubTimesheetRowDto[], uid: string, day = SHEET_DAY): HubTimesheetRowDto | undefined => rows.find((r) => r.personId === uid && r.day === day);

  test('nothing without a session', async () => {
    for (const url of [`/api/admin/timesheet?${RANGE}`, `/api/admin/timesheet.csv?${RANGE}`, `/api/admin/timesheet.xlsx?${RANGE}`, `/api/admin/daily?${RANGE}`, '/api/admin/board', `/api/admin/presence?day=${SHEET_DAY}`]) {
      const res = await get(url, false);
      assert.equal(res.status, 401, url);
      const body = await res.text();
      for (const p of Object.values(PEOPLE)) assert.ok(!body.includes(p.name), `${url} leaks ${p.name}`);
    }
  });

  test('one row for a person in at one kiosk and out at another, through an alias uid; voided ignored; corrected time used; erased not listed', async () => {
    const rows = await sheet();
    assert.deepEqual([...new Set(rows.map((r) => r.personName))], ['An', 'Bình', 'Cường', 'Dũng'], 'everyone not erased, in Vietnamese order');
    const an = rowOf(rows, PEOPLE.an.uid)!;
    assert.deepEqual(
      { firstIn: an.firstIn, lastOut: an.lastOut, punches: an.punches, status: an.status, shift: an.shiftName, code: an.employeeCode, kiosks: [an.firstInKiosk, an.lastOutKiosk] },
      { firstIn: at(SHEET_DAY, 8, 2), lastOut: at(SHEET_DAY, 17, 5), punches: 2, status: 'out', shift: 'Ca ngày', code: 'E01', kiosks: ['door-1', 'yard-1'] },
      'in at door-1, out at yard-1 under the alias; the voided 18:30 punch does not count',
    );
    assert.ok(Math.abs(an.workedHours - (9 * MS_PER_HOUR + 3 * 60_000) / MS_PER_HOUR) < 1e-9);
    const binh = rowOf(rows, PEOPLE.binh.uid)!;
    assert.deepEqual([binh.firstIn, binh.lastOut, binh.workedHours], [at(SHEET_DAY, 8), at(SHEET_DAY, 17), 9], 'the hub\'s corrected times, not the kiosk\'s wall clock');
    assert.equal(rowOf(rows, PEOPLE.dung.uid)?.status, 'absent', 'an absence shows without a filter');
    const cuongToday = rowOf(rows, PEOPLE.cuong.uid, NEXT_DAY)!;
    assert.deepEqual([cuongToday.status, cuongToday.firstIn], ['in', at(NEXT_DAY, 8, 10)], 'today is read at the hub\'s clock');
  });

  test('kiosk and site filters count only punches there and list the people who punched there', async () => {
    const door = await sheet('&kioskId=door-1');
    assert.deepEqual([...new Set(door.map((r) => r.personName))], ['An', 'Cường']);
    const anAtDoor = rowOf(door, PEOPLE.an.uid)!;
    assert.deepEqual([anAtDoor.punches, anAtDoor.lastOut, anAtDoor.status], [1, null, 'missing-out'], 'his check-out was at another kiosk');
    const warehouse = await sheet('&site=warehouse');
    assert.deepEqual([...new Set(warehouse.map((r) => r.personName))], ['An', 'Bình']);
    assert.deepEqual([rowOf(warehouse, PEOPLE.an.uid)!.firstIn, rowOf(warehouse, PEOPLE.an.uid)!.punches], [at(SHEET_DAY, 17, 5), 1]);
    assert.deepEqual(await sheet('&kioskId=door-1&site=warehouse'), []);
    assert.equal((await get(`/api/admin/timesheet?${RANGE}&kioskId=${encodeURIComponent('x; DROP TABLE')}`)).status, 400);
    const backwards = await get(`/api/admin/timesheet?from=${NEXT_DAY}&to=${SHEET_DAY}`);
    assert.equal(backwards.status, 400);
    assert.match(((await backwards.json()) as { message: string }).message, /ends .* before it starts/u);
  });

  test('the person filter lists that person only, by uid or by an alias uid, with the kiosk/site filters too; a bad uid is refused', async () => {
    const an = await sheet(`&personId=${PEOPLE.an.uid}`);
    assert.deepEqual([...new Set(an.map((r) => r.personId))], [PEOPLE.an.uid]);
    assert.deepEqual([rowOf(an, PEOPLE.an.uid)!.lastOut, rowOf(an, PEOPLE.an.uid)!.lastOutKiosk], [at(SHEET_DAY, 17, 5), 'yard-1'], 'his punch under the alias counts');
    assert.deepEqual(await sheet(`&personId=${AN_ALIAS}`), an, 'the alias uid stands for him: the same rows, under his uid');
    const dung = await sheet(`&personId=${PEOPLE.dung.uid}`);
    assert.deepEqual(dung.map((r) => [r.personName, r.status]), [['Dũng', 'absent'], ['Dũng', 'not-arrived']], 'a person with no punch is listed, absent');
    assert.deepEqual(await sheet(`&personId=${PEOPLE.dung.uid}&kioskId=door-1`), [], 'with a kiosk filter, only if they punched there');
    assert.deepEqual((await sheet(`&personId=${PEOPLE.an.uid}&site=warehouse`)).map((r) => [r.day, r.punches]), [[SHEET_DAY, 1], [NEXT_DAY, 0]]);
    assert.deepEqual(await sheet(`&personId=${PEOPLE.giang.uid}`), [], 'an erased person is not listed');

    const csv = parseCsv(await (await get(`/api/admin/timesheet.csv?from=${SHEET_DAY}&to=${SHEET_DAY}&lang=en&personId=${AN_ALIAS}`)).text());
    assert.deepEqual(csv.slice(1).map((r) => r[csv[0]!.indexOf('Name')]), ['An']);
    assert.equal((await get(`/api/admin/timesheet.xlsx?${RANGE}&personId=${PEOPLE.an.uid}`)).status, 200);
    const { rows: audited } = await env.hub.pool.query<{ target: string; details: Record<string, unknown> }>("SELECT target, details FROM hub_audit WHERE action = 'timesheet.export'");
    const seen = new Set(audited.map((a) => `${a.target} ${String(a.details['format'])}`));
    for (const e of [`person:${AN_ALIAS} csv`, `person:${PEOPLE.an.uid} xlsx`]) assert.ok(seen.has(e), `${e} audited`);

    const daily = async (q: string): Promise<unknown[]> => (await json<{ items: HubDailyRowDto[] }>(`/api/admin/daily?${RANGE}${q}`)).items.map((d) => [d.day, d.personId, d.punches]);
    assert.deepEqual(await daily(`&personId=${AN_ALIAS}`), [[SHEET_DAY, PEOPLE.an.uid, 2]], 'both punches, one under the alias');
    assert.deepEqual(await daily(`&personId=${PEOPLE.cuong.uid}&kioskId=door-1`), [[SHEET_DAY, PEOPLE.cuong.uid, 2], [NEXT_DAY, PEOPLE.cuong.uid, 1]]);

    for (const path of ['timesheet', 'timesheet.csv', 'timesheet.xlsx', 'daily']) {
      for (const bad of ['42', 'not-a-uuid', PEOPLE.an.uid.toUpperCase()]) {
        const res = await get(`/api/admin/${path}?${RANGE}&personId=${encodeURIComponent(bad)}`);
        assert.equal(res.status, 400, `${path} personId=${bad}`);
        const body = (await res.json()) as { error: string; message: string; issues: { path: string; message: string }[] };
        assert.deepEqual([body.error, body.message, body.issues.map((i) => [i.path, i.message])], ['bad-request', 'invalid querystring', [['personId', 'not a lower-case UUID']]]);
      }
    }
  });

  test('the CSV holds the kiosk\'s cells; XLSX is a workbook; both follow the filters', async () => {
    const res = await get(`/api/admin/timesheet.csv?from=${SHEET_DAY}&to=${SHEET_DAY}&lang=en`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/csv/u);
    assert.equal(res.headers.get('content-disposition'), `attachment; filename="timesheet-all-${SHEET_DAY}-to-${SHEET_DAY}.csv"`);
    const rows = parseCsv(await res.text());
    const header = rows[0]!;
    const col = (name: string): number => header.indexOf(name);
    assert.deepEqual(rows.slice(1).map((r) => r[col('Name')]), ['An', 'Bình', 'Cường', 'Dũng']);
    const an = rows.find((r) => r[col('Name')] === 'An')!;
    assert.deepEqual(
      [an[col('Employee code')], an[col('Shift')], an[col('First in')], an[col('Last out')], an[col('Worked hours')], an[col('Status')]],
      ['E01', 'Ca ngày', `${SHEET_DAY} 08:02:00`, `${SHEET_DAY} 17:05:00`, '9.05', 'out'],
    );
    assert.deepEqual(header.slice(-2), ['First in at (kiosk)', 'Last out at (kiosk)'], 'the kiosk\'s columns, then the kiosks of the first and last punch');
    assert.deepEqual([an[col('First in at (kiosk)')], an[col('Last out at (kiosk)')]], ['door-1', 'yard-1']);
    assert.equal(rows.find((r) => r[col('Name')] === 'Dũng')![col('Absent')], 'yes');

    const door = parseCsv(await (await get(`/api/admin/timesheet.csv?from=${SHEET_DAY}&to=${SHEET_DAY}&kioskId=door-1`)).text());
    assert.equal(door[0]![0], 'Ngày ca', 'Vietnamese by default');
    assert.deepEqual(door.slice(1).map((r) => r[2]), ['An', 'Cường']);

    const xlsx = await get(`/api/admin/timesheet.xlsx?from=${SHEET_DAY}&to=${SHEET_DAY}&site=warehouse`);
    assert.equal(xlsx.status, 200);
    assert.equal(xlsx.headers.get('content-type'), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    assert.equal(Buffer.from(await xlsx.arrayBuffer()).subarray(0, 2).toString('latin1'), 'PK', 'a zip (an XLSX workbook)');
  });

  test('who is in now, and presence on a shift-day, per kiosk or site', async () => {
    const board = await json<HubBoardDto>('/api/admin/board');
    const status = (b: HubBoardDto): Record<string, string> => Object.fromEntries(b.items.map((r) => [r.personName, r.status]));
    assert.deepEqual(status(board), { An: 'not-arrived', Bình: 'off', Cường: 'in', Dũng: 'not-arrived' });
    assert.deepEqual(status(await json<HubBoardDto>('/api/admin/board?site=hq')), { Cường: 'in' });
    assert.deepEqual(status(await json<HubBoardDto>('/api/admin/board?kioskId=yard-1')), {}, 'nobody punched at yard-1 today');

    const presence = await json<HubPresenceDto>(`/api/admin/presence?day=${SHEET_DAY}`);
    const an = presence.items.find((r) => r.personId === PEOPLE.an.uid)!;
    assert.deepEqual(an.intervals, [{ from: at(SHEET_DAY, 8, 2), to: at(SHEET_DAY, 17, 5), open: false }]);
    const warehouse = await json<HubPresenceDto>(`/api/admin/presence?day=${SHEET_DAY}&site=warehouse`);
    assert.deepEqual(warehouse.items.map((r) => [r.personName, r.intervals.length]), [['An', 1], ['Bình', 1]]);
    assert.deepEqual(warehouse.items[0]!.intervals, [{ from: at(SHEET_DAY, 17, 5), to: null, open: false }], 'only his check-out was there');
  });

  test('the daily summary splits at local midnight, with the same rules', async () => {
    const daily = (await json<{ items: HubDailyRowDto[] }>(`/api/admin/daily?from=${SHEET_DAY}&to=${SHEET_DAY}`)).items;
    assert.deepEqual(
      daily.map((d) => [d.personName, d.firstIn, d.lastOut, d.punches]),
      [
        ['An', at(SHEET_DAY, 8, 2), at(SHEET_DAY, 17, 5), 2],
        ['Bình', at(SHEET_DAY, 8), at(SHEET_DAY, 17), 2],
        ['Cường', at(SHEET_DAY, 7, 55), at(SHEET_DAY, 17), 2],
      ],
    );
    const door = (await json<{ items: HubDailyRowDto[] }>(`/api/admin/daily?${RANGE}&kioskId=door-1`)).items;
    assert.deepEqual(door.map((d) => [d.day, d.personName, d.punches]), [[SHEET_DAY, 'An', 1], [SHEET_DAY, 'Cường', 2], [NEXT_DAY, 'Cường', 1]]);
  });
});
