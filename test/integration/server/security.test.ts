/**
 * Issue 11, network and auth half: each test is an attack a neighbour on the network (or a page in
 * their browser) tried against a live kiosk, now showing the safe outcome. "Other clients" connect
 * from 127.0.0.2/127.0.0.3: on loopback like everything in the tests, but not the device's own screen
 * (which is 127.0.0.1 / ::1), so the server treats them as the LAN would be treated.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { io as connectClient, type Socket } from 'socket.io-client';
import { hashSecret } from '../../../src/server/auth/password.ts';
import { listen, type Listening } from '../../../src/server/listen.ts';
import type { DecisionDto, KioskClientToServer, KioskConfigDto, KioskServerToClient, PairingCodeDto, PreviewDto, Reply } from '../../../src/server/protocol.ts';
import { ADMIN, cookieOf, harness, PIN, setupAdmin, type Harness } from './harness.ts';

type KioskClient = Socket<KioskServerToClient, KioskClientToServer>;
const ACK_MS = 5_000;
const OTHER = '127.0.0.2';
const ANOTHER = '127.0.0.3';

interface Live extends Harness {
  server: Listening;
  /** A /kiosk client; `from` other than 127.0.0.1 is a screen that is not the device's own. */
  screen(opts?: { from?: string; token?: string }): Promise<{ socket: KioskClient; hello: KioskConfigDto }>;
}

