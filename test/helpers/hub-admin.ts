/**
 * A hub on a temp PostgreSQL with two paired kiosks at two sites that have pushed punches (one of
 * them voided at its kiosk; one made before its kiosk joined, so its clock is not confirmed; all of
 * yard-1's made with its clock an hour ahead), and a hub admin: the setting of the hub admin tests.
 */
import assert from 'node:assert/strict';
import { HubAdminsRepo } from '../../src/hub/admins-repo.ts';
import { KiosksRepo } from '../../src/hub/kiosks-repo.ts';
import { hashSecret } from '../../src/server/auth/password.ts';
import { joinHub } from '../../src/sync/join.ts';
import type { SyncAgent } from '../../src/sync/agent.ts';
import { defaultSyncOptions } from '../../src/sync/options.ts';
import { syncAgentFor } from '../../src/sync/start.ts';
import { fakeSyncClock, startTestHub, testKiosk, type TestHub, type TestKiosk } from './hub.ts';
import type { TempPostgres } from './postgres.ts';

export const HUB_ADMIN = { username: 'hoa.admin', password: 'mật khẩu của hub' } as const;
export const HUB_TZ = 'Asia/Ho_Chi_Minh';

/** Logs in to the hub's admin API (as HUB_ADMIN unless told) and returns the session cookie ("name=value"). */
export async function hubAdminCookie(hubUrl: string, who: { username: string; password: string } = HUB_ADMIN): Promise<string> {
  const res = await fetch(`${hubUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(who) });
  assert.equal(res.status, 200, await res.clone().text());
  return (res.headers.get('set-cookie') ?? '').split(';')[0]!;
}

export interface TwoKioskHub {
  hub: TestHub;
  /** Punches pushed per kiosk id (names as logged). */
  pushed: Record<'door-1' | 'yard-1', string[]>;
  voidedName: string;
  /** Each kiosk's store and sync agent (the tests sync it when they want). */
  kiosks: Record<'door-1' | 'yard-1', { kiosk: TestKiosk; agent: SyncAgent }>;
  close(): Promise<void>;
}

export async function twoKioskHub(pg: TempPostgres, dbName: string, opts: { uiDir?: string } = {}): Promise<TwoKioskHub> {
  const hub = await startTestHub(await pg.createDatabase(dbName), { config: { scryptLogN: 10, timeZone: HUB_TZ }, ...opts });
  const cleanups: (() => Promise<void> | void)[] = [() => hub.close()];
  const kiosks = new KiosksRepo(hub.pool);
  // door-1 made its first punch before it joined (history: clock not confirmed); yard-1's clock is an hour ahead.
  const plan = [
    { id: 'door-1' as const, site: 'hq', names: ['Nguyễn Văn An', 'Trần Thị Bình'], aheadMs: 0, beforeJoin: 1 },
    { id: 'yard-1' as const, site: 'warehouse', names: ['Lê Văn Cường', 'Phạm Thị Dung', 'Hoàng Minh Em'], aheadMs: 3_600_000, beforeJoin: 0 },
  ];
  const pushed: TwoKioskHub['pushed'] = { 'door-1': [], 'yard-1': [] };
  let voidedName = '';
  const paired: Partial<TwoKioskHub['kiosks']> = {};
  for (const k of plan) {
    const clock = fakeSyncClock(Date.now() + k.aheadMs);
    const kiosk = testKiosk(clock, () => clock.wallMs());
    cleanups.push(() => kiosk.close());
    const punch = (name: string): void => {
      const { person } = kiosk.store.people.upsert({ name, employeeCode: null });
      clock.advance(1_000);
      const r = kiosk.store.attendance.record({ personId: person.id, ts: clock.wallMs(), kioskId: k.id, similarity: 0.8, evidence: { votes: 3 } });
      assert.equal(r.logged, true);
      pushed[k.id].push(name);
    };
    k.names.slice(0, k.beforeJoin).forEach(punch);
    const { code } = await kiosks.create({ id: k.id, site: k.site, pairingMs: 60_000, actor: 'test' });
    await joinHub({ dataDir: kiosk.dir, store: kiosk.store, url: hub.url, code, timeoutMs: 5_000 });
    const agent = syncAgentFor(kiosk.store, kiosk.dir, defaultSyncOptions, undefined, clock);
    assert.ok(agent);
    cleanups.push(() => agent.stop());
    paired[k.id] = { kiosk, agent };
    // The first exchange anchors the kiosk's clock to the hub's.
    await agent.syncOnce();
    k.names.slice(k.beforeJoin).forEach(punch);
    if (k.id === 'yard-1') {
      const last = kiosk.store.attendance.list({ from: 0, to: Number.MAX_SAFE_INTEGER, limit: 1, offset: 0, includeVoided: true }).items[0]!;
      assert.equal(kiosk.store.attendance.void(last.id, 'wrong person', 'admin:test').voided, true);
      voidedName = last.personName;
    }
    await agent.syncOnce();
    await agent.syncOnce();
  }
  const { rows } = await hub.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM hub_punches');
  assert.equal(rows[0]!.n, 5, 'both kiosks pushed their punches');
  await new HubAdminsRepo(hub.pool).create(HUB_ADMIN.username, await hashSecret(HUB_ADMIN.password, 10), 'test');
  return {
    hub,
    pushed,
    voidedName,
    kiosks: { 'door-1': paired['door-1']!, 'yard-1': paired['yard-1']! },
    close: async () => {
      for (const c of cleanups.reverse()) await c();
    },
  };
}
