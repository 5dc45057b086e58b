/**
 * Issue 12, the desk side, against the real server (fake kiosk port, real store, real sockets):
 * the "Not recognised?" fallback (code + personal PIN), "Not me" on a greeting, and the admin's
 * view of a punch's evidence photo with "add this photo to the person's samples".
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { io as connectClient, type Socket } from 'socket.io-client';
import { encodeCropJpeg } from '../../../src/model/align/crop-jpeg.ts';
import { listen, type Listening } from '../../../src/server/listen.ts';
import type { KioskClientToServer, KioskConfigDto, KioskServerToClient, PunchPageDto } from '../../../src/server/protocol.ts';
import { harness, setupAdmin, type Harness } from './harness.ts';

type KioskClient = Socket<KioskServerToClient, KioskClientToServer>;
const ACK_MS = 5_000;
/** Not the device's own address: a screen that was never paired. */
const OTHER = '127.0.0.2';
const PERSONAL_PIN = '135790';
const DAY = '2024-03-01';

interface Live extends Harness {
  server: Listening;
  screen(opts?: { from?: string }): Promise<{ socket: KioskClient; hello: KioskConfigDto }>;
}

async function withServer(fn: (l: Live) => Promise<void>): Promise<void> {
  const h = harness({ config: { fallbackBackoff: { freeFailures: 2, baseMs: 60_000, maxMs: 600_000, maxKeys: 100 }, notMeMs: 8_000 } });
  const server = await listen(h.app, { host: '127.0.0.1', port: 0 });
  const clients: Socket[] = [];
  const live: Live = {
    ...h,
    server,
    screen: ({ from = '127.0.0.1' } = {}) => {
      const socket = connectClient(`${server.url}/kiosk`, { transports: ['websocket'], forceNew: true, reconnection: false, localAddress: from } as Parameters<typeof connectClient>[1]) as KioskClient;
      clients.push(socket);
      return new Promise((resolve, reject) => {
        socket.once('hello', (hello) => resolve({ socket, hello }));
        socket.once('connect_error', reject);
      });
    },
  };
  try {
    await fn(live);
  } finally {
    for (const c of clients) c.disconnect();
    await h.done();
  }
}

async function face(seed: number): Promise<Buffer> {
  const pixels = Buffer.alloc(112 * 112 * 3);
  for (let i = 0; i < pixels.length; i++) pixels[i] = (i * (seed + 7) + seed) % 249;
  return encodeCropJpeg({ width: 112, height: 112, pixels });
}

async function setPin(l: Live, cookie: string, personId: number, pin: string): Promise<number> {
  const res = await l.app.inject({ method: 'PUT', url: `/api/admin/people/${personId}/pin`, headers: { cookie }, payload: { pin } });
  return res.statusCode;
}

const fallback = (s: KioskClient, employeeCode: string, pin: string) => s.timeout(ACK_MS).emitWithAck('fallback:punch', { employeeCode, pin });

