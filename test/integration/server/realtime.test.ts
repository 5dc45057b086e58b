import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { io as connectClient, type Socket } from 'socket.io-client';
import { listen, type Listening } from '../../../src/server/listen.ts';
import type {
  AdminClientToServer,
  AdminServerToClient,
  DecisionDto,
  KioskClientToServer,
  KioskConfigDto,
  CameraStatusDto,
  KioskServerToClient,
  PersonSummaryDto,
  PreviewDto,
  Reply,
} from '../../../src/server/protocol.ts';
import { cookieOf, harness, PIN, setupAdmin, type Harness } from './harness.ts';

type KioskClient = Socket<KioskServerToClient, KioskClientToServer>;
type AdminClient = Socket<AdminServerToClient, AdminClientToServer>;
/** The raw view of a client socket, for sending what a typed client could not. */
interface RawClient {
  emit(event: string, ...args: unknown[]): void;
  timeout(ms: number): { emitWithAck(event: string, ...args: unknown[]): Promise<unknown> };
}

const ACK_MS = 5_000;

interface Live extends Harness {
  server: Listening;
  clients: Socket[];
  kioskClient(): Promise<KioskClient>;
  adminClient(cookie: string | null, headers?: Record<string, string>): Promise<AdminClient>;
}

function connectOnce<T extends Socket>(socket: T): Promise<T> {
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (err) => reject(err));
  });
}

async function withServer(fn: (l: Live) => Promise<void>, opts: Parameters<typeof harness>[0] = {}): Promise<void> {
  const h = harness(opts);
  const server = await listen(h.app, { host: '127.0.0.1', port: 0 });
  const clients: Socket[] = [];
  const open = (ns: string, headers: Record<string, string> = {}): Socket => {
    const s = connectClient(`${server.url}${ns}`, { transports: ['websocket'], forceNew: true, reconnection: false, extraHeaders: headers });
    clients.push(s);
    return s;
  };
  const live: Live = {
    ...h,
    server,
    clients,
    kioskClient: () => connectOnce(open('/kiosk') as KioskClient),
    adminClient: (cookie, headers = {}) => connectOnce(open('/admin', cookie === null ? headers : { ...headers, cookie }) as AdminClient),
  };
  try {
    await fn(live);
  } finally {
    for (const c of clients) c.disconnect();
    await h.done();
  }
}

function next<T>(socket: Socket, event: string): Promise<T> {
  return new Promise((resolve) => socket.once(event, (arg: T) => resolve(arg)));
}

async function eventually(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.fail(`never happened: ${what}`);
}

async function unlock(k: KioskClient, pin = PIN): Promise<Reply<{ expiresInMs: number }>> {
  return k.timeout(ACK_MS).emitWithAck('menu:unlock', { pin });
}