async function withServer(fn: (l: Live) => Promise<void>, opts: Parameters<typeof harness>[0] = {}): Promise<void> {
  const h = harness(opts);
  const server = await listen(h.app, { host: '127.0.0.1', port: 0 });
  const clients: Socket[] = [];
  const live: Live = {
    ...h,
    server,
    screen: ({ from = '127.0.0.1', token } = {}) => {
      const socket = connectClient(`${server.url}/kiosk`, {
        transports: ['websocket'],
        forceNew: true,
        reconnection: false,
        auth: token === undefined ? {} : { displayToken: token },
        localAddress: from,
      } as Parameters<typeof connectClient>[1]) as KioskClient;
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

/** A raw socket.io polling handshake with the given headers: what a rebinding page's browser would send. */
function handshake(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${url}/socket.io/?EIO=4&transport=polling`, { headers }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

async function unlock(k: KioskClient, pin: string): Promise<Reply<{ expiresInMs: number }>> {
  return k.timeout(ACK_MS).emitWithAck('menu:unlock', { pin });
}

/** Waits until `settled` holds, letting socket traffic through; no timing assert, only a bound. */
async function until(settled: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (settled()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.fail(`never happened: ${what}`);
}

async function issueCode(l: Harness, cookie: string, name: string): Promise<string> {
  const res = await l.app.inject({ method: 'POST', url: '/api/admin/displays/pairing-codes', headers: { cookie }, payload: { name } });
  assert.equal(res.statusCode, 201);
  return (res.json() as PairingCodeDto).code;
}

describe('attack: claim a fresh kiosk from the network', () => {
  test('setup without the code shown on the device is refused, from loopback too; the right code works once', async () => {
    const h = harness();
    try {
      const body = { ...ADMIN, pin: PIN };
      for (const remoteAddress of ['127.0.0.1', '192.0.2.10']) {
        const none = await h.app.inject({ method: 'POST', url: '/api/auth/setup', payload: body, remoteAddress });
        assert.equal(none.statusCode, 400, 'no code at all');
        const wrong = await h.app.inject({ method: 'POST', url: '/api/auth/setup', payload: { ...body, setupCode: 'ABCD-EFGH-JKMN' }, remoteAddress });
        assert.equal(wrong.statusCode, 403);
        assert.equal((wrong.json() as { error: string }).error, 'bad-setup-code');
      }
      assert.equal(h.store.db.prepare('SELECT count(*) AS n FROM admins').pluck().get(), 0, 'nobody claimed the kiosk');
      // Typed as shown on the screen (groups, any case) it works, once.
      const code = h.app.setupCode.current()!;
      const typed = code.toLowerCase().match(/.{4}/gu)!.join(' - ');
      const ok = await h.app.inject({ method: 'POST', url: '/api/auth/setup', payload: { ...body, setupCode: typed }, remoteAddress: '127.0.0.1' });
      assert.equal(ok.statusCode, 200);
      const again = await h.app.inject({ method: 'POST', url: '/api/auth/setup', payload: { ...body, username: 'second', setupCode: code } });
      assert.equal(again.statusCode, 409);
    } finally {
      await h.done();
    }
  });

  test('guessing the setup code backs off per address', async () => {
    const h = harness({ config: { codeBackoff: { freeFailures: 2, baseMs: 60_000, maxMs: 600_000 } } });
    try {
      const body = { ...ADMIN, pin: PIN, setupCode: 'WRONG-CODE-2345' };
      for (let i = 0; i < 2; i++) assert.equal((await h.app.inject({ method: 'POST', url: '/api/auth/setup', payload: body, remoteAddress: '192.0.2.10' })).statusCode, 403);
      assert.equal((await h.app.inject({ method: 'POST', url: '/api/auth/setup', payload: { ...body, setupCode: h.app.setupCode.current() }, remoteAddress: '192.0.2.10' })).statusCode, 429);
      // The owner at the device is not held up by the guesser.
      assert.equal((await h.app.inject({ method: 'POST', url: '/api/auth/setup', payload: { ...body, setupCode: h.app.setupCode.current() }, remoteAddress: '127.0.0.1' })).statusCode, 200);
    } finally {
      await h.done();
    }
  });
});

describe('attack: DNS rebinding and other sites\' pages', () => {
  test('HTTP: Host evil.example is refused on every route; a foreign Origin too; this kiosk\'s names pass', async () => {
    const h = harness();
    try {
      for (const url of ['/', '/healthz', '/api/auth/state', '/api/admin/people']) {
        const res = await h.app.inject({ url, headers: { host: 'evil.example' } });
        assert.equal(res.statusCode, 421, url);
        assert.equal((res.json() as { error: string }).error, 'bad-host');
      }
      const setup = await h.app.inject({ method: 'POST', url: '/api/auth/setup', headers: { host: 'evil.example:8080' }, payload: { ...ADMIN, pin: PIN, setupCode: h.app.setupCode.current() } });
      assert.equal(setup.statusCode, 421, 'even with the right code');
      const cross = await h.app.inject({ method: 'POST', url: '/api/auth/login', headers: { host: 'localhost:8080', origin: 'http://evil.example' }, payload: ADMIN });
      assert.equal(cross.statusCode, 403);
      for (const host of ['localhost:8080', '127.0.0.1', '[::1]:8080']) assert.equal((await h.app.inject({ url: '/api/auth/state', headers: { host } })).statusCode, 200, host);
      assert.equal((await h.app.inject({ url: '/api/auth/state', headers: { host: 'localhost', origin: 'http://localhost:8080' } })).statusCode, 200);
    } finally {
      await h.done();
    }
  });

  test('socket.io: a handshake with Host evil.example or a foreign Origin is refused; configured names are accepted', () =>
    withServer(
      async (l) => {
        const port = l.server.port;
        assert.equal(await handshake(l.server.url, { host: 'evil.example' }), 403);
        assert.equal(await handshake(l.server.url, { host: `127.0.0.1:${port}`, origin: 'http://evil.example' }), 403);
        assert.equal(await handshake(l.server.url, { host: `kiosk.example.lan:${port}` }), 200);
        assert.equal(await handshake(l.server.url, { host: `127.0.0.1:${port}`, origin: `http://127.0.0.1:${port}` }), 200);
        const ws = connectClient(`${l.server.url}/kiosk`, { transports: ['websocket'], forceNew: true, reconnection: false, extraHeaders: { origin: 'http://evil.example' } });
        await assert.rejects(new Promise((resolve, reject) => {
          ws.once('connect', () => resolve(undefined));
          ws.once('connect_error', reject);
        }));
        ws.disconnect();
      },
      { config: { allowedHosts: ['kiosk.example.lan'] } },
    ));
});

