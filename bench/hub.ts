/**
 * `npm run bench -- hub`: a hub on a temporary PostgreSQL, kiosks (in this process) joined to it.
 *  1. sustained ingest: 4 kiosks each with 5,000 punches waiting in their outbox push them all;
 *     punches/s = rows in PostgreSQL / time to drain.
 *  2. replication lag under load: 4 kiosks punch at 50/s each for 10 s while syncing every 250 ms;
 *     lag = hub received_at − punch time, median and p95.
 * The hub serves from this same process (one event loop for kiosks and hub), so the figures are a floor.
 */
import { KiosksRepo } from '../src/hub/kiosks-repo.ts';
import { joinHub } from '../src/sync/join.ts';
import { syncAgentFor } from '../src/sync/start.ts';
import { syncOptionsSchema } from '../src/sync/options.ts';
import { startPostgres } from '../test/helpers/postgres.ts';
import { startTestHub, testKiosk, type TestKiosk } from '../test/helpers/hub.ts';

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function benchHub(kiosks = 4, backlog = 5_000, ratePerKiosk = 50, seconds = 10): Promise<void> {
  const cluster = await startPostgres();
  try {
    const hub = await startTestHub(await cluster.createDatabase('bench'), { config: { poolSize: 8 } });
    const repo = new KiosksRepo(hub.pool);
    const ks: TestKiosk[] = [];
    const people: number[] = [];
    for (let i = 0; i < kiosks; i++) {
      const k = testKiosk();
      const { code } = await repo.create({ id: `bench-${i}`, pairingMs: 60_000, actor: 'bench' });
      await joinHub({ dataDir: k.dir, store: k.store, url: hub.url, code, timeoutMs: 10_000 });
      people.push(k.store.people.upsert({ name: `Person ${i}`, employeeCode: `B${i}` }).person.id);
      ks.push(k);
    }
    const options = syncOptionsSchema.parse({ intervalMs: 250, batchSize: 500 });
    // 1. A backlog drained as fast as the hub takes it.
    ks.forEach((k, i) => k.store.db.transaction(() => {
      for (let n = 0; n < backlog; n++) k.store.attendance.record({ personId: people[i]!, ts: Date.now(), kioskId: 'bench', similarity: 0.8, evidence: {} });
    })());
    const agents = ks.map((k) => syncAgentFor(k.store, k.dir, options)!);
    const t0 = performance.now();
    await Promise.all(agents.map(async (a) => {
      while (a.status().outboxDepth > 0) await a.syncOnce();
    }));
    const drainS = (performance.now() - t0) / 1000;
    const stored = (await hub.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM hub_punches')).rows[0]!.n;
    // 2. Steady punching while syncing.
    const since = Date.now();
    agents.forEach((a) => a.start());
    const end = Date.now() + seconds * 1000;
    while (Date.now() < end) {
      ks.forEach((k, i) => k.store.attendance.record({ personId: people[i]!, ts: Date.now(), kioskId: 'bench', similarity: 0.8, evidence: {} }));
      await sleep(1000 / ratePerKiosk);
    }
    while (agents.some((a) => a.status().outboxDepth > 0)) await sleep(100);
    await Promise.all(agents.map((a) => a.stop()));
    const lags = (await hub.pool.query<{ lag: number }>('SELECT received_at - ts AS lag FROM hub_punches WHERE ts >= $1 ORDER BY 1', [since])).rows.map((r) => r.lag);
    const q = (p: number): number => lags[Math.min(lags.length - 1, Math.floor(p * lags.length))] ?? 0;
    console.log(`\n## Hub (one process, ${kiosks} kiosks, PostgreSQL ${cluster.port})\n`);
    console.log('| measure | value |\n|---|---|');
    console.log(`| sustained ingest (backlog of ${kiosks}×${backlog} punches, batches of ${options.batchSize}) | ${Math.round(stored / drainS)} punches/s |`);
    console.log(`| replication lag at ${Math.round(lags.length / seconds)} punches/s (asked ${kiosks * ratePerKiosk}), sync every ${options.intervalMs} ms (${lags.length} punches) | median ${q(0.5)} ms, p95 ${q(0.95)} ms, max ${lags[lags.length - 1] ?? 0} ms |`);
    ks.forEach((k) => k.close());
    await hub.close();
  } finally {
    cluster.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchHub();
