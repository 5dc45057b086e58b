/** What the kiosk's admin pages say about its hub link: the banner lines and the settings panel's rows (DOM-free). */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { clockWarning, hubLinkRows, hubWarnings, linkState, secondsOff } from '../../../kiosk-ui/src/admin/hub-link-text.ts';
import { translator } from '../../../kiosk-ui/src/i18n.ts';
import type { HubLinkDto } from '../../../src/server/protocol.ts';
import { HUB_CLOCK, hubLinkStatus } from '../../integration/server/fakes.ts';

const TZ = 'Asia/Ho_Chi_Minh';
const en = translator('en');
const vi = translator('vi');

describe('hub link text', () => {
  test('seconds off: whole seconds, whichever clock is ahead', () => {
    const table: [number, number][] = [[0, 0], [499, 0], [500, 1], [1_400, 1], [-125_000, 125], [754_600, 755]];
    for (const [ms, s] of table) assert.equal(secondsOff(ms), s, `${ms} ms`);
  });

  test('clock warning: none while synchronised; off by N s ahead or behind; unconfirmed since boot (English and Vietnamese)', () => {
    const table: [HubLinkDto['clock'], string | null, string | null][] = [
      [HUB_CLOCK.synchronised, null, null],
      [HUB_CLOCK.skewedAhead, 'Clock not synchronised with the hub: off by 755 s (this kiosk is ahead)', 'Đồng hồ chưa đồng bộ với hub: lệch 755 giây (kiosk này chạy nhanh)'],
      [HUB_CLOCK.skewedBehind, 'Clock not synchronised with the hub: off by 125 s (this kiosk is behind)', 'Đồng hồ chưa đồng bộ với hub: lệch 125 giây (kiosk này chạy chậm)'],
      [HUB_CLOCK.unconfirmed, 'Clock not synchronised with the hub: not yet confirmed since boot', 'Đồng hồ chưa đồng bộ với hub: chưa được xác nhận từ khi khởi động'],
    ];
    for (const [clock, inEnglish, inVietnamese] of table) {
      assert.equal(clockWarning(en, hubLinkStatus({ clock })), inEnglish);
      assert.equal(clockWarning(vi, hubLinkStatus({ clock })), inVietnamese);
    }
  });

  test('banner lines: nothing in single-kiosk mode or while all is well; the clock and a refusal when they apply', () => {
    assert.deepEqual(hubWarnings(en, null), []);
    assert.deepEqual(hubWarnings(en, hubLinkStatus()), []);
    // Unreachable is not a banner: a kiosk works offline, the panel says so.
    assert.deepEqual(hubWarnings(en, hubLinkStatus({ state: 'backing-off', failures: 4 })), []);
    assert.deepEqual(hubWarnings(en, hubLinkStatus({ clock: HUB_CLOCK.unconfirmed })), ['Clock not synchronised with the hub: not yet confirmed since boot']);
    const refused = hubWarnings(en, hubLinkStatus({ clock: HUB_CLOCK.skewedBehind, state: 'refused' }));
    assert.equal(refused.length, 2);
    assert.match(refused[1]!, /^The hub refuses this kiosk/u);
  });

  test('link state: not reached yet, connected, retrying with the count of failures, refused', () => {
    assert.equal(linkState(en, hubLinkStatus({ lastSuccessAt: null })), 'not reached yet');
    assert.equal(linkState(en, hubLinkStatus()), 'connected');
    assert.equal(linkState(en, hubLinkStatus({ state: 'backing-off', failures: 3 })), 'exchanges failing — retrying (3 in a row; see the last error)');
    assert.equal(linkState(vi, hubLinkStatus({ state: 'refused' })), 'bị hub từ chối (đã thu hồi?) — hãy kết nối lại kiosk này');
  });

  test('panel rows: address, kiosk, site, link, last sync in the kiosk zone, outbox, clock, and the last error only when there is one', () => {
    const rows = hubLinkRows(en, 'en', TZ, hubLinkStatus({ outboxDepth: 42 }));
    assert.deepEqual(rows.map((r) => [r.key, r.value, r.warn]), [
      ['hub', 'https://hub.example:8090', false],
      ['kiosk', 'door-2', false],
      ['site', 'depot', false],
      ['link', 'connected', false],
      ['lastSync', '01/03/2024, 08:00', false],
      ['outbox', '42 records', false],
      ['clock', 'synchronised (off by 1 s; up to 120 s allowed)', false],
    ]);
    const failing = hubLinkRows(en, 'en', TZ, hubLinkStatus({ site: '', lastSuccessAt: null, state: 'backing-off', failures: 1, lastError: 'connect ECONNREFUSED', clock: HUB_CLOCK.unconfirmed }));
    assert.deepEqual(failing.map((r) => [r.key, r.value, r.warn]), [
      ['hub', 'https://hub.example:8090', false],
      ['kiosk', 'door-2', false],
      ['link', 'exchanges failing — retrying (1 in a row; see the last error)', true],
      ['lastSync', 'none since the kiosk started', false],
      ['outbox', '0 records', false],
      ['clock', 'Clock not synchronised with the hub: not yet confirmed since boot', true],
      ['lastError', 'connect ECONNREFUSED', true],
    ]);
  });
});
