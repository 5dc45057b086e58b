import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import type { PreviewFace } from '../../src/server/ports.ts';
import {
  browserSkipReason,
  cameraFrame,
  FACE_BOX,
  launchBrowser,
  PIN,
  screenshot,
  setupOverHttp,
  startServer,
  streamPreview,
  type KioskServer,
} from './harness.ts';

const skip = browserSkipReason();

/**
 * The page's globals, typed just enough for the checks below: the test project has no DOM types,
 * and the pages' CSP forbids string evaluation, so page-side callbacks cast globalThis to this.
 */
interface PageGlobals {
  kioskDebug: { frames(): number; shown(): { faces: Array<{ trackId: number; text: string | null }>; banner: { track: number | null; title: string | null } | null } };
  innerWidth: number;
  innerHeight: number;
  getComputedStyle(el: unknown): { fontSize: string };
  document: { documentElement: { scrollWidth: number; scrollHeight: number }; querySelectorAll(sel: string): { length: number } };
}
const TIMEOUT = 15_000;
const AT_0802 = Date.parse('2024-03-01T01:02:00Z'); // 08:02 in Hanoi

async function openKiosk(browser: Browser, url: string, viewport: { width: number; height: number }): Promise<Page> {
  const page = await browser.newPage({ viewport });
  page.setDefaultTimeout(TIMEOUT);
  // The screen's clock shows the time of the decisions below, so screenshots agree with their punch times.
  await page.clock.setFixedTime(AT_0802);
  await page.goto(url);
  // The hello message fills in the texts.
  await page.locator('#menu-button').filter({ hasText: 'Menu' }).waitFor();
  return page;
}

async function waitForFrames(page: Page): Promise<void> {
  await page.waitForFunction(() => (globalThis as unknown as PageGlobals).kioskDebug.frames() > 0);
}

