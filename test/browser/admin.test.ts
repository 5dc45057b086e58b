import { readFile } from 'node:fs/promises';
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { parseCsv } from '../../src/server/csv.ts';
import { localDayBounds } from '../../src/store/zoned-time.ts';
import { ADMIN, browserSkipReason, launchBrowser, PIN, screenshot, startServer, todayInZone, TZ, zoned, type KioskServer } from './harness.ts';

const skip = browserSkipReason();
const TIMEOUT = 15_000;

/** First-run setup through the page, in English, with the code read off the kiosk's own screen; resolves once the log is shown. */
async function firstRunSetup(page: Page, url: string): Promise<void> {
  await page.goto(`${url}/`);
  const code = await page.getByTestId('setup-code').textContent({ timeout: TIMEOUT });
  assert.match(code ?? '', /^[A-Z0-9]{4}(-[A-Z0-9]{4}){2}$/u);
  await page.goto(`${url}/admin`);
  await page.getByTestId('lang-en').click();
  await page.getByTestId('setup-form').waitFor();
  await page.locator('#username').fill(ADMIN.username);
  await page.locator('#password').fill(ADMIN.password);
  await page.locator('#password2').fill(ADMIN.password);
  await page.locator('#pin').fill(PIN);
  await page.locator('#setup-code').fill(code ?? '');
  await page.getByTestId('setup-submit').click();
  await page.getByTestId('log-table').waitFor();
}

