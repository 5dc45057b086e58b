/**
 * A joined kiosk's hub link on its admin API: GET /api/admin/hub-link (session required), the admin
 * socket's `hub:status`, and /healthz's `hub` (degraded, never failing). The sync agent is a fake
 * HubLinkPort, as `src/cli` would inject the real one.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { io as connectClient, type Socket } from 'socket.io-client';
import { healthReport } from '../../../src/cli/health.ts';
import { listen } from '../../../src/server/listen.ts';
import type { AdminClientToServer, AdminServerToClient, HubLinkDto } from '../../../src/server/protocol.ts';
import { openRecorder } from '../../../src/store/store.ts';
import { FakeHubLink, HUB_CLOCK, hubLinkStatus } from './fakes.ts';
import { harness, setupAdmin, type Harness } from './harness.ts';

type AdminClient = Socket<AdminServerToClient, AdminClientToServer>;

/** A server whose /healthz is the real report of `kiosk serve` (healthy loop, camera, database and disk), joined to `hubLink` when given. */
function withRealHealth(hubLink?: FakeHubLink): Harness {
  const loop = { healthy: () => true, camera: { state: 'running' as const }, fps: 10 };
  const h: Harness = harness({
    ...(hubLink === undefined ? {} : { hubLink }),
    health: async () => healthReport({ loop, backend: 'fake', descriptor: 'fused', db: h.store.db, recorder, dataDir: '.', minFreeMb: 1, freeBytes: () => 1e12, ...(hubLink === undefined ? {} : { hubLink }) }, h.clock.now()),
  });
  const recorder = openRecorder(h.store, { journalRetryMs: 1_000 }, { clock: h.clock.now });
  return h;
}