describe('kiosk screen in a browser', { skip: skip ?? false }, () => {
  let browser: Browser;
  let srv: KioskServer;
  let jpeg: Buffer;
  let face: PreviewFace | null = null;
  let stopPreview: () => void = () => undefined;
  let ids: { tam: number; binh: number };

  before(async () => {
    browser = await launchBrowser();
    srv = await startServer({ language: 'vi', greetingMs: 30_000, menuUnlockMs: 600_000 });
    await setupOverHttp(srv.url, srv.setupCode());
    ids = {
      tam: srv.store.people.upsert({ name: 'Nguyễn Thị Thảo Tâm', employeeCode: 'NV-001' }).person.id,
      binh: srv.store.people.upsert({ name: 'Phạm Văn Bình', employeeCode: 'NV-002' }).person.id,
    };
    jpeg = await cameraFrame();
    face = { trackId: 1, box: FACE_BOX, state: 'collecting', label: null };
    stopPreview = streamPreview(srv.kiosk, jpeg, () => face);
  });

  after(async () => {
    stopPreview();
    await browser?.close();
    await srv?.close();
  });

  test('1920×1080, Vietnamese: greeting with name and time, already checked in, not recognised, spoof, camera state', async () => {
    const page = await openKiosk(browser, srv.url, { width: 1920, height: 1080 });
    await waitForFrames(page);
    await page.getByText('Nhìn vào camera để chấm công').waitFor();

    face = { trackId: 1, box: FACE_BOX, state: 'decided', label: 'Nguyễn Thị Thảo Tâm' };
    srv.kiosk.decision({ result: 'person', personId: ids.tam, name: 'Nguyễn Thị Thảo Tâm', logged: true, decidedAt: AT_0802 });
    const title = page.locator('#banner-title');
    const detail = page.locator('#banner-detail');
    await title.filter({ hasText: 'Chào buổi sáng, Nguyễn Thị Thảo Tâm' }).waitFor();
    assert.equal(await detail.textContent(), 'đã chấm công lúc 08:02');
    assert.match((await page.locator('#banner').getAttribute('class')) ?? '', /\bok\b/u);
    // Readable from 2 m: the name is set large on a 1080p screen.
    const size = await title.evaluate((el) => parseFloat((globalThis as unknown as PageGlobals).getComputedStyle(el).fontSize));
    assert.ok(size >= 72, `title font ${size}px`);
    await page.waitForTimeout(300); // let a frame with the decided box land before the picture
    await screenshot(page, 'kiosk-checkin');

    // A greeting belongs to its face: the next person's decision comes with their track in view.
    face = { trackId: 2, box: FACE_BOX, state: 'decided', label: 'Phạm Văn Bình' };
    srv.kiosk.decision({ track: 2, result: 'person', personId: ids.binh, name: 'Phạm Văn Bình', logged: false, previousPunchTs: Date.parse('2024-03-01T00:55:00Z'), decidedAt: AT_0802 });
    await title.filter({ hasText: 'Phạm Văn Bình' }).waitFor();
    assert.equal(await detail.textContent(), 'bạn đã chấm công lúc 07:55');

    // Bình walks off and someone new steps up: his greeting goes at once; the new face shows its progress.
    face = { trackId: 7, box: FACE_BOX, state: 'collecting', label: null, progress: { votes: 1, needed: 3 } };
    await page.locator('#banner').waitFor({ state: 'hidden' });
    await page.waitForFunction(() => (globalThis as unknown as PageGlobals).kioskDebug.shown().faces.some((f) => f.trackId === 7 && f.text === 'đang kiểm tra… 1/3'));
    face = { trackId: 7, box: FACE_BOX, state: 'hold-still', label: null, progress: { votes: 1, needed: 3 } };
    await page.waitForFunction(() => (globalThis as unknown as PageGlobals).kioskDebug.shown().faces.some((f) => f.text === 'vui lòng đứng yên'));

    face = { trackId: 3, box: FACE_BOX, state: 'decided', label: 'unknown' };
    srv.kiosk.decision({ track: 3, result: 'unknown', decidedAt: AT_0802 });
    await title.filter({ hasText: 'Không nhận ra' }).waitFor();
    assert.equal(await detail.textContent(), 'vui lòng gặp quản trị viên');

    face = { trackId: 4, box: FACE_BOX, state: 'decided', label: 'spoof' };
    srv.kiosk.decision({ track: 4, result: 'spoof', decidedAt: AT_0802 });
    await title.filter({ hasText: 'Từ chối' }).waitFor();
    assert.match((await page.locator('#banner').getAttribute('class')) ?? '', /\bbad\b/u);

    const status = page.locator('#status-line');
    srv.kiosk.setCamera('reconnecting');
    await status.filter({ hasText: 'Mất camera — đang kết nối lại…' }).waitFor();
    srv.kiosk.setCamera('running');
    await status.waitFor({ state: 'hidden' });
    await page.close();
  });

  test('800×480, English: not recognised fits the small screen; missing camera and not recording are stated', async () => {
    const en = await startServer({ language: 'en', greetingMs: 30_000 });
    const stop = streamPreview(en.kiosk, jpeg, () => ({ trackId: 9, box: FACE_BOX, state: 'decided', label: 'unknown' }));
    try {
      const page = await openKiosk(browser, en.url, { width: 800, height: 480 });
      await waitForFrames(page);
      en.kiosk.decision({ track: 9, result: 'unknown', decidedAt: AT_0802 });
      const banner = page.locator('#banner');
      await banner.getByText('Not recognised').waitFor();
      await banner.getByText('please see the administrator').waitFor();
      // Nothing spills off the screen.
      const box = await banner.boundingBox();
      assert.ok(box !== null && box.x >= 0 && box.y >= 0 && box.x + box.width <= 800 && box.y + box.height <= 480, JSON.stringify(box));
      const overflow = await page.evaluate(() => {
        const g = globalThis as unknown as PageGlobals;
        return g.document.documentElement.scrollWidth > g.innerWidth || g.document.documentElement.scrollHeight > g.innerHeight;
      });
      assert.equal(overflow, false);
      await page.waitForTimeout(300);
      await screenshot(page, 'kiosk-unknown-800x480');
      en.kiosk.setCamera('lost', 'no device');
      await page.locator('#status-line').getByText('No camera — please tell the administrator').waitFor();
      // The database refuses writes: that outranks the camera, and says who to call.
      en.kiosk.setRecording({ recording: false, since: Date.now(), pending: 1, error: 'attempt to write a readonly database' });
      await page.locator('#status-line').getByText('Not recording: call an admin').waitFor();
      assert.equal(await page.locator('#status-line').getAttribute('data-state'), 'not-recording');
      const late = await openKiosk(browser, en.url, { width: 800, height: 480 });
      await late.locator('#status-line').getByText('Not recording: call an admin').waitFor();
      await late.close();
      en.kiosk.setRecording({ recording: true, since: Date.now(), pending: 0, error: null });
      await page.locator('#status-line').getByText('No camera — please tell the administrator').waitFor();
      await page.close();
    } finally {
      stop();
      await en.close();
    }
  });

  test('enrollment from the menu: PIN, name, live gates, duplicate warning, save, then re-enroll and remove', async () => {
    const page = await openKiosk(browser, srv.url, { width: 1280, height: 720 });
    await waitForFrames(page);
    await page.locator('#menu-button').click();
    // A wrong PIN first, typed on the keypad: an old-style 4-digit one.
    for (const d of '1111') await page.getByTestId(`key-${d}`).click();
    await page.getByTestId('pin-ok').click();
    await page.getByText('Sai mã PIN').waitFor();
    for (const d of PIN) await page.getByTestId(`key-${d}`).click();
    await page.getByTestId('pin-ok').click();
    await page.getByTestId('menu-enroll').click();
    await page.getByTestId('enroll-name').fill('Lê Thị Hoa');
    await page.getByTestId('enroll-code').fill('NV-100');
    const began = srv.kiosk.nextBegin();
    await page.getByTestId('enroll-start').click();
    const session = await began;
    assert.deepEqual([session.name, session.employeeCode], ['Lê Thị Hoa', 'NV-100']);

    const progress = (captured: number, hint: 'turn-left' | 'look-straight' | 'done', frontal: boolean): void => {
      srv.kiosk.events.emit('enrollment:progress', {
        sessionId: session.sessionId,
        gates: { oneFace: true, bigEnough: true, frontal, sharp: true, live: true },
        hint,
        captured,
        needed: 5,
      });
    };
    progress(2, 'turn-left', false);
    await page.getByTestId('enroll-hint').filter({ hasText: 'Quay đầu sang trái một chút' }).waitFor();
    assert.equal(await page.locator('[data-gate="frontal"]').getAttribute('data-pass'), 'false');
    assert.equal(await page.locator('[data-gate="oneFace"]').getAttribute('data-pass'), 'true');
    assert.equal(await page.getByTestId('enroll-count').textContent(), '2 / 5 ảnh');
    face = { trackId: 5, box: FACE_BOX, state: 'collecting', label: null };
    await page.waitForTimeout(300);
    await screenshot(page, 'kiosk-enrollment');

    progress(5, 'done', true);
    await page.getByTestId('enroll-count').filter({ hasText: '5 / 5 ảnh' }).waitFor();
    assert.equal(await page.locator('[data-gate="frontal"]').getAttribute('data-pass'), 'true');
    srv.kiosk.events.emit('enrollment:captured', { sessionId: session.sessionId, captured: 5, duplicateOf: { personId: ids.tam, name: 'Nguyễn Thị Thảo Tâm', similarity: 0.91 } });
    const warning = page.getByTestId('enroll-duplicate');
    await warning.waitFor();
    assert.match((await warning.textContent()) ?? '', /Nguyễn Thị Thảo Tâm \(91%\).*Lê Thị Hoa/u);
    await screenshot(page, 'kiosk-enrollment-duplicate');
    await page.getByTestId('duplicate-confirm').click();
    await page.getByTestId('enroll-saved').filter({ hasText: 'Đã đăng ký Lê Thị Hoa (5 ảnh)' }).waitFor();
    const hoa = srv.store.people.list({ search: 'le thi hoa' });
    assert.deepEqual(hoa.map((p) => [p.name, p.employeeCode, p.sampleCount]), [['Lê Thị Hoa', 'NV-100', 5]]);

    // The next pass greets her (the real pipeline is wired in by the lead; here the fake decides).
    face = { trackId: 6, box: FACE_BOX, state: 'decided', label: 'Lê Thị Hoa' };
    srv.kiosk.decision({ track: 6, result: 'person', personId: hoa[0]!.id, name: 'Lê Thị Hoa', logged: true, decidedAt: AT_0802 });
    await page.waitForFunction(() => (globalThis as unknown as PageGlobals).kioskDebug.shown().faces.some((f) => f.trackId === 6));
    await page.locator('#banner-title').filter({ hasText: 'Lê Thị Hoa' }).waitFor();

    // Re-enroll and remove from the same menu.
    await page.getByTestId('enroll-done').click();
    await page.getByTestId('menu-manage').click();
    await page.getByTestId('people-search').fill('hoa');
    // Accent-free search: "hoa" finds Lê Thị Hoa and nobody else.
    await page.waitForFunction(() => (globalThis as unknown as PageGlobals).document.querySelectorAll('[data-testid="people-list"] li').length === 1);
    const row = page.locator(`[data-person-id="${hoa[0]!.id}"]`);
    await row.waitFor();
    await row.getByText('Đăng ký lại').click();
    assert.equal(await page.getByTestId('enroll-name').inputValue(), 'Lê Thị Hoa');
    const again = srv.kiosk.nextBegin();
    await page.getByTestId('enroll-start').click();
    const reenroll = await again;
    assert.equal(reenroll.personId, hoa[0]!.id);
    await page.getByTestId('enroll-cancel').click();
    await page.getByTestId('menu-manage').click();
    await page.getByTestId('people-search').fill('hoa');
    await page.locator(`[data-person-id="${hoa[0]!.id}"]`).getByText('Xoá').click();
    await page.getByTestId('remove-confirm').click();
    await page.getByText('Đã xoá Lê Thị Hoa').waitFor();
    assert.equal(srv.store.people.get(hoa[0]!.id), null, 'no punches, so the person is deleted with their face data');
    assert.deepEqual(srv.kiosk.calls.filter((c) => c.method === 'cancel').map((c) => c.args[0]), [reenroll.sessionId]);
    await page.getByTestId('menu-close').click();
    await page.locator('#menu').waitFor({ state: 'hidden' });
    await page.close();
  });
});
