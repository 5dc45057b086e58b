/**
 * The hub's report tabs in Chromium (real PostgreSQL): the timesheet shows one row for a person who
 * checked in at one kiosk and out at another (the check-out under an alias uid, with a voided punch
 * after it), the kiosk filter narrows it and its downloads, the person picker (the hub's people, by
 * uid) narrows it to one person; "who is in" and the daily summary follow the site filter, and the
 * daily summary the person picker too.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { ensureUiBuilt } from '../../src/server/ui-build.ts';
import { HUB_ADMIN } from '../helpers/hub-admin.ts';
import { PEOPLE, SHEET_DAY, timesheetHub, type TimesheetHub } from '../helpers/hub-timesheet.ts';
import { postgresSkipReason, startPostgres, type TempPostgres } from '../helpers/postgres.ts';
import { browserSkipReason, launchBrowser, screenshot } from './harness.ts';

const skip = browserSkipReason() ?? postgresSkipReason();
const TIMEOUT = 15_000;

describe('hub report tabs in a browser', { skip: skip ?? false }, () => {
  let pg: TempPostgres;
  let env: TimesheetHub;
  let browser: Browser;
  let page: Page;

  before(async () => {
    pg = await startPostgres();
    env = await timesheetHub(pg, 'timesheet_ui', { uiDir: await ensureUiBuilt() });
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1366, height: 800 } });
    page.setDefaultTimeout(TIMEOUT);
    await page.goto(`${env.hub.url}/admin`);
    await page.getByTestId('lang-en').click();
    await page.locator('#username').fill(HUB_ADMIN.username);
    await page.locator('#password').fill(HUB_ADMIN.password);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('log-table').or(page.getByTestId('log-table-empty')).waitFor();
  });
  after(async () => {
    await browser?.close();
    await env?.close();
    pg?.stop();
  });

  const anRow = (): ReturnType<Page['locator']> => page.locator(`[data-testid="timesheet-table"] tr[data-person-id="${PEOPLE.an.uid}"][data-day="${SHEET_DAY}"]`);

  test('the timesheet tab shows one row for a check-in at one kiosk and a check-out at another', async () => {
    const tabs = await page.locator('nav.tabs a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    for (const tab of ['#timesheet', '#daily', '#today']) assert.ok(tabs.includes(tab), `tab ${tab} listed`);
    await page.getByTestId('tab-timesheet').click();
    await page.getByTestId('timesheet-month').fill(SHEET_DAY.slice(0, 7));
    await page.getByTestId('timesheet-show').click();
    await anRow().waitFor();
    assert.equal(await anRow().locator('[data-col="first-in"]').textContent(), '08:02', 'checked in at door-1');
    assert.equal(await anRow().locator('[data-col="last-out"]').textContent(), '17:05', 'checked out at yard-1, under his alias uid; the voided 18:30 punch is not it');
    assert.equal(await anRow().locator('[data-col="hours"]').textContent(), '9.05');
    assert.equal(await anRow().locator('[data-col="status"]').textContent(), 'left');
    await screenshot(page, 'hub-admin-timesheet');

    await page.getByTestId('timesheet-kiosk').selectOption('door-1');
    await page.getByTestId('timesheet-show').click();
    await anRow().locator('[data-col="last-out"]').filter({ hasText: /^$/u }).waitFor();
    assert.equal(await anRow().locator('[data-col="status"]').textContent(), 'missing check-out', 'his check-out was at another kiosk');
    assert.equal(await page.locator(`[data-testid="timesheet-table"] tr[data-person-id="${PEOPLE.binh.uid}"]`).count(), 0, 'Bình never punched at door-1');
    assert.match((await page.getByTestId('timesheet-csv').getAttribute('href')) ?? '', /^\/api\/admin\/timesheet\.csv\?.*kioskId=door-1/u);
    assert.match((await page.getByTestId('timesheet-xlsx').getAttribute('href')) ?? '', /^\/api\/admin\/timesheet\.xlsx\?.*kioskId=door-1/u);
  });

  test('picking a person on the timesheet shows only that person\'s rows, and the downloads follow', async () => {
    await page.getByTestId('tab-timesheet').click();
    await page.getByTestId('timesheet-month').fill(SHEET_DAY.slice(0, 7));
    await page.getByTestId('timesheet-person').locator('option', { hasText: 'Dũng (E04)' }).waitFor({ state: 'attached' });
    const people = await page.getByTestId('timesheet-person').locator('option').allTextContents();
    assert.deepEqual(people, ['Everyone', 'An (E01)', 'Bình (E02)', 'Cường (E03)', 'Dũng (E04)'], 'the hub\'s people, not the erased one');
    await page.getByTestId('timesheet-person-filter').fill('binh');
    assert.equal(await page.getByTestId('timesheet-person').inputValue(), PEOPLE.binh.uid, 'typing picks the one match, accent-insensitively');
    await page.getByTestId('timesheet-show').click();
    const rows = page.locator('[data-testid="timesheet-table"] tbody tr');
    await page.locator(`[data-testid="timesheet-table"] tr[data-person-id="${PEOPLE.binh.uid}"][data-day="${SHEET_DAY}"]`).waitFor();
    const ids = await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-person-id')));
    assert.ok(ids.length > 0);
    assert.deepEqual([...new Set(ids)], [PEOPLE.binh.uid], 'only Bình\'s rows');
    assert.equal(await page.locator(`[data-testid="timesheet-table"] tr[data-day="${SHEET_DAY}"] [data-col="first-in"]`).textContent(), '08:00');
    assert.equal(await page.locator('[data-testid="timesheet-table"] thead th').filter({ hasText: /^Name$/u }).count(), 0, 'one person: no name column, as on a kiosk');
    assert.match((await page.getByTestId('timesheet-csv').getAttribute('href')) ?? '', new RegExp(`personId=${PEOPLE.binh.uid}`, 'u'));
    assert.match((await page.getByTestId('timesheet-xlsx').getAttribute('href')) ?? '', new RegExp(`personId=${PEOPLE.binh.uid}`, 'u'));
    await screenshot(page, 'hub-admin-timesheet-person', { docs: false });
  });

  test('who is in and the daily summary follow the site filter', async () => {
    await page.getByTestId('tab-today').click();
    const inNow = page.getByTestId('board-in');
    await inNow.getByText('Cường', { exact: true }).waitFor();
    await page.getByTestId('board-not-arrived').getByText('Dũng', { exact: true }).waitFor();
    await page.getByTestId('today-site').selectOption('warehouse');
    await page.getByTestId('today-show').click();
    await page.getByTestId('board-not-arrived').getByText('Dũng', { exact: true }).waitFor({ state: 'detached' });
    assert.equal(await inNow.locator('li').count(), 0, 'nobody punched at the warehouse today');

    await page.getByTestId('tab-daily').click();
    await page.getByTestId('daily-from').fill(SHEET_DAY);
    await page.getByTestId('daily-to').fill(SHEET_DAY);
    await page.getByTestId('daily-site').selectOption('warehouse');
    await page.getByTestId('daily-show').click();
    const table = page.getByTestId('daily-table');
    await table.getByText('Bình', { exact: true }).waitFor();
    assert.deepEqual(await table.locator('tbody tr td:nth-child(2)').allTextContents(), ['An', 'Bình']);

    await page.getByTestId('daily-person').selectOption(PEOPLE.an.uid);
    await page.getByTestId('daily-show').click();
    await table.getByText('Bình', { exact: true }).waitFor({ state: 'detached' });
    assert.deepEqual(await page.getByTestId('daily-table').locator('tbody tr td:nth-child(2)').allTextContents(), ['An'], 'An at the warehouse: his check-out, under his alias');
  });
});