describe('/kiosk: what the screen receives', () => {
  test('hello carries the kiosk config and camera state, never the camera source', () =>
    withServer(
      async (l) => {
        const socket = connectClient(`${l.server.url}/kiosk`, { transports: ['websocket'], forceNew: true, reconnection: false });
        l.clients.push(socket);
        const [config, camera] = await new Promise<[KioskConfigDto, CameraStatusDto]>((resolve) => socket.once('hello', (c, cam) => resolve([c, cam])));
        const code = l.app.setupCode.current();
        assert.ok(code !== null);
        assert.deepEqual(config, {
          language: 'en',
          timeZone: 'Asia/Ho_Chi_Minh',
          sound: false,
          greetingMs: 3000,
          menuAvailable: false,
          paired: true,
          displayName: null,
          setupCode: code.match(/.{4}/gu)!.join('-'),
          notMeMs: 8000,
        });
        assert.equal(camera.state, 'running');
        assert.ok(!JSON.stringify(camera).includes('secret'));
      },
      { config: { language: 'en', sound: false, greetingMs: 3000 } },
    ));

  test('decisions and camera changes are pushed to screens and admin pages as they happen', () =>
    withServer(async (l) => {
      const cookie = await setupAdmin(l.app);
      const k = await l.kioskClient();
      const a = await l.adminClient(cookie);
      const kd = next<DecisionDto>(k, 'decision');
      const ad = next<DecisionDto>(a, 'decision');
      const changed = next<void>(a, 'log:changed');
      l.kiosk.decision({ result: 'person', personId: 7, name: 'Nguyễn Thị Thảo Tâm', logged: true, decidedAt: 1_709_254_920_000 });
      const d = await kd;
      assert.deepEqual(d, { track: 1, result: 'person', personId: 7, name: 'Nguyễn Thị Thảo Tâm', decidedAt: 1_709_254_920_000, logged: true, previousPunchTs: null });
      assert.deepEqual(await ad, d);
      await changed;
      const cam = next<CameraStatusDto>(k, 'camera');
      l.kiosk.setCamera('reconnecting', 'device lost');
      const c = await cam;
      assert.equal(c.state, 'reconnecting');
      assert.equal(c.reason, 'device lost');
      assert.ok(!('source' in c));
    }));

  test('preview frames are capped per second and oversized ones dropped, both counted', () =>
    withServer(
      async (l) => {
        const k = await l.kioskClient();
        const got: PreviewDto[] = [];
        k.on('preview', (f) => got.push(f));
        const frame = (ts: number, bytes = 100): void =>
          l.kiosk.preview({ ts, width: 640, height: 480, jpeg: Buffer.alloc(bytes, 0xff), faces: [{ trackId: 1, box: { x: 1, y: 2, width: 3, height: 4 }, state: 'collecting', label: null }] });
        for (let i = 0; i < 20; i++) frame(i); // same clock instant: one passes
        await eventually(() => got.length === 1, 'first frame arrives');
        l.clock.advance(100); // 10 fps → next slot
        frame(100, 2048); // too big for previewMaxBytes
        frame(101);
        await eventually(() => got.length === 2, 'second frame arrives');
        assert.deepEqual(got.map((f) => f.ts), [0, 101]);
        assert.equal(got[0]!.faces[0]!.box.width, 3);
        assert.ok(got[0]!.jpeg instanceof Uint8Array || got[0]!.jpeg instanceof ArrayBuffer);
        const s = l.app.realtime.stats();
        assert.equal(s.previewSent, 2);
        assert.equal(s.previewDropped, 20);
      },
      { config: { previewMaxFps: 10, previewMaxBytes: 1024 } },
    ));
});