describe('admin pages in a browser', { skip: skip ?? false }, () => {
  let browser: Browser;
  let srv: KioskServer;
  let page: Page;
  const today = todayInZone();
  const punchIds: number[] = [];
  let ids: { tam: number; an: number; duc: number };

  before(async () => {
    browser = await launchBrowser();
    srv = await startServer({ language: 'vi' });
    const p = srv.store.people;
    ids = {
      tam: p.upsert({ name: 'Nguyễn Thị Thảo Tâm', employeeCode: 'NV-001' }).person.id,
      an: p.upsert({ name: 'Trần, Văn "An"', employeeCode: 'NV-002' }).person.id,
      duc: p.upsert({ name: 'Đỗ Minh Đức', employeeCode: 'NV-003' }).person.id,
    };
    const seed: [number, string, number][] = [
      [ids.tam, '08:02:11', 0.931],
      [ids.an, '08:07:45', 0.887],
      [ids.duc, '08:15:02', 0.902],
      [ids.an, '12:01:30', 0.874],
      [ids.tam, '17:31:09', 0.925],
      [ids.duc, '17:45:50', 0.911],
    ];
    for (const [personId, time, similarity] of seed) {
      const r = srv.store.attendance.record({ personId, ts: zoned(today, time), kioskId: 'kiosk-1', similarity, evidence: {} }, 0);
      if (r.logged) punchIds.push(r.punchId);
    }
    srv.store.attendance.recordSighting('unknown', zoned(today, '09:12:00'), 'kiosk-1', {}, 7);
    srv.store.attendance.recordSighting('spoof', zoned(today, '10:40:00'), 'kiosk-1', {}, 12);
    page = await browser.newPage({ viewport: { width: 1366, height: 900 }, acceptDownloads: true });
    page.setDefaultTimeout(TIMEOUT);
  });

  after(async () => {
    await browser?.close();
    await srv?.close();
  });

  test('first-run setup in the page creates the admin; the log shows today\'s punches', async () => {
    await firstRunSetup(page, srv.url);
    assert.equal(await page.locator('tr[data-punch-id]').count(), 6);
    assert.equal(await page.getByTestId('log-total').textContent(), '6 punches');
    // Newest first, times in the kiosk's zone.
    assert.match((await page.locator('tr[data-punch-id]').first().textContent()) ?? '', /17:45.*Đỗ Minh Đức/u);
    // Single-kiosk mode: no hub, so no clock banner (test/browser/admin-hub-link.test.ts has a joined kiosk).
    assert.equal(await page.getByTestId('hub-banner').count(), 0);
  });

  test('log out, wrong password refused, log in again', async () => {
    await page.getByTestId('logout').click();
    await page.getByTestId('login-form').waitFor();
    await page.locator('#username').fill(ADMIN.username);
    await page.locator('#password').fill('not the password');
    await page.getByTestId('login-submit').click();
    await page.getByText('Wrong user name or password').waitFor();
    await page.locator('#password').fill(ADMIN.password);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('log-table').waitFor();
  });

  test('filter by person typed without accents, then void a punch with a reason', async () => {
    await page.getByTestId('log-from').fill(today);
    await page.getByTestId('log-to').fill(today);
    await page.getByTestId('log-person-filter').fill('thao tam');
    await page.getByTestId('log-apply').click();
    await page.getByTestId('log-total').filter({ hasText: '2 punches' }).waitFor();
    const names = await page.locator('tr[data-punch-id] td:nth-child(2)').allTextContents();
    assert.deepEqual(names, ['Nguyễn Thị Thảo Tâm', 'Nguyễn Thị Thảo Tâm']);

    await page.getByTestId('log-person-filter').fill('');
    await page.getByTestId('log-person').selectOption('');
    await page.getByTestId('log-apply').click();
    await page.getByTestId('log-total').filter({ hasText: '6 punches' }).waitFor();

    const target = punchIds[1]!; // Trần, Văn "An" at 08:07
    await page.getByTestId(`void-${target}`).click();
    await page.getByTestId('void-reason').fill('Nhầm người — wrong person');
    await page.getByTestId('void-confirm').click();
    const row = page.locator(`tr[data-punch-id="${target}"]`);
    await row.getByText('voided: Nhầm người — wrong person').waitFor();
    const stored = srv.store.attendance.get(target);
    assert.equal(stored?.voidReason, 'Nhầm người — wrong person');
    const audit = srv.store.audit.list({ target: `punch:${target}` });
    assert.deepEqual(audit.map((a) => [a.action, a.actor]), [['punch.void', `admin:${ADMIN.username}`]]);
    await screenshot(page, 'admin-log');
  });

  test('the downloaded CSV matches the database', async () => {
    const download = page.waitForEvent('download');
    await page.getByTestId('export-csv').click();
    const file = await (await download).path();
    const bytes = await readFile(file);
    assert.deepEqual([...bytes.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 BOM');
    const rows = parseCsv(bytes.toString('utf8'));
    assert.equal(rows[0]![3], 'Name', 'English headers follow the page language');
    const { from, to } = localDayBounds(today, TZ);
    const db = srv.store.attendance.list({ from, to, includeVoided: true }).items.sort((a, b) => a.ts - b.ts);
    assert.deepEqual(
      rows.slice(1).map((r) => ({ id: Number(r[0]), name: r[3], ts: Date.parse(r[6]!), status: r[10], note: r[11] })),
      db.map((p) => ({ id: p.id, name: p.personName, ts: p.ts, status: p.voidedAt === null ? 'valid' : 'voided', note: p.voidReason ?? '' })),
    );
    assert.ok(rows.some((r) => r[3] === 'Trần, Văn "An"'), 'comma and quotes survive');
  });

  test('daily summary, sightings and Vietnamese labels', async () => {
    await page.getByTestId('tab-daily').click();
    await page.getByTestId('daily-table').waitFor();
    const tamRow = page.locator('[data-testid="daily-table"] tr', { hasText: 'Nguyễn Thị Thảo Tâm' });
    assert.match((await tamRow.textContent()) ?? '', /08:02.*17:31.*9\.48/u);
    await page.getByTestId('tab-sightings').click();
    await page.getByTestId('sightings-table').waitFor();
    assert.equal(await page.locator('[data-testid="sightings-table"] tbody tr').count(), 2);
    await page.getByTestId('lang-vi').click();
    await page.getByTestId('tab-log').filter({ hasText: 'Nhật ký chấm công' }).waitFor();
    await page.getByTestId('tab-log').click();
    await page.getByTestId('log-table').waitFor();
    await page.locator('tr[data-punch-id]').first().getByText('hợp lệ').waitFor();
  });
});

describe('admin list paging in a browser', { skip: skip ?? false }, () => {
  let browser: Browser;
  let srv: KioskServer;
  let page: Page;
  const today = todayInZone();
  const prev = (): ReturnType<Page['getByRole']> => page.getByRole('button', { name: '‹ Previous' });
  const next = (): ReturnType<Page['getByRole']> => page.getByRole('button', { name: 'Next ›' });

  before(async () => {
    browser = await launchBrowser();
    srv = await startServer({ language: 'en' });
    const person = srv.store.people.upsert({ name: 'Lan', employeeCode: 'NV-010' }).person.id;
    // 30 punches: two pages of the log (25 a page); 51 sightings: two pages of sightings (50 a page).
    for (let i = 0; i < 30; i++) {
      srv.store.attendance.record({ personId: person, ts: zoned(today, `08:${String(i).padStart(2, '0')}:00`), kioskId: 'kiosk-1', similarity: 0.9, evidence: {} }, 0);
    }
    for (let i = 0; i < 51; i++) srv.store.attendance.recordSighting('unknown', zoned(today, `09:${String(i).padStart(2, '0')}:00`), 'kiosk-1', {}, 1);
    // 59 more people: two pages of people (50 a page), of which a search finds one page.
    for (let i = 1; i <= 59; i++) srv.store.people.upsert({ name: `Nhân viên ${String(i).padStart(2, '0')}`, employeeCode: `P-${i}` });
    page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
    page.setDefaultTimeout(TIMEOUT);
    await firstRunSetup(page, srv.url);
  });

  after(async () => {
    await browser?.close();
    await srv?.close();
  });

  test('the log pages forward and back, with the buttons enabled only where there is a page', async () => {
    assert.equal(await page.getByTestId('log-page').textContent(), 'Page 1 of 2');
    assert.equal(await page.locator('tr[data-punch-id]').count(), 25);
    assert.ok(await prev().isDisabled());
    await next().click();
    await page.getByText('Page 2 of 2').waitFor();
    assert.equal(await page.locator('tr[data-punch-id]').count(), 5);
    assert.ok(await next().isDisabled());
    await prev().click();
    await page.getByText('Page 1 of 2').waitFor();
    assert.equal(await page.locator('tr[data-punch-id]').count(), 25);
  });

  test('sightings page on the server\'s "has more"', async () => {
    await page.getByTestId('tab-sightings').click();
    await page.getByTestId('sightings-table').waitFor();
    const rows = page.locator('[data-testid="sightings-table"] tbody tr');
    assert.equal(await rows.count(), 50);
    assert.ok(await prev().isDisabled());
    await next().click();
    await rows.nth(1).waitFor({ state: 'detached' });
    assert.equal(await rows.count(), 1);
    assert.ok(await next().isDisabled());
    await prev().click();
    await rows.nth(49).waitFor();
    assert.equal(await rows.count(), 50);
  });

  test('people page 50 at a time; a search shows its matches from the first page', async () => {
    await page.getByTestId('tab-people').click();
    const rows = page.locator('[data-testid="people-table"] tr[data-person-id]');
    await rows.nth(49).waitFor();
    assert.equal(await rows.count(), 50);
    assert.equal(await page.getByTestId('people-page').textContent(), 'Page 1 of 2 (60 people)');
    await next().click();
    await page.getByText('Page 2 of 2 (60 people)').waitFor();
    assert.equal(await rows.count(), 10);
    assert.ok(await next().isDisabled());
    await page.getByTestId('people-search').fill('nhan vien 5');
    await page.getByTestId('people-page').waitFor({ state: 'detached' });
    assert.deepEqual(await page.locator('[data-testid="people-table"] tr[data-person-id] td:first-child').allTextContents(), ['Nhân viên 50', 'Nhân viên 51', 'Nhân viên 52', 'Nhân viên 53', 'Nhân viên 54', 'Nhân viên 55', 'Nhân viên 56', 'Nhân viên 57', 'Nhân viên 58', 'Nhân viên 59']);
  });
});