describe('kiosk fallback: employee code + personal PIN', () => {
  test('a paired screen punches with code + PIN: stored as fallback, flagged for review, with the face in view as its photo; audited', () =>
    withServer(async (l) => {
      const cookie = await setupAdmin(l.app);
      const lan = l.store.people.upsert({ name: 'Nguyễn Thị Lan', employeeCode: 'NV-007' }).person.id;
      const nocode = l.store.people.upsert({ name: 'Bình' }).person.id;
      assert.equal(await setPin(l, cookie, lan, PERSONAL_PIN), 200);
      assert.equal(await setPin(l, cookie, nocode, PERSONAL_PIN), 409, 'no employee code: the fallback could not find them');
      assert.equal(await setPin(l, cookie, lan, '12'), 400);
      const stored = l.store.db.prepare<[number], { pin_hash: string }>('SELECT pin_hash FROM people WHERE id = ?').get(lan)!.pin_hash;
      assert.match(stored, /^scrypt\$/u);
      assert.ok(!stored.includes(PERSONAL_PIN));
      assert.ok(l.store.audit.list({ limit: 50 }).some((a) => a.action === 'person.pin.set' && !JSON.stringify(a.details).includes(PERSONAL_PIN)));
      const people = (await l.app.inject({ method: 'GET', url: '/api/admin/people', headers: { cookie } })).json<{ items: { id: number; hasPin: boolean }[] }>();
      assert.equal(people.items.find((p) => p.id === lan)?.hasPin, true);

      const photo = await face(1);
      l.kiosk.face = photo;
      const own = await l.screen();
      const r = await fallback(own.socket, ' NV-007 ', PERSONAL_PIN);
      assert.ok(r.ok, JSON.stringify(r));
      assert.equal(r.name, 'Nguyễn Thị Lan');
      const punch = l.store.attendance.get(r.punchId)!;
      assert.deepEqual([punch.personId, punch.source, punch.review, punch.hasPhoto, punch.ts], [lan, 'fallback', true, true, l.clock.now()]);
      assert.deepEqual(l.store.people.evidence.get({ kind: 'punch', id: r.punchId }), photo);
      assert.ok(l.store.audit.list({ limit: 50 }).some((a) => a.action === 'punch.fallback' && a.actor === 'kiosk:local' && a.target === `punch:${r.punchId}`));

      const page = (await l.app.inject({ method: 'GET', url: `/api/admin/punches?from=${DAY}&to=${DAY}`, headers: { cookie } })).json<PunchPageDto>();
      assert.deepEqual(page.items.map((p) => [p.id, p.source, p.review, p.hasPhoto, p.vote]), [[r.punchId, 'fallback', true, true, null]]);
    }));

  test('wrong PINs and unknown codes are refused alike, back off per employee code, and an unpaired screen may not use it', () =>
    withServer(async (l) => {
      const cookie = await setupAdmin(l.app);
      const lan = l.store.people.upsert({ name: 'Lan', employeeCode: 'NV-1' }).person.id;
      const binh = l.store.people.upsert({ name: 'Bình', employeeCode: 'NV-2' }).person.id;
      assert.equal(await setPin(l, cookie, lan, PERSONAL_PIN), 200);
      assert.equal(await setPin(l, cookie, binh, '246801'), 200);
      const own = await l.screen();
      const unknownCode = await fallback(own.socket, 'NV-404', PERSONAL_PIN);
      assert.equal(unknownCode.ok ? null : unknownCode.reason, 'wrong-pin');
      for (let i = 0; i < 2; i++) {
        const wrong = await fallback(own.socket, 'NV-1', '000000');
        assert.equal(wrong.ok ? null : wrong.reason, 'wrong-pin');
      }
      const limited = await fallback(own.socket, 'nv-1', PERSONAL_PIN);
      assert.equal(limited.ok ? null : limited.reason, 'rate-limited', 'even the right PIN waits once the code is backed off');
      assert.ok(!limited.ok && (limited.retryAfterMs ?? 0) > 0);
      const other = await fallback(own.socket, 'NV-2', '246801');
      assert.ok(other.ok, 'another employee code is not slowed down');
      l.clock.advance(60_001);
      assert.ok((await fallback(own.socket, 'NV-1', PERSONAL_PIN)).ok, 'after the wait the right PIN gets in');

      const stranger = await l.screen({ from: OTHER });
      assert.equal(stranger.hello.paired, false);
      const refused = await fallback(stranger.socket, 'NV-2', '246801');
      assert.equal(refused.ok ? null : refused.reason, 'unpaired');
      assert.equal(l.store.attendance.list({ from: 0, to: l.clock.now() + 1 }).total, 2);
    }));
});

describe('"Not me" on the greeting', () => {
  test('voids the punch just announced within notMeMs (kept, audited), and refuses later, unknown or unpaired touches', () =>
    withServer(async (l) => {
      await setupAdmin(l.app);
      const lan = l.store.people.upsert({ name: 'Lan', employeeCode: 'NV-1' }).person.id;
      const own = await l.screen();
      const rec = (ts: number): number => {
        const r = l.store.attendance.record({ personId: lan, ts, kioskId: 'k', similarity: 0.7, evidence: {} }, 0);
        assert.ok(r.logged);
        return r.punchId;
      };
      assert.equal(own.hello.notMeMs, 8_000);
      const first = rec(l.clock.now());
      const announced = new Promise<number | undefined>((resolve) => own.socket.once('decision', (d) => resolve(d.punchId)));
      l.kiosk.decision({ result: 'person', personId: lan, name: 'Lan', logged: true, punchId: first, decidedAt: l.clock.now() });
      assert.equal(await announced, first, 'the greeting knows which punch it may void');

      const stranger = await l.screen({ from: OTHER });
      const r0 = await stranger.socket.timeout(ACK_MS).emitWithAck('punch:not-me', { punchId: first });
      assert.equal(r0.ok ? null : r0.reason, 'unpaired');
      const never = await own.socket.timeout(ACK_MS).emitWithAck('punch:not-me', { punchId: first + 100 });
      assert.equal(never.ok ? null : never.reason, 'not-found', 'only a punch just announced');

      l.clock.advance(3_000);
      const r = await own.socket.timeout(ACK_MS).emitWithAck('punch:not-me', { punchId: first });
      assert.ok(r.ok, JSON.stringify(r));
      const voided = l.store.attendance.get(first)!;
      assert.equal(voided.voidedAt, l.clock.now(), 'kept, voided');
      assert.match(voided.voidReason ?? '', /not me/u);
      assert.ok(l.store.audit.list({ limit: 20 }).some((a) => a.action === 'punch.void' && a.actor === 'kiosk:local' && a.target === `punch:${first}`));
      const again = await own.socket.timeout(ACK_MS).emitWithAck('punch:not-me', { punchId: first });
      assert.equal(again.ok ? null : again.reason, 'not-found');

      const second = rec(l.clock.now() + 1);
      l.kiosk.decision({ result: 'person', personId: lan, name: 'Lan', logged: true, punchId: second, decidedAt: l.clock.now() });
      await new Promise((resolve) => setTimeout(resolve, 50));
      l.clock.advance(8_001);
      const late = await own.socket.timeout(ACK_MS).emitWithAck('punch:not-me', { punchId: second });
      assert.equal(late.ok ? null : late.reason, 'not-found', 'too late: an admin voids it');
      assert.equal(l.store.attendance.get(second)!.voidedAt, null);
    }));
});