describe('/kiosk: the PIN-protected menu', () => {
  test('menu events are refused until the PIN is entered, and again after the unlock expires', () =>
    withServer(
      async (l) => {
        await setupAdmin(l.app);
        const k = await l.kioskClient();
        const events: [keyof KioskClientToServer, unknown][] = [
          ['people:list', {}],
          ['enroll:begin', { name: 'Lan', employeeCode: null }],
          ['enroll:confirm', { sessionId: 'x' }],
          ['enroll:cancel', { sessionId: 'x' }],
          ['people:remove', { personId: 1 }],
        ];
        for (const [event, payload] of events) {
          const r = (await (k as unknown as RawClient).timeout(ACK_MS).emitWithAck(event, payload)) as Reply;
          assert.deepEqual([event, r.ok, r.ok ? null : r.reason], [event, false, 'locked']);
        }
        assert.equal(l.kiosk.calls.length, 0, 'nothing reached the pipeline');
        assert.equal(l.app.realtime.stats().unauthorized, events.length);
        assert.deepEqual(await unlock(k), { ok: true, expiresInMs: 60_000 });
        const list = await k.timeout(ACK_MS).emitWithAck('people:list', {});
        assert.equal(list.ok, true);
        l.clock.advance(60_001);
        const late = await k.timeout(ACK_MS).emitWithAck('people:list', {});
        assert.deepEqual(late.ok ? null : late.reason, 'locked');
      },
      { config: { menuUnlockMs: 60_000 } },
    ));

  test('wrong PINs are refused and make this screen back off; no PIN yet says so', () =>
    withServer(
      async (l) => {
        const k = await l.kioskClient();
        const none = await unlock(k, '123456');
        assert.equal(none.ok ? null : none.reason, 'no-pin');
        await setupAdmin(l.app);
        for (let i = 0; i < 3; i++) {
          const r = await unlock(k, '000000');
          assert.equal(r.ok ? null : r.reason, 'wrong-pin');
        }
        const limited = await unlock(k, PIN);
        assert.equal(limited.ok ? null : limited.reason, 'rate-limited', 'the right PIN waits too');
        assert.ok(!limited.ok && (limited.retryAfterMs ?? 0) > 0);
        // Another connection of the same (the device's own) screen waits as well.
        const k2 = await l.kioskClient();
        const r2 = await unlock(k2, PIN);
        assert.equal(r2.ok ? null : r2.reason, 'rate-limited');
        l.clock.advance(120_000);
        assert.equal((await unlock(k2, PIN)).ok, true);
      },
      { config: { pinBackoff: { freeFailures: 3, baseMs: 120_000, maxMs: 600_000 } } },
    ));

  test('enrollment: progress goes only to the screen that started it; duplicate → confirm saves the person', () =>
    withServer(async (l) => {
      await setupAdmin(l.app);
      const existing = l.store.people.upsert({ name: 'Phạm Văn Bình', employeeCode: 'NV-7' }).person;
      const a = await l.kioskClient();
      const b = await l.kioskClient();
      const seenByB: string[] = [];
      b.onAny((event: string) => seenByB.push(event));
      assert.equal((await unlock(a)).ok, true);
      const began = await a.timeout(ACK_MS).emitWithAck('enroll:begin', { name: '  Nguyễn   Thị Lan ', employeeCode: 'NV-8' });
      assert.ok(began.ok);
      assert.deepEqual(l.kiosk.calls[0], { method: 'begin', args: [{ name: 'Nguyễn Thị Lan', employeeCode: 'NV-8' }] });
      const gates = { oneFace: true, bigEnough: true, frontal: false, sharp: true, live: true };
      const progress = next<unknown>(a, 'enrollment:progress');
      l.kiosk.events.emit('enrollment:progress', { sessionId: began.sessionId, gates, hint: 'look-straight', captured: 2, needed: 5 });
      l.kiosk.events.emit('enrollment:progress', { sessionId: 'someone-else', gates, hint: 'done', captured: 5, needed: 5 });
      assert.deepEqual(await progress, { sessionId: began.sessionId, gates, hint: 'look-straight', captured: 2, needed: 5 });
      const captured = next<{ duplicateOf: unknown }>(a, 'enrollment:captured');
      l.kiosk.events.emit('enrollment:captured', { sessionId: began.sessionId, captured: 5, duplicateOf: { personId: existing.id, name: existing.name, similarity: 0.93 } });
      assert.deepEqual((await captured).duplicateOf, { personId: existing.id, name: 'Phạm Văn Bình', similarity: 0.93 });
      // B sees the marker decision but none of A's enrollment events.
      const marker = next<void>(b, 'decision');
      l.kiosk.decision({ result: 'unknown' });
      await marker;
      assert.ok(!seenByB.some((e) => e.startsWith('enrollment:')), seenByB.join(','));
      // B cannot confirm A's session even after unlocking.
      assert.equal((await unlock(b)).ok, true);
      const stolen = await b.timeout(ACK_MS).emitWithAck('enroll:confirm', { sessionId: began.sessionId });
      assert.equal(stolen.ok ? null : stolen.reason, 'not-found');
      const saved = await a.timeout(ACK_MS).emitWithAck('enroll:confirm', { sessionId: began.sessionId });
      assert.ok(saved.ok);
      assert.equal(saved.samples, 5);
      const person = l.store.people.get(saved.personId);
      assert.equal(person?.name, 'Nguyễn Thị Lan');
      const list = await a.timeout(ACK_MS).emitWithAck('people:list', { search: 'lan' });
      if (!list.ok) assert.fail(`people:list refused: ${list.reason}`);
      assert.deepEqual(list.people.map((p: PersonSummaryDto) => [p.name, p.sampleCount]), [['Nguyễn Thị Lan', 5]]);
      const removed = await a.timeout(ACK_MS).emitWithAck('people:remove', { personId: saved.personId });
      assert.ok(removed.ok);
      assert.equal(l.store.people.get(saved.personId), null);
    }));

  test('a screen that disconnects mid-enrollment cancels it; port errors come back as refusals', () =>
    withServer(async (l) => {
      await setupAdmin(l.app);
      const a = await l.kioskClient();
      await unlock(a);
      l.kiosk.failNextBegin = new Error('camera busy');
      const failed = await a.timeout(ACK_MS).emitWithAck('enroll:begin', { name: 'Lan', employeeCode: null });
      assert.deepEqual(failed, { ok: false, reason: 'failed', message: 'internal error' });
      const began = await a.timeout(ACK_MS).emitWithAck('enroll:begin', { name: 'Lan', employeeCode: null });
      assert.ok(began.ok);
      a.disconnect();
      await eventually(() => l.kiosk.calls.some((c) => c.method === 'cancel' && c.args[0] === began.sessionId), 'enrollment cancelled');
    }));
});

