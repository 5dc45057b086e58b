/**
 * Issue 12, the desk side, in Chromium against the real server (fake kiosk port): an admin sets a
 * personal PIN on the People page and the person checks in with code + PIN at the kiosk; "Not me"
 * voids the punch on the greeting and offers the fallback; the admin opens a punch's evidence photo
 * and adds it to the person's samples; "Not me" belongs to its own face's greeting and goes with it.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { encodeCropJpeg } from '../../src/model/align/crop-jpeg.ts';
import type { PreviewFace } from '../../src/server/ports.ts';
import { ADMIN, browserSkipReason, cameraFrame, FACE_BOX, launchBrowser, screenshot, setupOverHttp, startServer, streamPreview, todayInZone, type KioskServer } from './harness.ts';

const skip = browserSkipReason();
const TIMEOUT = 15_000;
const PERSONAL_PIN = '135790';

async function crop(seed: number): Promise<Buffer> {
  const pixels = Buffer.alloc(112 * 112 * 3);
  for (let i = 0; i < pixels.length; i++) pixels[i] = (Math.floor(i / 336) * 2 + seed * 40 + (i % 3) * 60) % 256;
  return encodeCropJpeg({ width: 112, height: 112, pixels });
}

async function openKiosk(browser: Browser, url: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  page.setDefaultTimeout(TIMEOUT);
  await page.goto(url);
  await page.getByTestId('fallback-button').filter({ hasText: 'Not recognised?' }).waitFor();
  return page;
}

/** Logs the admin in, in English; resolves once the log is shown. */
async function adminPage(browser: Browser, url: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.setDefaultTimeout(TIMEOUT);
  await page.goto(`${url}/admin`);
  await page.locator('#username').waitFor();
  await page.getByTestId('lang-en').click();
  // The switch re-renders the form: fill it only once it is the English one.
  await page.locator('[data-testid="lang-en"].active').waitFor();
  await page.locator('#username').fill(ADMIN.username);
  await page.locator('#password').fill(ADMIN.password);
  await page.getByTestId('login-submit').click();
  await page.getByTestId('log-total').waitFor();
  return page;
}

interface ImageGlobals {
  naturalWidth: number;
  complete: boolean;
}

/** The kiosk screen's test hook (the page's CSP forbids string evaluation, so callbacks cast globalThis). */
interface KioskGlobals {
  kioskDebug: { frames(): number };
}

