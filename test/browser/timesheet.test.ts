/**
 * Shifts and timesheets in a browser against the real server: a night shift is defined and assigned in the pages,
 * its timesheet is computed across midnight, the Excel download is read back with exceljs and its cells equal the
 * database, and the presence chart draws the night.
 */
import { readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import ExcelJS from 'exceljs';
import type { Browser, Page } from 'playwright-core';
import { localDateAndTime } from '../../src/server/time.ts';
import { ADMIN, browserSkipReason, launchBrowser, screenshot, setupOverHttp, startServer, TZ, zoned, type KioskServer } from './harness.ts';

const skip = browserSkipReason();
const TIMEOUT = 15_000;
const NIGHT_IN = zoned('2024-03-04', '21:55:00');
const NIGHT_OUT = zoned('2024-03-05', '06:05:00');

function stamp(ts: number): string {
  const { date, time } = localDateAndTime(ts, TZ);
  return `${date} ${time}`;
}

describe('shifts and timesheets in a browser', { skip: skip ?? false }, () => {
  let browser: Browser;
  let srv: KioskServer;
  let page: Page;
  let minh: number;

  before(async () => {
    browser = await launchBrowser();
    srv = await startServer({ language: 'vi' });
    await setupOverHttp(srv.url, srv.setupCode());
    minh = srv.store.people.upsert({ name: 'Phạm Văn Minh', employeeCode: 'NV-007' }).person.id;
    srv.store.people.upsert({ name: 'Đỗ Thị Hà', employeeCode: 'NV-008' });
    for (const ts of [NIGHT_IN, zoned('2024-03-05', '02:10:00'), NIGHT_OUT]) {
      srv.store.attendance.record({ personId: minh, ts, kioskId: 'kiosk-1', similarity: 0.93, evidence: {} }, 0);
    }
    // The 02:10 punch was someone else: voided, so the night is one in and one out.
    const wrong = srv.store.attendance.list({ from: zoned('2024-03-05', '02:00:00'), to: zoned('2024-03-05', '03:00:00') }).items[0]!;
    srv.store.attendance.void(wrong.id, 'not Minh', 'test');
    page = await browser.newPage({ viewport: { width: 1366, height: 900 }, acceptDownloads: true });
    page.setDefaultTimeout(TIMEOUT);
    await page.goto(`${srv.url}/admin`);
    await page.getByTestId('lang-en').click();
    await page.locator('#username').fill(ADMIN.username);
    await page.locator('#password').fill(ADMIN.password);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('logout').waitFor();
  });

  after(async () => {
    await browser?.close();
    await srv?.close();
  });

  test('define a night shift: an end before the start ticks "overnight"; the change is audited', async () => {
    await page.getByTestId('tab-shifts').click();
    await page.getByTestId('shift-name').fill('Ca đêm');
    await page.getByTestId('shift-start').fill('22:00');
    await page.getByTestId('shift-end').fill('06:00');
    await page.getByTestId('shift-end').dispatchEvent('change');
    assert.equal(await page.getByTestId('shift-overnight').isChecked(), true);
    await page.getByTestId('shift-grace').fill('10');
    for (const d of [0, 6]) await page.getByTestId(`shift-day-${d}`).check();
    await page.getByTestId('shift-save').click();
    await page.locator('[data-testid="shifts-table"] tr[data-shift-id]').filter({ hasText: 'Ca đêm' }).waitFor();
    const [shift] = srv.store.shifts.list();
    assert.deepEqual({ ...shift, id: 0, createdAt: 0 }, { id: 0, createdAt: 0, name: 'Ca đêm', startMinute: 1320, endMinute: 360, graceMinutes: 10, overnight: true, workDays: 0b1111111, people: 0 });
    assert.deepEqual(srv.store.audit.list({ target: `shift:${shift!.id}` }).map((a) => [a.action, a.actor]), [['shift.create', `admin:${ADMIN.username}`]]);
  });

  test('assign it on the People page', async () => {
    await page.getByTestId('tab-people').click();
    const row = page.locator(`tr[data-person-id="${minh}"]`);
    await row.getByTestId('person-shift').selectOption({ label: 'Ca đêm (22:00–06:00)' });
    await page.getByTestId('notice').filter({ hasText: 'shift changed' }).waitFor();
    assert.equal(srv.store.shifts.assignments().get(minh), srv.store.shifts.list()[0]!.id);
  });

  test('the timesheet computes the night across midnight as one shift-day', async () => {
    await page.getByTestId('tab-timesheet').click();
    await page.getByTestId('timesheet-month').fill('2024-03');
    await page.getByTestId('timesheet-person').selectOption(String(minh));
    await page.getByTestId('timesheet-show').click();
    const night = page.locator('tr[data-day="2024-03-04"]');
    await night.waitFor();
    assert.equal(await night.locator('[data-col="first-in"]').textContent(), '21:55');
    assert.equal(await night.locator('[data-col="last-out"]').textContent(), '06:05 (+1)');
    assert.equal(await night.locator('[data-col="hours"]').textContent(), '8.17');
    assert.equal(await night.locator('[data-col="late"]').textContent(), '');
    assert.equal(await night.locator('[data-col="status"]').textContent(), 'left');
    // The check-out did not open a day of its own: 5 March has no punch (enrolled later, so it is not listed at all).
    assert.equal(await page.locator('tr[data-day="2024-03-05"]').count(), 0);
    await screenshot(page, 'admin-timesheet');
  });

  test('the Excel download, read back with exceljs, equals the database', async () => {
    const download = page.waitForEvent('download');
    await page.getByTestId('timesheet-xlsx').click();
    const bytes = await readFile(await (await download).path());
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(bytes as unknown as Parameters<typeof book.xlsx.load>[0]);
    const sheet = book.worksheets[0]!;
    const header = sheet.getRow(1).values as unknown[];
    assert.deepEqual(header.slice(1, 10), ['Shift day', 'Employee code', 'Name', 'Shift', 'Scheduled start', 'Scheduled end', 'First in', 'Last out', 'Worked hours']);
    assert.equal(sheet.rowCount, 2, 'one shift-day');
    const person = srv.store.db.prepare('SELECT p.name, p.employee_code AS code, s.name AS shift FROM people p JOIN shifts s ON s.id = p.shift_id WHERE p.id = ?').get(minh) as { name: string; code: string; shift: string };
    const live = srv.store.db.prepare('SELECT ts FROM punches WHERE person_id = ? AND voided_at IS NULL ORDER BY ts').all(minh) as { ts: number }[];
    const first = live[0]!.ts;
    const last = live[live.length - 1]!.ts;
    const row = sheet.getRow(2);
    assert.deepEqual(
      [1, 2, 3, 4, 7, 8, 9, 10, 11].map((c) => row.getCell(c).value),
      ['2024-03-04', person.code, person.name, person.shift, stamp(first), stamp(last), Number(((last - first) / 3_600_000).toFixed(2)), 0, 0],
    );
    assert.equal(row.getCell(14).value, 'out');
  });

  test('the presence chart draws the night on its shift-day', async () => {
    await page.getByTestId('tab-today').click();
    await page.getByTestId('presence-day').fill('2024-03-04');
    await page.getByTestId('presence-day').dispatchEvent('change');
    const bar = page.locator(`[data-testid="presence-row"][data-person-id="${minh}"] rect.present`);
    await bar.waitFor();
    assert.equal(await bar.getAttribute('data-from'), String(NIGHT_IN));
    assert.equal(await bar.getAttribute('data-to'), String(NIGHT_OUT));
    await page.getByTestId('board-in').waitFor();
    await screenshot(page, 'admin-presence');
  });
});