describe('the hub link on the admin API', () => {
  test('single-kiosk mode: the route says there is no hub; without a session it says nothing', async () => {
    const h = harness();
    try {
      const anonymous = await h.app.inject({ url: '/api/admin/hub-link' });
      assert.equal(anonymous.statusCode, 401);
      assert.equal(anonymous.json().hub, undefined);
      const cookie = await setupAdmin(h.app);
      const res = await h.app.inject({ url: '/api/admin/hub-link', headers: { cookie } });
      assert.equal(res.statusCode, 200);
      assert.deepEqual(res.json(), { hub: null });
    } finally {
      await h.done();
    }
  });

  test('joined: 401 without a session, then the provider\'s state as it changes (synchronised, skewed, unconfirmed)', async () => {
    const link = new FakeHubLink();
    const h = harness({ hubLink: link });
    try {
      const anonymous = await h.app.inject({ url: '/api/admin/hub-link' });
      assert.equal(anonymous.statusCode, 401);
      assert.ok(!anonymous.body.includes('door-2') && !anonymous.body.includes('hub.example'), 'nothing about the link without a session');
      const cookie = await setupAdmin(h.app);
      const cases: { name: string; patch: Partial<HubLinkDto> }[] = [
        { name: 'synchronised', patch: { clock: HUB_CLOCK.synchronised } },
        { name: 'skewed, hub unreachable', patch: { clock: HUB_CLOCK.skewedAhead, state: 'backing-off', failures: 3, lastError: 'connect ECONNREFUSED 127.0.0.1:8090', outboxDepth: 42 } },
        { name: 'unconfirmed since boot', patch: { clock: HUB_CLOCK.unconfirmed, state: 'idle', failures: 0, lastError: null, lastSuccessAt: null, outboxDepth: 7 } },
        { name: 'refused', patch: { state: 'refused', failures: 1, lastError: 'the hub refused this kiosk (401)' } },
      ];
      for (const c of cases) {
        link.set(c.patch);
        const res = await h.app.inject({ url: '/api/admin/hub-link', headers: { cookie } });
        assert.equal(res.statusCode, 200, c.name);
        assert.deepEqual(res.json(), { hub: link.status() }, c.name);
      }
    } finally {
      await h.done();
    }
  });

  test('only the link\'s public fields leave the server, whatever else the provider carries', async () => {
    const leaky = { ...hubLinkStatus(), credential: 'kiosk-credential-0123456789abcdef0123456789', siteKey: 'c2l0ZS1rZXk=' } as HubLinkDto;
    const link = new FakeHubLink(leaky);
    const h = harness({ hubLink: link });
    try {
      const cookie = await setupAdmin(h.app);
      const res = await h.app.inject({ url: '/api/admin/hub-link', headers: { cookie } });
      assert.equal(res.statusCode, 200);
      assert.ok(!res.body.includes('credential') && !res.body.includes('siteKey'), res.body);
      assert.deepEqual(res.json(), { hub: hubLinkStatus() });
    } finally {
      await h.done();
    }
  });

  test('the admin socket gets each new status at once; closing the server detaches from the provider', async () => {
    const link = new FakeHubLink();
    const h = harness({ hubLink: link });
    const server = await listen(h.app, { host: '127.0.0.1', port: 0 });
    const clients: Socket[] = [];
    try {
      const cookie = await setupAdmin(h.app);
      const admin: AdminClient = connectClient(`${server.url}/admin`, { transports: ['websocket'], forceNew: true, reconnection: false, extraHeaders: { cookie } });
      clients.push(admin);
      await new Promise<void>((resolve, reject) => {
        admin.once('connect', resolve);
        admin.once('connect_error', reject);
      });
      const anonymous: AdminClient = connectClient(`${server.url}/admin`, { transports: ['websocket'], forceNew: true, reconnection: false });
      clients.push(anonymous);
      const refused = await new Promise<string>((resolve) => anonymous.once('connect_error', (err) => resolve(err.message)));
      assert.equal(refused, 'unauthorized');
      const got = new Promise<HubLinkDto>((resolve) => admin.once('hub:status', resolve));
      link.set({ clock: HUB_CLOCK.skewedBehind, outboxDepth: 3 });
      assert.deepEqual(await got, hubLinkStatus({ clock: HUB_CLOCK.skewedBehind, outboxDepth: 3 }));
      // A correction pulled from the hub: open admin pages reload their log.
      const reload = new Promise<void>((resolve) => admin.once('log:changed', resolve));
      link.recordsChanged();
      await reload;
      assert.equal(link.listenerCount, 2);
    } finally {
      for (const c of clients) c.disconnect();
      await h.done();
    }
    assert.equal(link.listenerCount, 0, 'the server stopped listening to the provider');
  });

  test('/healthz: a clock off or an unreachable hub is degraded (hub.ok false) but the kiosk stays healthy; no address, id or error text', async () => {
    const link = new FakeHubLink();
    const h = withRealHealth(link);
    try {
      const ok = await h.app.inject({ url: '/healthz' });
      assert.equal(ok.statusCode, 200);
      assert.deepEqual(ok.json().hub, { ok: true, clock: 'synchronised', offsetMs: 1_400, link: 'idle', outboxDepth: 0, lastSuccessAt: hubLinkStatus().lastSuccessAt });

      link.set({ clock: HUB_CLOCK.skewedAhead });
      const skewed = await h.app.inject({ url: '/healthz' });
      assert.equal(skewed.statusCode, 200);
      assert.equal(skewed.json().ok, true);
      assert.deepEqual(skewed.json().hub, { ok: false, clock: 'skewed', offsetMs: 754_600, link: 'idle', outboxDepth: 0, lastSuccessAt: hubLinkStatus().lastSuccessAt });

      link.set({ clock: HUB_CLOCK.unconfirmed, state: 'backing-off', failures: 2, lastError: 'connect ECONNREFUSED 127.0.0.1:8090', lastSuccessAt: null, outboxDepth: 12 });
      const offline = await h.app.inject({ url: '/healthz' });
      assert.equal(offline.statusCode, 200);
      assert.deepEqual(offline.json().hub, { ok: false, clock: 'unconfirmed', offsetMs: null, link: 'backing-off', outboxDepth: 12, lastSuccessAt: null });
      for (const secret of ['hub.example', 'door-2', 'depot', 'ECONNREFUSED']) assert.ok(!offline.body.includes(secret), `/healthz must not show ${secret}`);
    } finally {
      await h.done();
    }
  });

  test('/healthz of a single kiosk says nothing about a hub', async () => {
    const h = withRealHealth();
    try {
      const res = await h.app.inject({ url: '/healthz' });
      assert.equal(res.statusCode, 200);
      assert.equal('hub' in res.json(), false);
    } finally {
      await h.done();
    }
  });
});