describe('attack: watch the kiosk from the network', () => {
  test('an unpaired /kiosk client receives no preview, no decisions (no names, ids or punch times) and no setup code', () =>
    withServer(async (l) => {
      const own = await l.screen();
      const stranger = await l.screen({ from: OTHER });
      assert.equal(own.hello.paired, true);
      assert.equal(stranger.hello.paired, false);
      assert.equal(stranger.hello.setupCode, null, 'the setup code is only on the device\'s own screen');
      assert.notEqual(own.hello.setupCode, null);
      const seen: string[] = [];
      stranger.socket.onAny((event: string, ...args: unknown[]) => seen.push(`${event} ${JSON.stringify(args)}`));
      const ownPreviews: PreviewDto[] = [];
      const ownDecisions: DecisionDto[] = [];
      own.socket.on('preview', (f) => ownPreviews.push(f));
      own.socket.on('decision', (d) => ownDecisions.push(d));
      l.kiosk.preview({ ts: 1, width: 640, height: 480, jpeg: Buffer.alloc(64, 0xff), faces: [{ trackId: 1, box: { x: 1, y: 2, width: 3, height: 4 }, state: 'decided', label: 'Nguyễn Thị Thảo Tâm' }] });
      l.kiosk.decision({ result: 'person', personId: 7, name: 'Nguyễn Thị Thảo Tâm', logged: false, previousPunchTs: 1_709_254_920_000 });
      l.kiosk.setCamera('reconnecting', 'device /dev/video0 lost');
      await until(() => ownPreviews.length === 1 && ownDecisions.length === 1, 'the own screen gets both');
      // A round trip on the stranger's socket: anything sent before it would have arrived by now.
      const r = await unlock(stranger.socket, PIN);
      assert.equal(r.ok ? null : r.reason, 'unpaired', 'no menu either');
      assert.deepEqual(seen, [], 'nothing at all was pushed to the unpaired client');
      assert.equal(ownDecisions[0]!.name, 'Nguyễn Thị Thảo Tâm');
    }));

  test('a screen paired with a code from the admin pages gets them, remembers its token, and loses them when unpaired', () =>
    withServer(async (l) => {
      const cookie = await setupAdmin(l.app);
      const screen = await l.screen({ from: OTHER });
      const wrong = await screen.socket.timeout(ACK_MS).emitWithAck('display:pair', { code: 'AAAA-BBBB-CCCC' });
      assert.equal(wrong.ok ? null : wrong.reason, 'not-found');
      const code = await issueCode(l, cookie, 'Cổng sau');
      const hello = new Promise<KioskConfigDto>((resolve) => screen.socket.once('hello', resolve));
      const paired = await screen.socket.timeout(ACK_MS).emitWithAck('display:pair', { code: code.toLowerCase() });
      assert.ok(paired.ok);
      assert.equal(paired.name, 'Cổng sau');
      assert.equal((await hello).paired, true);
      const reused = await (await l.screen({ from: ANOTHER })).socket.timeout(ACK_MS).emitWithAck('display:pair', { code });
      assert.equal(reused.ok ? null : reused.reason, 'not-found', 'a pairing code works once');
      // Reconnecting later with the remembered token: still paired, decisions arrive.
      const again = await l.screen({ from: OTHER, token: paired.token });
      assert.equal(again.hello.paired, true);
      assert.equal(again.hello.displayName, 'Cổng sau');
      const got = new Promise<DecisionDto>((resolve) => again.socket.once('decision', resolve));
      l.kiosk.decision({ result: 'person', personId: 3, name: 'Lan' });
      assert.equal((await got).name, 'Lan');
      const list = (await l.app.inject({ url: '/api/admin/displays', headers: { cookie } })).json() as { items: { id: number; connected: number }[] };
      assert.equal(list.items.length, 1);
      assert.equal(list.items[0]!.connected, 2);
      const dropped = new Promise<void>((resolve) => again.socket.once('disconnect', () => resolve()));
      assert.equal((await l.app.inject({ method: 'DELETE', url: `/api/admin/displays/${list.items[0]!.id}`, headers: { cookie } })).statusCode, 200);
      await dropped;
      assert.equal((await l.screen({ from: OTHER, token: paired.token })).hello.paired, false, 'the old token pairs nothing');
      const actions = l.store.audit.list({}).map((a) => a.action);
      for (const a of ['display.pairing-code', 'display.pair', 'display.unpair']) assert.ok(actions.includes(a), a);
      assert.ok(!JSON.stringify(l.store.audit.list({})).includes(paired.token), 'the token is never stored or audited');
    }));
});

