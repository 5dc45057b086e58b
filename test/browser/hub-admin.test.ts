/**
 * The hub's admin page in Chromium: two kiosks push punches to one hub (real PostgreSQL); an admin
 * logs in at the hub and sees both kiosks' punches in one log; the kiosk and site filters narrow it.
 * The Access tab adds and disables an admin; the Sightings tab shows a stranger seen at a kiosk with
 * its evidence photo, as the log shows a punch's; the Audit tab shows the hub's own admin actions.
 * A punch voided in the hub's log is struck through there and voided at its kiosk after its next sync;
 * a manual punch added there at a chosen kiosk reaches that kiosk's log.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { ensureUiBuilt } from '../../src/server/ui-build.ts';
import { HUB_ADMIN, HUB_TZ, twoKioskHub, type TwoKioskHub } from '../helpers/hub-admin.ts';
import { postgresSkipReason, startPostgres, type TempPostgres } from '../helpers/postgres.ts';
import { addEvidence, addSighting, testJpeg } from '../helpers/hub-trail.ts';
import { browserSkipReason, launchBrowser, screenshot } from './harness.ts';

const skip = browserSkipReason() ?? postgresSkipReason();
const TIMEOUT = 15_000;
const DAY_MS = 86_400_000;
/** The page's getComputedStyle (node's types lack the DOM). */
interface StyleGlobals {
  getComputedStyle(el: unknown): { textDecorationLine: string };
}
const dayIn = (ms: number): string => new Intl.DateTimeFormat('en-CA', { timeZone: HUB_TZ, year: 'numeric', month: '2-digit', day: '2-digit' }).format(ms);