describe('desk: fallback, "not me" and evidence photos in a browser', { skip: skip ?? false }, () => {
  let browser: Browser;
  let srv: KioskServer;
  let lan: number;

  before(async () => {
    browser = await launchBrowser();
    srv = await startServer({ language: 'en', greetingMs: 30_000, notMeMs: 20_000 });
    await setupOverHttp(srv.url, srv.setupCode());
    lan = srv.store.people.upsert({ name: 'Nguyễn Thị Lan', employeeCode: 'NV-007' }).person.id;
  });

  after(async () => {
    await browser?.close();
    await srv?.close();
  });

  test('the admin sets a personal PIN on the People page; at the kiosk "Not recognised?" + code + PIN checks in as fallback, with a photo', async () => {
    const admin = await adminPage(browser, srv.url);
    await admin.getByTestId('tab-people').click();
    await admin.getByTestId(`pin-state-${lan}`).filter({ hasText: 'none' }).waitFor();
    await admin.getByTestId(`pin-set-${lan}`).click();
    await admin.getByTestId('pin-new').fill(PERSONAL_PIN);
    await admin.getByTestId('pin-save').click();
    await admin.getByTestId(`pin-state-${lan}`).filter({ hasText: 'set' }).waitFor();
    await admin.close();

    srv.kiosk.face = await crop(1);
    const page = await openKiosk(browser, srv.url);
    await page.getByTestId('fallback-button').click();
    await page.getByTestId('fallback-code').fill('NV-007');
    await page.getByTestId('fallback-pin').fill('000000');
    await page.getByTestId('fallback-ok').click();
    await page.getByTestId('fallback-error').filter({ hasText: 'Wrong employee code or PIN' }).waitFor();
    await page.getByTestId('fallback-pin').fill(PERSONAL_PIN);
    await screenshot(page, 'kiosk-fallback');
    await page.getByTestId('fallback-ok').click();
    await page.locator('#banner-title').filter({ hasText: 'Nguyễn Thị Lan' }).waitFor();
    assert.match((await page.locator('#banner-detail').textContent()) ?? '', /with your code — an administrator will review it/u);
    const punches = srv.store.attendance.list({ from: 0, to: Date.now() + 1 }).items;
    assert.equal(punches.length, 1);
    assert.deepEqual([punches[0]!.personId, punches[0]!.source, punches[0]!.review, punches[0]!.hasPhoto], [lan, 'fallback', true, true]);
    await page.close();
  });

  test('"Not me" on a fresh greeting voids that punch (kept, audited) and opens the fallback', async () => {
    const page = await openKiosk(browser, srv.url);
    const r = srv.store.attendance.record({ personId: lan, ts: Date.now(), kioskId: 'kiosk-1', similarity: 0.62, evidence: {} }, 0);
    assert.ok(r.logged);
    srv.kiosk.decision({ result: 'person', personId: lan, name: 'Nguyễn Thị Lan', logged: true, punchId: r.punchId, decidedAt: Date.now() });
    await page.locator('#banner-title').filter({ hasText: 'Nguyễn Thị Lan' }).waitFor();
    await page.getByTestId('not-me').filter({ hasText: 'Not me' }).click();
    await page.locator('#banner-title').filter({ hasText: 'That check-in was cancelled' }).waitFor();
    await page.getByTestId('fallback-note').filter({ hasText: 'Check in with your code' }).waitFor();
    const punch = srv.store.attendance.get(r.punchId)!;
    assert.notEqual(punch.voidedAt, null, 'voided, not deleted');
    assert.match(punch.voidReason ?? '', /not me/u);
    assert.ok(srv.store.audit.list({ limit: 20 }).some((a) => a.action === 'punch.void' && a.target === `punch:${r.punchId}` && a.actor === 'kiosk:local'));
    await page.close();
  });

  test('the admin opens a punch\'s evidence photo with the vote, and adds it to the person\'s samples', async () => {
    const evidence = {
      reason: 'decided',
      tallies: [{ personId: lan, name: 'Nguyễn Thị Lan', count: 5, weight: 4, meanSimilarity: 0.712 }, { personId: 99, name: 'Phạm Văn Bình', count: 1, weight: 1, meanSimilarity: 0.405 }],
      unknownCount: 0, winnerShare: 0.8, winnerMeanMargin: 0.31, framesUsed: 6,
    };
    const r = srv.store.attendance.record({ personId: lan, ts: Date.now(), kioskId: 'kiosk-1', similarity: 0.712, evidence }, 0);
    assert.ok(r.logged);
    srv.store.people.evidence.put({ kind: 'punch', id: r.punchId }, await crop(2), Date.now());
    const page = await adminPage(browser, srv.url);
    await page.getByTestId('log-from').fill(todayInZone());
    await page.getByTestId('log-apply').click();
    await page.getByTestId(`review-${srv.store.attendance.list({ from: 0, to: Date.now() + 1, includeVoided: true }).items.find((p) => p.source === 'fallback')!.id}`).waitFor();
    await page.getByTestId(`photo-${r.punchId}`).click();
    const dialog = page.getByTestId('evidence-dialog');
    await dialog.waitFor();
    const photo = page.getByTestId('evidence-photo');
    await page.waitForFunction((el) => (el as unknown as ImageGlobals).complete && (el as unknown as ImageGlobals).naturalWidth > 0, await photo.elementHandle());
    assert.equal(await photo.evaluate((el) => (el as unknown as ImageGlobals).naturalWidth), 112, 'the stored aligned crop, decrypted');
    const facts = (await page.getByTestId('evidence-facts').textContent()) ?? '';
    assert.match(facts, /Nguyễn Thị Lan ×5 \(0\.712\)/u);
    assert.match(facts, /Runner-up\s*Phạm Văn Bình \(0\.405\)/u);
    await screenshot(page, 'admin-evidence');
    const before = srv.store.people.list().find((p) => p.id === lan)!.sampleCount;
    await page.getByTestId('evidence-add').click();
    await page.getByTestId('evidence-note').filter({ hasText: 'Added to Nguyễn Thị Lan\'s samples' }).waitFor();
    assert.equal(srv.store.people.list().find((p) => p.id === lan)!.sampleCount, before + 1);
    assert.ok(srv.store.audit.list({ limit: 20 }).some((a) => a.action === 'punch.photo.add-to-samples' && a.target === `punch:${r.punchId}`));
    await page.getByTestId('evidence-close').click();

    // An unknown face's sighting keeps its photo too.
    const sighting = srv.store.attendance.recordSighting('unknown', Date.now(), 'kiosk-1', {});
    srv.store.people.evidence.put({ kind: 'sighting', id: sighting }, await crop(3), Date.now());
    await page.getByTestId('tab-sightings').click();
    await page.getByTestId(`sighting-photo-${sighting}`).click();
    const big = page.getByTestId('sighting-dialog').locator('img');
    await page.waitForFunction((el) => (el as unknown as ImageGlobals).complete && (el as unknown as ImageGlobals).naturalWidth > 0, await big.elementHandle());
    assert.equal(await big.evaluate((el) => (el as unknown as ImageGlobals).naturalWidth), 112);
    await page.close();
  });

  test('"Not me" lives on its own face\'s greeting: it goes when another face steps up, and voids only that face\'s punch', async () => {
    let face: PreviewFace | null = { trackId: 11, box: FACE_BOX, state: 'collecting', label: null };
    const stop = streamPreview(srv.kiosk, await cameraFrame(), () => face);
    try {
      const page = await openKiosk(browser, srv.url);
      await page.waitForFunction(() => (globalThis as unknown as KioskGlobals).kioskDebug.frames() > 0);
      const first = srv.store.attendance.record({ personId: lan, ts: Date.now(), kioskId: 'kiosk-1', similarity: 0.6, evidence: {} }, 0);
      assert.ok(first.logged);
      face = { trackId: 11, box: FACE_BOX, state: 'decided', label: 'Nguyễn Thị Lan' };
      srv.kiosk.decision({ track: 11, result: 'person', personId: lan, name: 'Nguyễn Thị Lan', logged: true, punchId: first.punchId, decidedAt: Date.now() });
      await page.locator('#banner[data-track="11"]').waitFor();
      await page.getByTestId('not-me').filter({ hasText: 'Not me' }).waitFor();

      // Someone else steps up long before notMeMs (20 s) is over: the greeting goes, and its "Not me" with it.
      face = { trackId: 12, box: FACE_BOX, state: 'collecting', label: null, progress: { votes: 1, needed: 3 } };
      await page.locator('#banner').waitFor({ state: 'hidden' });
      assert.equal(await page.getByTestId('not-me').getAttribute('hidden'), '', '"Not me" hidden with its greeting');

      // The new face's own punch: its greeting offers "Not me" for that punch only.
      const second = srv.store.attendance.record({ personId: lan, ts: Date.now(), kioskId: 'kiosk-1', similarity: 0.55, evidence: {} }, 0);
      assert.ok(second.logged);
      face = { trackId: 12, box: FACE_BOX, state: 'decided', label: 'Nguyễn Thị Lan' };
      srv.kiosk.decision({ track: 12, result: 'person', personId: lan, name: 'Nguyễn Thị Lan', logged: true, punchId: second.punchId, decidedAt: Date.now() });
      await page.locator('#banner[data-track="12"]').waitFor();
      await page.getByTestId('not-me').filter({ hasText: 'Not me' }).click();
      await page.locator('#banner[data-track="12"] #banner-title').filter({ hasText: 'That check-in was cancelled' }).waitFor();
      await page.getByTestId('fallback-note').waitFor();
      assert.notEqual(srv.store.attendance.get(second.punchId)!.voidedAt, null, 'the punch of the face in view is voided');
      assert.equal(srv.store.attendance.get(first.punchId)!.voidedAt, null, 'the earlier face\'s punch is untouched');
      await page.close();
    } finally {
      stop();
    }
  });
});
