/**
 * The kiosk's admin API shows its real link to a real hub (PostgreSQL temp cluster): `joinedSync` and
 * `hubLinkPort` wired as `kiosk serve` wires them. Clock unconfirmed before the first exchange, skewed
 * when the kiosk runs ahead of the hub, synchronised once set right, and a revoked kiosk refused.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { hubLinkPort } from '../../../src/cli/hub-link.ts';
import { KiosksRepo } from '../../../src/hub/kiosks-repo.ts';
import { silentLogger } from '../../../src/log.ts';
import { buildApp } from '../../../src/server/app.ts';
import type { HubLinkDto, HubLinkReplyDto } from '../../../src/server/protocol.ts';
import { joinHub } from '../../../src/sync/join.ts';
import { defaultSyncOptions } from '../../../src/sync/options.ts';
import { joinedSync } from '../../../src/sync/start.ts';
import { fakeSyncClock, startTestHub, testKiosk } from '../../helpers/hub.ts';
import { postgresSkipReason, startPostgres, type TempPostgres } from '../../helpers/postgres.ts';
import { FakeKiosk } from '../server/fakes.ts';
import { setupAdmin } from '../server/harness.ts';

const skip = postgresSkipReason();
const HUB_NOW = Date.UTC(2024, 5, 3, 2, 0, 0);
const MAX_SKEW_MS = defaultSyncOptions.clockSkewSeconds * 1000;

describe('a joined kiosk\'s admin API shows its hub link', { skip: skip ?? false }, () => {
  let pg: TempPostgres;
  before(async () => {
    pg = await startPostgres();
  });
  after(() => pg?.stop());

  test('unconfirmed before the first exchange, skewed, synchronised, then refused once revoked', async () => {
    const hub = await startTestHub(await pg.createDatabase('link'), { clock: () => HUB_NOW });
    const clock = fakeSyncClock(HUB_NOW + 300_000);
    const k = testKiosk(clock, () => clock.wallMs());
    const { code } = await new KiosksRepo(hub.pool).create({ id: 'door-7', site: 'depot', pairingMs: 60_000, actor: 'test' });
    await joinHub({ dataDir: k.dir, store: k.store, url: hub.url, code, timeoutMs: 5_000 });
    const joined = joinedSync(k.store, k.dir, { ...defaultSyncOptions, intervalMs: 60_000, backoffBaseMs: 60_000 }, silentLogger, clock);
    assert.ok(joined);
    const port = hubLinkPort(joined.agent, joined.hub, MAX_SKEW_MS, silentLogger);
    const app = buildApp({ store: k.store, kiosk: new FakeKiosk(k.store), hubLink: port, config: { scryptLogN: 10 } });
    try {
      const cookie = await setupAdmin(app);
      const read = async (): Promise<HubLinkDto> => {
        const res = await app.inject({ url: '/api/admin/hub-link', headers: { cookie } });
        assert.equal(res.statusCode, 200);
        const hubLink = (res.json() as HubLinkReplyDto).hub;
        assert.ok(hubLink);
        return hubLink;
      };

      const fresh = await read();
      assert.deepEqual({ ...fresh, outboxDepth: fresh.outboxDepth > 0 }, {
        hubUrl: `${hub.url}/`, kioskId: 'door-7', site: 'depot', state: 'idle', lastSuccessAt: null, lastError: null, failures: 0,
        outboxDepth: true, clock: { state: 'not-synchronised', reason: 'hub-not-reached-since-boot' }, maxSkewMs: MAX_SKEW_MS,
      });

      await joined.agent.syncOnce();
      const skewed = await read();
      assert.deepEqual(skewed.clock, { state: 'not-synchronised', reason: 'skewed', offsetMs: 300_000 });
      assert.equal(skewed.outboxDepth, 0);

      clock.setWall(HUB_NOW + 2_000);
      await joined.agent.syncOnce();
      assert.deepEqual((await read()).clock, { state: 'synchronised', offsetMs: 2_000 });

      // Revoked: the agent's loop records the refusal and tells the port's listeners.
      assert.equal(await new KiosksRepo(hub.pool).revoke('door-7', 'test'), true);
      const told = new Promise<HubLinkDto>((resolve) => {
        const off = port.onStatus((st) => {
          off();
          resolve(st);
        });
      });
      joined.agent.start();
      assert.equal((await told).state, 'refused');
      const now = await read();
      assert.equal(now.state, 'refused');
      assert.equal(now.failures, 1);
      assert.ok(now.lastError !== null && now.lastError.length > 0);
    } finally {
      await joined.agent.stop();
      await app.close();
      k.close();
      await hub.close();
    }
  });
});