describe('hub admin page in a browser', { skip: skip ?? false }, () => {
  let pg: TempPostgres;
  let env: TwoKioskHub;
  let browser: Browser;
  let page: Page;

  before(async () => {
    pg = await startPostgres();
    env = await twoKioskHub(pg, 'admin_ui', { uiDir: await ensureUiBuilt() });
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1366, height: 800 } });
    page.setDefaultTimeout(TIMEOUT);
  });
  after(async () => {
    await browser?.close();
    await env?.close();
    pg?.stop();
  });

  const rowsOf = (kiosk: string): Promise<number> => page.locator(`[data-testid="log-table"] tr[data-kiosk="${kiosk}"]`).count();

  /** Waits until the table shows exactly these counts per kiosk (the log reloads asynchronously). */
  async function expectRows(counts: Record<string, number>): Promise<void> {
    for (const [kiosk, n] of Object.entries(counts)) {
      const rows = page.locator(`[data-testid="log-table"] tr[data-kiosk="${kiosk}"]`);
      if (n > 0) await rows.nth(n - 1).waitFor({ state: 'attached' });
      await rows.nth(n).waitFor({ state: 'detached' });
    }
    for (const [kiosk, n] of Object.entries(counts)) assert.equal(await rowsOf(kiosk), n, kiosk);
  }

  test('an admin logs in at the hub and sees both kiosks\' punches in one log; the kiosk filter narrows it', async () => {
    const res = await page.goto(`${env.hub.url}/admin`);
    assert.equal(res?.status(), 200);
    await page.getByTestId('lang-en').click();
    await page.getByTestId('login-form').waitFor();
    const before = await page.content();
    for (const name of env.pushed['door-1']) assert.ok(!before.includes(name), 'no punch before login');

    await page.locator('#username').fill(HUB_ADMIN.username);
    await page.locator('#password').fill('wrong password');
    await page.getByTestId('login-submit').click();
    await page.getByText('Wrong user name or password').waitFor();
    await page.locator('#password').fill(HUB_ADMIN.password);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('log-table').waitFor();

    // A window around today in the hub's zone: the kiosks' punches were made just now.
    await page.getByTestId('log-from').fill(dayIn(Date.now() - DAY_MS));
    await page.getByTestId('log-to').fill(dayIn(Date.now() + DAY_MS));
    await page.getByTestId('log-apply').click();
    await expectRows({ 'door-1': 2, 'yard-1': 3 });
    const table = page.getByTestId('log-table');
    for (const name of [...env.pushed['door-1'], ...env.pushed['yard-1']]) await table.getByText(name, { exact: true }).waitFor();
    assert.equal(await page.getByTestId('log-total').textContent(), '5 punches');
    assert.equal(await table.locator('tr.is-voided').count(), 1);
    assert.match((await table.locator('tr.is-voided').textContent()) ?? '', new RegExp(`${env.voidedName}.*voided: wrong person`, 'u'));
    // Clock trust on every punch: door-1's punch from before it joined, and yard-1's clock an hour ahead.
    assert.equal(await table.getByText('confirmed', { exact: true }).count(), 1);
    assert.equal(await table.getByText('not confirmed', { exact: true }).count(), 1);
    assert.equal(await table.getByText('kiosk clock off', { exact: true }).count(), 3);
    assert.equal(await table.getByText(/^hub estimate: /u).count(), 3, 'the hub\'s time beside a punch from a clock that is off');
    assert.match((await page.getByTestId('log-kiosk').textContent()) ?? '', /yard-1 \(clock off\)/u);
    assert.equal(await table.getByText('warehouse', { exact: true }).count(), 3);

    // No tab leads to a page the hub does not serve (the kiosk's own pages stay on the kiosk; reports: hub-timesheet.test.ts).
    const tabs = await page.locator('nav.tabs a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    assert.deepEqual(tabs, ['#log', '#timesheet', '#daily', '#today', '#kiosks', '#people', '#shifts', '#access', '#audit', '#sightings']);
    assert.equal((await page.request.get(`${env.hub.url}/`)).status(), 404, 'no kiosk screen on the hub');
    await screenshot(page, 'hub-admin-log');

    await page.getByTestId('log-kiosk').selectOption('door-1');
    await page.getByTestId('log-apply').click();
    await expectRows({ 'door-1': 2, 'yard-1': 0 });
    assert.equal(await page.getByTestId('log-total').textContent(), '2 punches');
    assert.match((await page.getByTestId('export-csv').getAttribute('href')) ?? '', /kioskId=door-1/u);

    await page.getByTestId('log-kiosk').selectOption('');
    await page.getByTestId('log-site').selectOption('warehouse');
    await page.getByTestId('log-voided').uncheck();
    await page.getByTestId('log-apply').click();
    await expectRows({ 'door-1': 0, 'yard-1': 2 });
    assert.equal(await rowsOf('yard-1'), 2);

    await page.getByTestId('lang-vi').click();
    await page.getByText('Mọi kiosk', { exact: true }).waitFor({ state: 'attached' });
    await page.getByTestId('logout').click();
    await page.getByTestId('login-form').waitFor();
    assert.equal((await page.request.get(`${env.hub.url}/api/admin/kiosks`)).status(), 401, 'the session ended');
  });

  async function logIn(): Promise<void> {
    await page.context().clearCookies();
    await page.goto(`${env.hub.url}/admin`);
    await page.getByTestId('lang-en').click();
    await page.locator('#username').fill(HUB_ADMIN.username);
    await page.locator('#password').fill(HUB_ADMIN.password);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('log-table').waitFor();
  }

  /** The image has loaded and decoded to the test JPEG's width (not a broken-image icon); node's types lack the DOM. */
  async function imageLoaded(selector: string): Promise<void> {
    const img = await page.locator(selector).elementHandle();
    await page.waitForFunction((el) => (el as unknown as { complete: boolean; naturalWidth: number }).complete && (el as unknown as { naturalWidth: number }).naturalWidth > 0, img);
    assert.equal(await page.locator(selector).evaluate((el) => (el as unknown as { naturalWidth: number }).naturalWidth), 24);
  }

  test('Access: an admin adds another admin and disables them (never themself); the Audit tab shows it', async () => {
    await logIn();
    await page.getByTestId('tab-access').click();
    await page.getByTestId('admins-table').waitFor();
    assert.equal(await page.locator('[data-testid^="admin-remove-"]').count(), 0, 'hub admins are disabled, not removed');
    assert.equal(await page.getByText('Paired kiosk screens').count(), 0, 'the hub has no screens');

    await page.getByTestId('new-admin-username').fill('thu.ops');
    await page.getByTestId('new-admin-password').fill('mật khẩu của Thu');
    await page.getByTestId('add-admin-form').locator('button[type=submit]').click();
    const row = page.locator('[data-testid="admins-table"] tr[data-admin="thu.ops"]');
    await row.waitFor();
    assert.match((await row.textContent()) ?? '', /never/u, 'not logged in yet');
    const loginAs = (username: string, password: string): Promise<Response> =>
      fetch(`${env.hub.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
    assert.equal((await loginAs('thu.ops', 'mật khẩu của Thu')).status, 200, 'the new admin can log in');

    await page.getByTestId('admin-toggle-thu.ops').click();
    await page.locator('[data-testid="admins-table"] tr[data-admin="thu.ops"].is-voided').waitFor();
    assert.match((await row.textContent()) ?? '', /disabled/u);
    assert.equal((await loginAs('thu.ops', 'mật khẩu của Thu')).status, 401, 'a disabled admin cannot log in');

    await page.getByTestId(`admin-toggle-${HUB_ADMIN.username}`).click();
    await page.getByText('You cannot disable your own account; ask another administrator').waitFor();
    assert.equal(await page.locator(`[data-testid="admins-table"] tr[data-admin="${HUB_ADMIN.username}"].is-voided`).count(), 0);
    await screenshot(page, 'hub-admin-access');

    await page.getByTestId('tab-audit').click();
    await page.getByTestId('audit-kiosk').selectOption('@hub');
    await page.getByTestId('audit-apply').click();
    const disabled = page.locator('[data-testid="audit-table"] tr', { hasText: 'admin.disable' });
    await disabled.waitFor();
    assert.match((await disabled.textContent()) ?? '', new RegExp(`hub.*admin:${HUB_ADMIN.username.replace('.', '\\.')}.*admin:thu\\.ops`, 'u'));
    const from = await page.locator('[data-testid="audit-table"] tbody tr td:nth-child(2)').allTextContents();
    assert.ok(from.length > 1 && from.every((x) => x === 'hub'), `only the hub's own actions: ${from.join(', ')}`);
  });

  test('Sightings: a stranger seen at a kiosk, with its evidence photo; the log shows a punch\'s photo', async () => {
    const now = Date.now();
    const stranger = await addSighting(env.hub, { kioskId: 'yard-1', kind: 'unknown', ts: now - 5_000 });
    await addSighting(env.hub, { kioskId: 'door-1', kind: 'spoof', ts: now - 4_000 });
    await addEvidence(env.hub, 'sighting', stranger, 'yard-1', await testJpeg(5));
    const punch = (await env.hub.pool.query<{ id: string }>("SELECT id FROM hub_punches WHERE kiosk_id = 'door-1' AND voided_at IS NULL ORDER BY ts DESC LIMIT 1")).rows[0]!.id;
    await addEvidence(env.hub, 'punch', punch, 'door-1', await testJpeg(6));

    await logIn();
    await page.getByTestId('tab-sightings').click();
    await page.getByTestId('sightings-from').fill(dayIn(now - DAY_MS));
    await page.getByTestId('sightings-to').fill(dayIn(now + DAY_MS));
    await page.getByTestId('sightings-site').selectOption('warehouse');
    await page.getByTestId('sightings-apply').click();
    const row = page.locator(`[data-testid="sightings-table"] tr[data-sighting="${stranger}"]`);
    await row.waitFor();
    assert.equal(await page.locator('[data-testid="sightings-table"] tbody tr').count(), 1, 'only the warehouse');
    assert.match((await row.textContent()) ?? '', /unknown face.*yard-1.*warehouse/u);
    await page.getByTestId(`sighting-photo-${stranger}`).click();
    await imageLoaded('[data-testid="sighting-dialog"] img');
    await screenshot(page, 'hub-admin-sighting');
    await page.getByTestId('evidence-close').click();

    await page.getByTestId('tab-log').click();
    await page.getByTestId('log-from').fill(dayIn(now - DAY_MS));
    await page.getByTestId('log-to').fill(dayIn(now + DAY_MS));
    await page.getByTestId('log-apply').click();
    await page.getByTestId(`photo-${punch}`).click();
    await imageLoaded('[data-testid="evidence-dialog"] img');
    assert.equal(await page.locator('[data-testid="log-table"] .photo-button').count(), 1, 'only the punch with a photo has one');
  });

  test('Log: an admin voids a punch with a reason; it is struck through, and its kiosk voids it at its next sync', async () => {
    const now = Date.now();
    const punch = (await env.hub.pool.query<{ id: string }>("SELECT id FROM hub_punches WHERE kiosk_id = 'door-1' AND voided_at IS NULL ORDER BY ts LIMIT 1")).rows[0]!.id;
    await logIn();
    await page.getByTestId('log-from').fill(dayIn(now - DAY_MS));
    await page.getByTestId('log-to').fill(dayIn(now + DAY_MS));
    await page.getByTestId('log-apply').click();
    const row = page.locator(`[data-testid="log-table"] tr[data-punch-id="${punch}"]`);
    await row.waitFor();
    await page.getByTestId(`void-${punch}`).click();
    await page.getByTestId('void-reason').fill('thẻ bấm hộ');
    await page.getByTestId('void-confirm').click();
    await page.locator(`[data-testid="log-table"] tr[data-punch-id="${punch}"].is-voided`).waitFor();
    await page.getByTestId('notice').filter({ hasText: 'Punch voided' }).waitFor();
    assert.match((await row.textContent()) ?? '', /voided: thẻ bấm hộ/u);
    assert.equal(await row.locator('td:nth-child(2)').evaluate((td) => (globalThis as unknown as StyleGlobals).getComputedStyle(td).textDecorationLine), 'line-through');
    assert.equal(await page.getByTestId(`void-${punch}`).count(), 0, 'a voided punch offers no second void');
    await screenshot(page, 'hub-admin-void');

    const door = env.kiosks['door-1'];
    await door.agent.syncOnce();
    const local = door.kiosk.store.db.prepare<[string], { void_reason: string | null }>('SELECT void_reason FROM punches WHERE uid = ?').get(punch);
    assert.equal(local?.void_reason, 'thẻ bấm hộ', 'the kiosk\'s own log agrees');
  });

  test('Log: an admin adds a manual punch for a person at a chosen kiosk; it shows in the log and reaches that kiosk', async () => {
    const now = Date.now();
    const name = env.pushed['yard-1'][1]!;
    const uid = (await env.hub.pool.query<{ uid: string }>('SELECT uid FROM hub_people WHERE name = $1', [name])).rows[0]!.uid;
    await logIn();
    await page.getByTestId('log-from').fill(dayIn(now - DAY_MS));
    await page.getByTestId('log-to').fill(dayIn(now + DAY_MS));
    await page.getByTestId('log-apply').click();
    await page.getByTestId('log-table').waitFor();
    await page.getByText('Add a manual punch').click();
    await page.getByTestId('manual-person-filter').fill(name);
    assert.equal(await page.getByTestId('manual-person').inputValue(), uid, 'the picker holds the hub uid');
    await page.getByTestId('manual-reason').fill('quên thẻ');
    await page.getByTestId('manual-add').click();
    await page.getByTestId('notice').filter({ hasText: 'Choose a kiosk' }).waitFor();
    assert.equal((await env.hub.pool.query('SELECT 1 FROM hub_punches WHERE made_by IS NOT NULL')).rowCount, 0, 'no kiosk chosen, nothing sent');
    await page.getByTestId('manual-kiosk').selectOption('yard-1');
    await page.getByTestId('manual-add').click();
    const row = page.locator('[data-testid="log-table"] tr[data-kiosk="yard-1"]', { hasText: 'manual: quên thẻ' });
    await row.waitFor();
    assert.match((await row.textContent()) ?? '', new RegExp(`${name}.*yard-1.*warehouse`, 'u'));
    const id = (await row.getAttribute('data-punch-id')) ?? '';
    // The confirmation takes the place of the earlier "choose a kiosk" line.
    await page.getByTestId('notice').filter({ hasText: `Manual punch added for ${name}` }).waitFor();
    await screenshot(page, 'hub-admin-manual');

    const yard = env.kiosks['yard-1'];
    await yard.agent.syncOnce();
    const local = yard.kiosk.store.db.prepare<[string], { source: string; evidence: string }>('SELECT source, evidence FROM punches WHERE uid = ?').get(id);
    assert.equal(local?.source, 'manual', 'the kiosk\'s own log has it, under the hub\'s id');
    assert.equal((JSON.parse(local.evidence) as { reason: string }).reason, 'quên thẻ');
  });
});
