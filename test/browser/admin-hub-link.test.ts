/**
 * The admin pages of a kiosk joined to a hub: the "clock not synchronised" banner on every tab while the
 * (fake) sync agent says so, live from the admin socket and again after a reload, and the hub link panel
 * on the settings tab. A single kiosk shows neither (asserted in admin.test.ts).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { FakeHubLink, HUB_CLOCK } from '../integration/server/fakes.ts';
import { ADMIN, browserSkipReason, launchBrowser, screenshot, setupOverHttp, startServer, type KioskServer } from './harness.ts';

const skip = browserSkipReason();
const TIMEOUT = 15_000;
const SKEWED = 'Clock not synchronised with the hub: off by 755 s (this kiosk is ahead)';

describe('a joined kiosk\'s admin pages show its hub link', { skip: skip ?? false }, () => {
  let browser: Browser;
  let srv: KioskServer;
  let page: Page;
  const link = new FakeHubLink();

  before(async () => {
    browser = await launchBrowser();
    srv = await startServer({ language: 'en' }, undefined, link);
    await setupOverHttp(srv.url, srv.setupCode());
    page = await browser.newPage({ viewport: { width: 1366, height: 900 } });
    page.setDefaultTimeout(TIMEOUT);
  });

  after(async () => {
    await browser?.close();
    await srv?.close();
  });

  test('clock synchronised: no banner; the settings tab shows the hub, this kiosk, last sync and outbox', async () => {
    await page.goto(`${srv.url}/admin`);
    await page.getByTestId('lang-en').click();
    await page.locator('#username').fill(ADMIN.username);
    await page.locator('#password').fill(ADMIN.password);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('log-table').or(page.getByTestId('log-table-empty')).waitFor();
    assert.equal(await page.getByTestId('hub-banner').count(), 0);
    await page.getByTestId('tab-settings').click();
    await page.getByTestId('hub-link').waitFor();
    assert.equal(await page.getByTestId('hub-link-hub').textContent(), 'https://hub.example:8090');
    assert.equal(await page.getByTestId('hub-link-kiosk').textContent(), 'door-2');
    assert.equal(await page.getByTestId('hub-link-link').textContent(), 'connected');
    assert.equal(await page.getByTestId('hub-link-lastSync').textContent(), '01/03/2024, 08:00');
    assert.equal(await page.getByTestId('hub-link-clock').textContent(), 'synchronised (off by 1 s; up to 120 s allowed)');
    assert.equal(await page.getByTestId('hub-link-lastError').count(), 0);
    assert.equal(await page.getByTestId('hub-banner').count(), 0);
  });

  test('the agent reports the clock off and the hub unreachable: the banner and the panel follow at once, on every tab', async () => {
    link.set({ clock: HUB_CLOCK.skewedAhead, state: 'backing-off', failures: 3, lastError: 'connect ECONNREFUSED 10.0.0.5:8090', outboxDepth: 42 });
    await page.getByTestId('hub-banner').filter({ hasText: SKEWED }).waitFor();
    await page.getByTestId('hub-link-outbox').filter({ hasText: '42 records' }).waitFor();
    assert.equal(await page.getByTestId('hub-link-link').textContent(), 'exchanges failing — retrying (3 in a row; see the last error)');
    assert.equal(await page.getByTestId('hub-link-clock').textContent(), SKEWED);
    assert.equal(await page.getByTestId('hub-link-lastError').textContent(), 'connect ECONNREFUSED 10.0.0.5:8090');
    await screenshot(page, 'admin-hub-link');
    for (const tab of ['log', 'people', 'audit']) {
      await page.getByTestId(`tab-${tab}`).click();
      assert.equal(await page.getByTestId('hub-banner').textContent(), SKEWED, tab);
    }
  });

  test('after a reload the banner comes from the API; in Vietnamese; unconfirmed since boot; gone once synchronised', async () => {
    await page.reload();
    await page.getByTestId('hub-banner').filter({ hasText: SKEWED }).waitFor();
    await page.getByTestId('lang-vi').click();
    await page.getByTestId('hub-banner').filter({ hasText: 'Đồng hồ chưa đồng bộ với hub: lệch 755 giây (kiosk này chạy nhanh)' }).waitFor();
    await page.getByTestId('lang-en').click();
    link.set({ clock: HUB_CLOCK.unconfirmed, state: 'idle', failures: 0, lastError: null });
    await page.getByTestId('hub-banner').filter({ hasText: 'Clock not synchronised with the hub: not yet confirmed since boot' }).waitFor();
    link.set({ clock: HUB_CLOCK.synchronised });
    await page.getByTestId('hub-banner').waitFor({ state: 'detached' });
    await page.reload();
    await page.getByTestId('tab-log').waitFor();
    assert.equal(await page.getByTestId('hub-banner').count(), 0);
  });
});