describe('attack: lock the owner out', () => {
  test('20 wrong PINs from other clients do not stop the right PIN on the kiosk\'s own screen', () =>
    withServer(async (l) => {
      const cookie = await setupAdmin(l.app);
      // Unpaired clients cannot even try…
      for (let i = 0; i < 10; i++) {
        const c = await l.screen({ from: OTHER });
        const r = await unlock(c.socket, `00000${i}`);
        assert.equal(r.ok ? null : r.reason, 'unpaired');
      }
      // …and a paired screen guessing only makes itself wait.
      const code = await issueCode(l, cookie, 'lobby');
      const rogue = await l.screen({ from: ANOTHER });
      const p = await rogue.socket.timeout(ACK_MS).emitWithAck('display:pair', { code });
      assert.ok(p.ok);
      let limited = 0;
      for (let i = 0; i < 10; i++) {
        const r = await unlock(rogue.socket, `11111${i}`);
        assert.ok(!r.ok);
        if (r.reason === 'rate-limited') limited++;
      }
      assert.ok(limited > 0, 'the guessing screen is backing off');
      const own = await l.screen();
      const r = await unlock(own.socket, PIN);
      assert.equal(r.ok, true, 'the owner\'s screen opens the menu at once');
      // And successes never count: unlocking again and again is always allowed.
      for (let i = 0; i < 25; i++) assert.equal((await unlock(own.socket, PIN)).ok, true);
    }));

  test('5 wrong logins from one address do not lock the same user out from another address', async () => {
    const h = harness();
    try {
      await setupAdmin(h.app);
      const login = (remoteAddress: string, password: string) => h.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: ADMIN.username, password }, remoteAddress });
      const statuses: number[] = [];
      for (let i = 0; i < 7; i++) statuses.push((await login('192.0.2.66', `guess ${i}`)).statusCode);
      assert.deepEqual(statuses.slice(0, 5), [401, 401, 401, 401, 401]);
      assert.ok(statuses.slice(5).every((s) => s === 429), 'the guessing address waits');
      const owner = await login('192.0.2.1', ADMIN.password);
      assert.equal(owner.statusCode, 200, 'the owner logs in from their own address');
      assert.equal((await login('127.0.0.1', ADMIN.password)).statusCode, 200);
    } finally {
      await h.done();
    }
  });
});

