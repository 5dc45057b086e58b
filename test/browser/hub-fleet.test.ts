/**
 * The hub's Kiosks, People and Shifts tabs in Chromium (real PostgreSQL): an admin adds a kiosk and
 * sees its one-time pairing code; a kiosk pairs with that code and enrols someone; the People tab
 * shows their face thumbnail (site-sealed on the hub, opened for the session); a shared shift is made
 * and given to that person; the kiosk is revoked after a confirm.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import sharp from 'sharp';
import { ensureUiBuilt } from '../../src/server/ui-build.ts';
import { joinHub } from '../../src/sync/join.ts';
import { defaultSyncOptions } from '../../src/sync/options.ts';
import { syncAgentFor } from '../../src/sync/start.ts';
import { descriptor, fakeSyncClock, testKiosk, type TestKiosk } from '../helpers/hub.ts';
import { HUB_ADMIN, twoKioskHub, type TwoKioskHub } from '../helpers/hub-admin.ts';
import { postgresSkipReason, startPostgres, type TempPostgres } from '../helpers/postgres.ts';
import { browserSkipReason, launchBrowser, screenshot } from './harness.ts';

const skip = browserSkipReason() ?? postgresSkipReason();
const TIMEOUT = 15_000;
const PERSON = 'Ngô Thị Lan';

describe('hub fleet and gallery pages in a browser', { skip: skip ?? false }, () => {
  let pg: TempPostgres;
  let env: TwoKioskHub;
  let browser: Browser;
  let page: Page;
  let kiosk: TestKiosk | null = null;

  before(async () => {
    pg = await startPostgres();
    env = await twoKioskHub(pg, 'fleet_ui', { uiDir: await ensureUiBuilt() });
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1366, height: 800 } });
    page.setDefaultTimeout(TIMEOUT);
  });
  after(async () => {
    await browser?.close();
    kiosk?.close();
    await env?.close();
    pg?.stop();
  });

  const stateOf = (id: string): Promise<string | null> => page.getByTestId(`kiosk-state-${id}`).textContent();
  async function waitState(id: string, text: string): Promise<void> {
    await page.locator(`[data-testid="kiosk-state-${id}"]`, { hasText: text }).waitFor();
  }

  test('add a kiosk, see its pairing code once, pair it, see its person\'s thumbnail, give a shift, revoke it', async () => {
    await page.goto(`${env.hub.url}/admin#kiosks`);
    await page.getByTestId('lang-en').click();
    await page.locator('#username').fill(HUB_ADMIN.username);
    await page.locator('#password').fill(HUB_ADMIN.password);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('kiosks-table').waitFor();
    const tabs = await page.locator('nav.tabs a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    for (const tab of ['#kiosks', '#people', '#shifts']) assert.ok(tabs.includes(tab), `tab ${tab} listed`);

    // The two kiosks of the setting: paired, seen, yard-1's clock an hour ahead.
    assert.equal(await stateOf('door-1'), 'paired');
    assert.equal(await page.getByTestId('clock-skewed-yard-1').textContent(), 'clock skewed');
    assert.equal(await page.getByTestId('clock-skewed-door-1').count(), 0);
    assert.match((await page.locator('tr[data-kiosk-id="yard-1"]').textContent()) ?? '', /\+36\d\d s clock skewed/u, 'an hour ahead (its fake clock moved a few seconds since)');

    await page.getByTestId('kiosk-id').fill('gate-3');
    await page.getByTestId('kiosk-name').fill('Cổng 3');
    await page.getByTestId('kiosk-site').fill('hq');
    await page.getByTestId('kiosk-add').click();
    const panel = page.getByTestId('pairing-code');
    await panel.waitFor();
    const code = (await panel.getAttribute('data-code')) ?? '';
    assert.match(code, /^[A-Z2-9]{4}(-[A-Z2-9]{4}){3}$/u);
    assert.equal(await page.getByTestId('pairing-code-value').textContent(), code);
    assert.match((await panel.textContent()) ?? '', /Pairing code for gate-3.*works once, until/su);
    await waitState('gate-3', 'waiting for pairing');
    await screenshot(page, 'hub-admin-kiosks');

    // A kiosk joins with the code and enrols someone with a face photo.
    const clock = fakeSyncClock();
    kiosk = testKiosk(clock, () => clock.wallMs());
    await joinHub({ dataDir: kiosk.dir, store: kiosk.store, url: env.hub.url, code, timeoutMs: 5_000 });
    const agent = syncAgentFor(kiosk.store, kiosk.dir, defaultSyncOptions, undefined, clock);
    assert.ok(agent);
    const jpeg = await sharp({ create: { width: 96, height: 96, channels: 3, background: { r: 200, g: 140, b: 90 } } }).jpeg().toBuffer();
    const { person } = kiosk.store.people.upsert({ name: PERSON, employeeCode: 'NV-31' });
    kiosk.store.people.addSamples(person.id, [{ descriptor: descriptor(16, 5), kind: 'arcface', modelVersion: 'v1', quality: 0.9, sourceKey: 'lan-1.jpg', crop: jpeg }]);
    await agent.syncOnce();

    // The code was shown once: the list, shown again, no longer has it; the kiosk is paired.
    await page.getByTestId('tab-people').click();
    await page.getByTestId('tab-kiosks').click();
    await waitState('gate-3', 'paired');
    assert.equal(await page.getByTestId('pairing-code').isHidden(), true);
    assert.ok(!(await page.content()).includes(code), 'the code is not shown again');

    // People: the enrolled person with their thumbnail, the others (no crop) without.
    await page.getByTestId('tab-people').click();
    const row = page.locator('[data-testid="hub-people-table"] tr', { hasText: PERSON });
    await row.waitFor();
    assert.match((await row.textContent()) ?? '', /NV-31.*gate-3/su);
    const img = row.locator('img.thumb');
    // The test code has no DOM types: the image is read through the two fields it needs.
    type Loaded = { complete: boolean; naturalWidth: number };
    await page.waitForFunction((el) => el !== null && (el as unknown as Loaded).complete && (el as unknown as Loaded).naturalWidth > 0, await img.elementHandle());
    assert.equal(await img.evaluate((el) => (el as unknown as Loaded).naturalWidth), 96, 'the crop, decoded: the hub opened it with the site key');
    const src = (await img.getAttribute('src')) ?? '';
    const photo = await page.request.get(`${env.hub.url}${src}`);
    assert.equal(photo.headers()['content-type'], 'image/jpeg');
    assert.match(photo.headers()['cache-control'] ?? '', /no-store/u);
    assert.equal(await page.locator('[data-testid="hub-people-table"] tr', { hasText: env.pushed['door-1'][0]! }).locator('img').count(), 0);
    await screenshot(page, 'hub-admin-people');

    // A shared shift, then given to the person; the kiosk gets both at its next pull.
    await page.getByTestId('tab-shifts').click();
    await page.getByTestId('shift-name').fill('Ca sáng');
    await page.getByTestId('shift-start').fill('07:30');
    await page.getByTestId('shift-end').fill('16:30');
    await page.getByTestId('shift-save').click();
    await page.locator('[data-testid="shifts-table"] tr[data-shift-name="Ca sáng"]').waitFor();
    // A shift made by mistake is deleted, after a confirmation; kiosks remove it at their next pull.
    await page.getByTestId('shift-name').fill('Ca nhầm');
    await page.getByTestId('shift-save').click();
    const mistake = page.locator('[data-testid="shifts-table"] tr[data-shift-name="Ca nhầm"]');
    await mistake.waitFor();
    page.once('dialog', (d) => {
      assert.match(d.message(), /Delete shift Ca nhầm\?/u);
      void d.accept();
    });
    await mistake.locator('button', { hasText: 'Delete' }).click();
    await page.getByTestId('notice').filter({ hasText: 'Shift deleted' }).waitFor();
    await mistake.waitFor({ state: 'detached' });
    await page.locator('tr[data-shift-name="Ca sáng"] button', { hasText: 'Edit' }).click();
    assert.equal(await page.getByTestId('shift-name').isDisabled(), true, 'kiosks know a shift by its name');
    await page.getByTestId('tab-people').click();
    const uid = src.split('/')[4]!;
    await page.getByTestId(`person-shift-${uid}`).selectOption('Ca sáng');
    await page.getByTestId('notice').filter({ hasText: `${PERSON}: shift changed` }).waitFor();
    await agent.syncOnce();
    const onKiosk = kiosk.store.db.prepare<[string], { name: string | null }>('SELECT s.name FROM people p LEFT JOIN shifts s ON s.id = p.shift_id WHERE p.uid = ?').get(uid);
    assert.equal(onKiosk?.name, 'Ca sáng');
    assert.equal(kiosk.store.db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM shifts WHERE name = ?').get('Ca nhầm')!.n, 0, 'the deleted shift never reaches the kiosk');
    await page.getByTestId('tab-shifts').click();
    assert.equal(await page.locator('tr[data-shift-name="Ca sáng"] button', { hasText: 'Delete' }).isDisabled(), true, 'someone is on it');

    // Revoke asks first: dismissed, nothing happens; accepted, the kiosk is refused at once.
    await page.getByTestId('tab-kiosks').click();
    await waitState('gate-3', 'paired');
    page.once('dialog', (d) => void d.dismiss());
    await page.getByTestId('kiosk-revoke-gate-3').click();
    assert.equal(await stateOf('gate-3'), 'paired');
    page.once('dialog', (d) => {
      assert.match(d.message(), /Revoke kiosk gate-3\?/u);
      void d.accept();
    });
    await page.getByTestId('kiosk-revoke-gate-3').click();
    await waitState('gate-3', 'revoked');
    await page.getByTestId('notice').filter({ hasText: 'Kiosk gate-3 revoked' }).waitFor();
    await assert.rejects(agent.syncOnce(), /revoked/u);
    await agent.stop();

    const { rows } = await env.hub.pool.query<{ action: string; target: string }>("SELECT action, target FROM hub_audit WHERE actor = $1 AND kiosk_id IS NULL AND action <> 'admin.login' ORDER BY ts, action", [`admin:${HUB_ADMIN.username}`]);
    // A site of many people: the People tab shows 50 at a time.
    await env.hub.pool.query(
      `INSERT INTO hub_people (uid, name, employee_code, active, rev, created_at, updated_at)
       SELECT gen_random_uuid(), 'Người ' || lpad(i::text, 2, '0'), 'MANY-' || i, true, 1, 0, 0 FROM generate_series(1, 55) AS i`,
    );
    const total = (await env.hub.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM hub_people WHERE erased_at IS NULL')).rows[0]!.n;
    assert.ok(total > 50 && total <= 100, 'two pages');
    await page.getByTestId('tab-shifts').click();
    await page.getByTestId('tab-people').click();
    const peopleRows = page.locator('[data-testid="hub-people-table"] tr[data-person-uid]');
    await peopleRows.nth(49).waitFor();
    assert.equal(await peopleRows.count(), 50);
    assert.equal(await page.getByTestId('people-page').textContent(), `Page 1 of 2 (${total} people)`);
    await page.getByRole('button', { name: 'Next ›' }).click();
    await page.getByText(`Page 2 of 2 (${total} people)`).waitFor();
    assert.equal(await peopleRows.count(), total - 50);
    await page.getByTestId('people-search').fill('nguoi 5');
    assert.deepEqual(await peopleRows.locator('td:nth-child(2)').allTextContents(), ['Người 50', 'Người 51', 'Người 52', 'Người 53', 'Người 54', 'Người 55'], 'a search shows its matches from the first page');

    assert.deepEqual(rows.map((r) => `${r.action} ${r.target}`), ['kiosk.create kiosk:gate-3', 'shift.put shift:Ca sáng', 'shift.put shift:Ca nhầm', 'shift.delete shift:Ca nhầm', `person.shift person:${uid}`, 'kiosk.revoke kiosk:gate-3']);
  });
});