describe('admin: evidence photos', () => {
  test('a punch lists its vote evidence; its photo is served to an admin only; "add to samples" embeds it for the person, audited', () =>
    withServer(async (l) => {
      const cookie = await setupAdmin(l.app);
      const lan = l.store.people.upsert({ name: 'Lan', employeeCode: 'NV-1' }).person.id;
      const evidence = {
        reason: 'decided', tallies: [{ personId: lan, name: 'Lan', count: 5, weight: 4.2, meanSimilarity: 0.71 }, { personId: 99, name: 'Bình', count: 1, weight: 0.8, meanSimilarity: 0.41 }],
        unknownCount: 1, winnerShare: 0.7, winnerMeanMargin: 0.3, framesUsed: 7, descriptor: [0.5, 0.25],
      };
      const r = l.store.attendance.record({ personId: lan, ts: l.clock.now(), kioskId: 'k', similarity: 0.71, evidence }, 0);
      assert.ok(r.logged);
      const photo = await face(3);
      l.store.people.evidence.put({ kind: 'punch', id: r.punchId }, photo, l.clock.now());
      const sighting = l.store.attendance.recordSighting('unknown', l.clock.now(), 'k', {});
      l.store.people.evidence.put({ kind: 'sighting', id: sighting }, await face(4), l.clock.now());

      const page = await l.app.inject({ method: 'GET', url: `/api/admin/punches?from=${DAY}&to=${DAY}`, headers: { cookie } });
      const item = page.json<PunchPageDto>().items[0]!;
      assert.deepEqual(item.vote, {
        tallies: [{ name: 'Lan', count: 5, meanSimilarity: 0.71 }, { name: 'Bình', count: 1, meanSimilarity: 0.41 }],
        unknownCount: 1, winnerShare: 0.7, winnerMeanMargin: 0.3, framesUsed: 7, reason: 'decided',
      });
      assert.ok(!page.body.includes('0.25'), 'nothing but the picked fields leaves the server');

      assert.equal((await l.app.inject({ method: 'GET', url: `/api/admin/punches/${r.punchId}/photo` })).statusCode, 401);
      const img = await l.app.inject({ method: 'GET', url: `/api/admin/punches/${r.punchId}/photo`, headers: { cookie } });
      assert.equal(img.statusCode, 200);
      assert.equal(img.headers['content-type'], 'image/jpeg');
      assert.match(String(img.headers['cache-control']), /no-store/u);
      assert.deepEqual(img.rawPayload, photo);
      assert.equal((await l.app.inject({ method: 'GET', url: `/api/admin/sightings/${sighting}/photo`, headers: { cookie } })).statusCode, 200);
      assert.equal((await l.app.inject({ method: 'GET', url: `/api/admin/punches/${r.punchId + 5}/photo`, headers: { cookie } })).statusCode, 404);

      const before = l.store.people.list().find((p) => p.id === lan)!.sampleCount;
      assert.equal((await l.app.inject({ method: 'POST', url: `/api/admin/punches/${r.punchId}/add-to-samples` })).statusCode, 401);
      const add = await l.app.inject({ method: 'POST', url: `/api/admin/punches/${r.punchId}/add-to-samples`, headers: { cookie } });
      assert.equal(add.statusCode, 200, add.body);
      assert.deepEqual(add.json(), { ok: true, added: 1 });
      assert.equal(l.store.people.list().find((p) => p.id === lan)!.sampleCount, before + 1);
      assert.deepEqual(l.store.people.crops.get(lan, `punch:${r.punchId}`), photo, 'the sample keeps the crop for a later re-embed');
      const audit = l.store.audit.list({ limit: 20 }).find((a) => a.action === 'punch.photo.add-to-samples');
      assert.ok(audit !== undefined && audit.actor.includes('quản trị') && audit.target === `punch:${r.punchId}`, JSON.stringify(audit));

      const voided = l.store.attendance.record({ personId: lan, ts: l.clock.now() + 1, kioskId: 'k', similarity: 0.6, evidence: {} }, 0);
      assert.ok(voided.logged);
      l.store.people.evidence.put({ kind: 'punch', id: voided.punchId }, await face(5), l.clock.now());
      l.store.attendance.void(voided.punchId, 'not me', 'kiosk:local');
      assert.equal((await l.app.inject({ method: 'POST', url: `/api/admin/punches/${voided.punchId}/add-to-samples`, headers: { cookie } })).statusCode, 409);
    }));
});