describe('admin accounts', () => {
  test('change own password, add, disable, enable and remove admins, all audited; the last enabled admin stays', async () => {
    const h = harness();
    try {
      const cookie = await setupAdmin(h.app);
      const call = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: object, c = cookie) =>
        h.app.inject({ method, url: `/api/admin${url}`, headers: { cookie: c }, ...(payload === undefined ? {} : { payload }) });
      const me = ((await call('GET', '/admins')).json() as { items: { id: number; self: boolean }[] }).items[0]!;
      assert.equal(me.self, true);
      assert.equal((await call('PUT', `/admins/${me.id}/disabled`, { disabled: true })).statusCode, 409);
      assert.equal((await call('DELETE', `/admins/${me.id}`)).statusCode, 409);

      const created = await call('POST', '/admins', { username: 'bảo vệ', password: 'another long password' });
      assert.equal(created.statusCode, 201);
      const second = (created.json() as { id: number }).id;
      const login2 = await h.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'bảo vệ', password: 'another long password' } });
      const cookie2 = cookieOf(login2);
      assert.equal((await call('PUT', `/admins/${second}/disabled`, { disabled: true })).statusCode, 200);
      assert.equal((await call('GET', '/admins', undefined, cookie2)).statusCode, 401, 'a disabled admin\'s session ends');
      const refused = await h.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'bảo vệ', password: 'another long password' } });
      assert.equal(refused.statusCode, 401);
      // With the second admin disabled, the first is again the last enabled one.
      assert.equal((await call('DELETE', `/admins/${me.id}`)).statusCode, 409);
      assert.equal((await call('PUT', `/admins/${second}/disabled`, { disabled: false })).statusCode, 200);
      assert.equal((await call('DELETE', `/admins/${second}`)).statusCode, 200);
      assert.equal((await call('DELETE', `/admins/${second}`)).statusCode, 404);

      assert.equal((await call('PUT', '/password', { currentPassword: 'wrong', newPassword: 'a brand new password' })).statusCode, 403);
      assert.equal((await call('PUT', '/password', { currentPassword: ADMIN.password, newPassword: 'short' })).statusCode, 400);
      assert.equal((await call('PUT', '/password', { currentPassword: ADMIN.password, newPassword: 'a brand new password' })).statusCode, 200);
      assert.equal((await call('GET', '/admins')).statusCode, 200, 'this session stays');
      assert.equal((await h.app.inject({ method: 'POST', url: '/api/auth/login', payload: ADMIN })).statusCode, 401);
      assert.equal((await h.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: ADMIN.username, password: 'a brand new password' } })).statusCode, 200);

      const actions = h.store.audit.list({}).map((a) => a.action);
      for (const a of ['admin.create', 'admin.disable', 'admin.enable', 'admin.remove', 'admin.password']) assert.ok(actions.includes(a), a);
      assert.ok(!JSON.stringify(h.store.audit.list({})).includes('brand new'), 'passwords never reach the audit log');
    } finally {
      await h.done();
    }
  });

  test('an old, cheaper password hash is verified and upgraded at the next login', async () => {
    const h = harness({ config: { scryptLogN: 11 } });
    try {
      h.store.db.prepare('INSERT INTO admins (username, password_hash, created_at) VALUES (?, ?, 0)').run('cũ', await hashSecret('old but long enough', 10));
      const res = await h.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'cũ', password: 'old but long enough' } });
      assert.equal(res.statusCode, 200);
      const stored = h.store.db.prepare('SELECT password_hash FROM admins').pluck().get() as string;
      assert.match(stored, /^scrypt\$11\$8\$1\$/u);
      assert.ok(h.store.audit.list({}).some((a) => a.action === 'admin.hash-upgrade'));
    } finally {
      await h.done();
    }
  });

  test('a PIN from before the 6-digit rule no longer opens the menu, and the next admin login asks for a new one', () =>
    withServer(async (l) => {
      const cookie = await setupAdmin(l.app);
      // What an older kiosk stored for "1234", in place of a PIN set under today's rule.
      l.store.db.prepare("DELETE FROM settings WHERE key = 'kioskPin'").run();
      l.store.db.prepare("INSERT INTO settings (key, value, updated_at, updated_by) VALUES ('kioskPinHash', json_quote(?), 0, 'setup')").run(await hashSecret('1234', 10));
      const own = await l.screen();
      assert.equal(own.hello.menuAvailable, false);
      assert.equal((await unlock(own.socket, '1234')).ok, false);
      const state = (await l.app.inject({ url: '/api/auth/state', headers: { cookie } })).json() as { pinResetRequired: boolean };
      assert.equal(state.pinResetRequired, true);
      assert.equal((await l.app.inject({ method: 'PUT', url: '/api/admin/pin', headers: { cookie }, payload: { pin: '1234' } })).statusCode, 400, 'a new PIN has 6 digits at least');
      assert.equal((await l.app.inject({ method: 'PUT', url: '/api/admin/pin', headers: { cookie }, payload: { pin: PIN } })).statusCode, 200);
      assert.equal(((await l.app.inject({ url: '/api/auth/state', headers: { cookie } })).json() as { pinResetRequired: boolean }).pinResetRequired, false);
      assert.equal((await unlock(own.socket, PIN)).ok, true);
    }));
});
