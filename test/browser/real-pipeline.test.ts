/**
 * The product end to end in a browser: `kiosk serve` with the real capture → model → vote → store
 * pipeline on a walk-up video built from the tutorial's photos. The kiosk screen greets an enrolled
 * person and says "not recognised" to a stranger; the stranger is enrolled from the kiosk menu
 * (PIN, name, capture from the video) and is greeted by name on the next pass; the admin logs in,
 * sees the punches, voids one with a reason and downloads a CSV whose rows match the database.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { datasetOrSkip } from '../helpers/dataset.ts';
import { buildWalkupVideo } from '../helpers/walkup.ts';
import { ADMIN, PIN, browserSkipReason, launchBrowser, screenshot } from './harness.ts';
import { serveRealKiosk, type RealKiosk } from './real-kiosk.ts';
import { parseCsv } from '../../src/server/csv.ts';
import { openStore } from '../../src/store/store.ts';

const ds = datasetOrSkip();
const skip = ds.skip || browserSkipReason();
const ENROLLED = 'khanh';
const STRANGER = 'thaotam';
const NEW_NAME = 'Nguyễn Thị Thảo Tâm';
/** Model start-up and a decision on a loaded 2-core machine both take a while. */
const SLOW = 120_000;

describe('the real kiosk in a browser, on a walk-up video', { skip: skip || false }, () => {
  let dataDir = '';
  let url = '';
  let browser: Browser;
  let kiosk: Page;
  let served: RealKiosk | undefined;

  before(async () => {
    const dataset = ds.dir ?? '';
    served = await serveRealKiosk({
      dataset,
      enroll: [ENROLLED],
      prefix: 'kiosk-e2e-',
      // An enrolled person briefly, then a stranger long enough to be enrolled at the kiosk; it loops.
      video: async (work) => {
        const video = join(work, 'door.mp4');
        await buildWalkupVideo(video, [
          { person: ENROLLED, path: join(dataset, ENROLLED, '015.jpg'), enrolled: true },
          { person: STRANGER, path: join(dataset, STRANGER, '003.jpg'), enrolled: false },
        ], { showS: 10, gapS: 1.5, zoom: 1.1 });
        return video;
      },
    });
    ({ dataDir, url } = served);
    browser = await launchBrowser();
    kiosk = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    kiosk.setDefaultTimeout(SLOW);
    await kiosk.goto(url);
  });

  after(async () => {
    await browser?.close();
    await served?.close();
  });

  test('the screen greets the enrolled person by name and tells the stranger "not recognised"', async () => {
    await kiosk.locator('#banner-title').filter({ hasText: ENROLLED }).waitFor();
    await screenshot(kiosk, 'real-kiosk-checkin', { docs: false });
    await kiosk.getByText('Not recognised').waitFor();
    await screenshot(kiosk, 'real-kiosk-unknown', { docs: false });
  });

  test('enrolling the stranger from the menu, from the live video, makes her recognised on the next pass', async () => {
    // Start while she is in front of the camera: right after she was not recognised.
    await kiosk.getByText('Not recognised').waitFor();
    await kiosk.locator('#menu-button').click();
    for (const d of PIN) await kiosk.getByTestId(`key-${d}`).click();
    await kiosk.getByTestId('pin-ok').click();
    await kiosk.getByTestId('menu-enroll').click();
    await kiosk.getByTestId('enroll-name').fill(NEW_NAME);
    await kiosk.getByTestId('enroll-code').fill('NV-042');
    await kiosk.getByTestId('enroll-start').click();
    await kiosk.getByTestId('enroll-count').waitFor();
    await screenshot(kiosk, 'real-kiosk-enrollment', { docs: false });
    // A look-alike may be flagged as a possible duplicate: the administrator confirms.
    const saved = kiosk.getByTestId('enroll-saved');
    const duplicate = kiosk.getByTestId('duplicate-confirm');
    await Promise.race([saved.waitFor(), duplicate.waitFor().then(() => duplicate.click())]);
    await saved.waitFor();
    await kiosk.getByTestId('enroll-done').click();
    await kiosk.getByTestId('menu-close').click();
    await kiosk.locator('#banner-title').filter({ hasText: NEW_NAME }).waitFor();
    await screenshot(kiosk, 'real-kiosk-new-person', { docs: false });
    // Only her face was enrolled: on the next loop of the video the enrolled person is still himself.
    await kiosk.locator('#banner-title').filter({ hasText: ENROLLED }).waitFor();
    const store = openStore({ dataDir, dbFile: 'kiosk.db' });
    try {
      const [person] = store.people.list({ search: 'thao tam' });
      assert.equal(person?.name, NEW_NAME);
      assert.equal(person?.employeeCode, 'NV-042');
      assert.equal(person?.sampleCount, 5);
    } finally {
      store.close();
    }
  });

  test('the admin sees the punches, voids one with a reason, and the CSV matches the database', async () => {
    const page = await browser.newPage({ viewport: { width: 1366, height: 900 }, acceptDownloads: true });
    page.setDefaultTimeout(30_000);
    await page.goto(`${url}/admin`);
    await page.getByTestId('lang-en').click();
    await page.locator('#username').fill(ADMIN.username);
    await page.locator('#password').fill(ADMIN.password);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('log-table').waitFor();
    await page.locator('tr[data-punch-id]').filter({ hasText: NEW_NAME }).first().waitFor();
    await page.locator('tr[data-punch-id]').filter({ hasText: ENROLLED }).first().waitFor();
    const target = Number(await page.locator('tr[data-punch-id]').filter({ hasText: ENROLLED }).first().getAttribute('data-punch-id'));
    await page.getByTestId(`void-${target}`).click();
    await page.getByTestId('void-reason').fill('tested the kiosk');
    await page.getByTestId('void-confirm').click();
    await page.locator(`tr[data-punch-id="${target}"]`).getByText('voided: tested the kiosk').waitFor();
    await screenshot(page, 'real-admin-log', { docs: false });
    const download = page.waitForEvent('download');
    await page.getByTestId('export-csv').click();
    const rows = parseCsv((await readFile(await (await download).path())).toString('utf8'));
    const store = openStore({ dataDir, dbFile: 'kiosk.db' });
    try {
      const db = store.attendance.list({ from: 0, to: Date.now() + 1, includeVoided: true }).items.sort((a, b) => a.ts - b.ts);
      assert.ok(db.length >= 2, 'both people were punched');
      assert.deepEqual(
        rows.slice(1).map((r) => ({ id: Number(r[0]), name: r[3], status: r[10], note: r[11] })),
        db.map((p) => ({ id: p.id, name: p.personName, status: p.voidedAt === null ? 'valid' : 'voided', note: p.voidReason ?? '' })),
      );
      assert.equal(store.attendance.get(target)?.voidReason, 'tested the kiosk');
    } finally {
      store.close();
    }
    await page.close();
  });
});