describe('socket input validation', () => {
  test('malformed, oversized and unknown messages are refused and counted; the server keeps serving', () =>
    withServer(async (l) => {
      await setupAdmin(l.app);
      const k = await l.kioskClient();
      const raw = k as unknown as RawClient;
      raw.emit('menu:unlock', { pin: PIN }); // no ack callback
      const bad = [
        await raw.timeout(ACK_MS).emitWithAck('menu:unlock', { pin: 1234 }),
        await raw.timeout(ACK_MS).emitWithAck('menu:unlock', 'not an object'),
        await raw.timeout(ACK_MS).emitWithAck('menu:unlock', { pin: PIN, extra: true }),
        await raw.timeout(ACK_MS).emitWithAck('menu:unlock', null),
      ] as Reply[];
      for (const r of bad) assert.equal(r.ok ? null : r.reason, 'bad-request');
      const big = (await raw.timeout(ACK_MS).emitWithAck('menu:unlock', { pin: '1'.repeat(20_000) })) as Reply;
      assert.equal(big.ok ? null : big.reason, 'bad-request');
      const unknown = (await raw.timeout(ACK_MS).emitWithAck('admin:dump', {})) as Reply;
      assert.equal(unknown.ok ? null : unknown.reason, 'bad-request');
      raw.emit('__proto__', {});
      const ok = await unlock(k);
      assert.equal(ok.ok, true, 'the socket still works');
      const s = l.app.realtime.stats();
      assert.equal(s.malformed, 5);
      assert.equal(s.oversized, 1);
      assert.equal(s.unknownEvents, 2);
    }));
});

describe('/admin namespace', () => {
  test('refuses connections without a valid session, and handshakes from another origin', () =>
    withServer(async (l) => {
      const cookie = await setupAdmin(l.app);
      await assert.rejects(l.adminClient(null), /unauthorized/u);
      await assert.rejects(l.adminClient('kiosk_admin=forged'), /unauthorized/u);
      await assert.rejects(l.adminClient(cookie, { origin: 'http://evil.example' }));
      const a = await l.adminClient(cookie, { origin: l.server.url });
      const r = await a.timeout(ACK_MS).emitWithAck('status:get', {});
      assert.ok(r.ok);
      assert.equal(r.status.camera.state, 'running');
      assert.equal(r.status.socket.adminClients, 1);
      assert.equal(l.app.realtime.stats().unauthorized, 3, 'two without a session, one from another origin');
    }));

  test('every admin event refuses once the session expired; logout drops open sockets', () =>
    withServer(
      async (l) => {
        const cookie = await setupAdmin(l.app);
        const a = await l.adminClient(cookie);
        assert.ok((await a.timeout(ACK_MS).emitWithAck('status:get', {})).ok);
        const ended = next<void>(a, 'session:ended');
        l.clock.advance(60_001);
        const r = await a.timeout(ACK_MS).emitWithAck('status:get', {});
        assert.deepEqual(r.ok ? null : r.reason, 'unauthorized');
        await ended;
        await eventually(() => a.disconnected, 'socket dropped after expiry');

        const login = await l.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'quản trị', password: 'correct horse battery' } });
        const fresh = cookieOf(login);
        const b = await l.adminClient(fresh);
        const bye = next<void>(b, 'session:ended');
        await l.app.inject({ method: 'POST', url: '/api/admin/logout', headers: { cookie: fresh } });
        await bye;
        await eventually(() => b.disconnected, 'socket dropped after logout');
      },
      { config: { adminSessionIdleMs: 60_000 } },
    ));
});
