/**
 * The issue's fault test: 20 kiosks (child processes, one SQLite file each) push 10,000 punches to
 * 2 hub processes (`kiosk hub`, the real CLI) on one PostgreSQL, through a loopback proxy that delays
 * and cuts connections at random. Meanwhile kiosks are kill -9'ed and started again, one hub is
 * kill -9'ed and restarted, a person is enrolled under one employee code at two kiosks, and another
 * is erased on the hub. End state, printed: every punch a kiosk committed is in PostgreSQL exactly
 * once (lost 0, duplicated 0), and every kiosk's gallery equals the hub's within 10 s of the last fault.
 * Plain HTTP on loopback (TLS is covered by sync.test.ts) to spare the two shared CPU cores.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import Database from 'better-sqlite3';
import pg from 'pg';
import { GalleryRepo } from '../../../src/hub/gallery-repo.ts';
import { KiosksRepo } from '../../../src/hub/kiosks-repo.ts';
import { createKeyFile, readKeyFile } from '../../../src/store/crypto.ts';
import { openStore } from '../../../src/store/store.ts';
import { joinHub } from '../../../src/sync/join.ts';
import { ChaosProxy } from '../../helpers/chaos-proxy.ts';
import { KIOSK_BIN, REPO_ROOT } from '../../helpers/dataset.ts';
import { freePort, postgresSkipReason, startPostgres } from '../../helpers/postgres.ts';

const KIOSKS = Number(process.env.FAULT_KIOSKS ?? 20);
const PUNCHES = Number(process.env.FAULT_PUNCHES ?? 10_000);
const PER_KIOSK = Math.ceil(PUNCHES / KIOSKS);
const SIM = join(REPO_ROOT, 'test', 'fixtures', 'hub', 'kiosk-sim.ts');
const skip = postgresSkipReason();
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const root = mkdtempSync(join(tmpdir(), 'kiosk-fault-'));
const children = new Set<ChildProcess>();
after(() => {
  for (const c of children) c.kill('SIGKILL');
  rmSync(root, { recursive: true, force: true });
});

function hubProcess(dataDir: string, port: number, env: NodeJS.ProcessEnv): ChildProcess {
  const c = spawn(process.execPath, [KIOSK_BIN, '--data-dir', dataDir, '--log-level', 'error', 'hub', '--port', String(port)], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
  children.add(c);
  c.on('exit', () => children.delete(c));
  return c;
}

async function waitHealthy(port: number, timeoutMs = 90_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const ok = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.status === 200, () => false);
    if (ok) return;
    await sleep(250);
  }
  throw new Error(`hub on port ${port} did not become healthy`);
}

function kill9(c: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    if (c.exitCode !== null || c.signalCode !== null) return resolve();
    c.once('exit', () => resolve());
    c.kill('SIGKILL');
  });
}

test(`fault test: ${KIOSKS} kiosks, 2 hubs, ${PUNCHES} punches through a cutting proxy`, { skip: skip ?? false, timeout: 600_000 }, async () => {
  const t0 = Date.now();
  const cluster = await startPostgres();
  after(() => cluster.stop());
  const url = await cluster.createDatabase('hub');
  const siteKey = join(root, 'site.key');
  createKeyFile(siteKey);
  const hubEnv = { KIOSK_HUB__POSTGRES_URL: url, KIOSK_HUB__SITE_KEY_FILE: siteKey, KIOSK_HUB__POOL_SIZE: '6' };
  const hubPorts = [await freePort(), await freePort()] as const;
  const hubDirs = [join(root, 'hub-a'), join(root, 'hub-b')];
  const hubs = [hubProcess(hubDirs[0]!, hubPorts[0], hubEnv), hubProcess(hubDirs[1]!, hubPorts[1], hubEnv)];
  await Promise.all(hubPorts.map((p) => waitHealthy(p)));
  const proxy = new ChaosProxy([...hubPorts]);
  const proxyPort = await proxy.listen();
  after(() => proxy.close());
  const pool = new pg.Pool({ connectionString: url, max: 3 });
  after(() => pool.end());
  const kiosksRepo = new KiosksRepo(pool);

  // Pair every kiosk (through the proxy, chaos off), then hand it to its own process.
  const dirs: string[] = [];
  const plans: string[] = [];
  for (let i = 0; i < KIOSKS; i++) {
    const dir = join(root, `kiosk-${i}`);
    dirs.push(dir);
    const { code } = await kiosksRepo.create({ id: `k${i}`, site: i % 2 === 0 ? 'hq' : 'depot', pairingMs: 600_000, actor: 'fault-test' });
    const store = openStore({ dataDir: dir, dbFile: 'kiosk.db' });
    await joinHub({ dataDir: dir, store, url: `http://127.0.0.1:${proxyPort}`, code, timeoutMs: 10_000 });
    store.close();
    const enroll = [{ name: `Person ${i}`, code: `E${i}`, photo: `k${i}.jpg`, seed: i }];
    if (i < 2) enroll.push({ name: 'Shared Person', code: 'SHARED', photo: `shared-at-k${i}.jpg`, seed: 100 + i });
    if (i === 2) enroll.push({ name: 'Leaver', code: 'LEAVER', photo: 'leaver.jpg', seed: 200 });
    plans.push(JSON.stringify(enroll));
  }
  const sims: (ChildProcess | null)[] = [];
  const ready: boolean[] = [];
  const startSim = (i: number): void => {
    const c = spawn(process.execPath, ['--import', 'tsx', SIM, dirs[i]!, String(PER_KIOSK), plans[i]!], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    ready[i] = false;
    c.stdout!.on('data', (d: Buffer) => {
      if (d.toString().includes('ready')) ready[i] = true;
    });
    children.add(c);
    c.on('exit', () => children.delete(c));
    sims[i] = c;
  };
  for (let i = 0; i < KIOSKS; i++) startSim(i);

  const readonly = dirs.map((d) => new Database(join(d, 'kiosk.db'), { readonly: true, fileMustExist: true }));
  after(() => readonly.forEach((db) => db.close()));
  const committed = (): number => readonly.reduce((n, db) => n + db.prepare<[], { n: number }>('SELECT count(*) AS n FROM punches').get()!.n, 0);

  const gallery = new GalleryRepo(pool, readKeyFile(siteKey));
  const eraseLeaver = async (): Promise<boolean> => {
    const known = await pool.query("SELECT 1 FROM hub_people WHERE employee_code = 'LEAVER'");
    return known.rowCount === 1 && (await gallery.erase('LEAVER', 'fault-test')) !== null;
  };

  // Chaos until every kiosk has committed its share.
  proxy.chaos({ delayP: 0.3, maxDelayMs: 800, cutP: 0.25, maxLifeMs: 1_500 });
  let kiosksKilled = 0;
  let hubRestarted = false;
  let erased = false;
  const chaosStart = Date.now();
  while (committed() < KIOSKS * PER_KIOSK) {
    if (Date.now() - chaosStart > 400_000) throw new Error(`punching stalled at ${committed()}`);
    await sleep(700 + Math.random() * 1_300);
    const victim = Math.floor(Math.random() * KIOSKS);
    await kill9(sims[victim]!);
    kiosksKilled++;
    setTimeout(() => startSim(victim), 300 + Math.random() * 700);
    if (Math.random() < 0.3) proxy.cutAll();
    if (!hubRestarted && Date.now() - chaosStart > 6_000) {
      hubRestarted = true;
      await kill9(hubs[1]!);
      hubs[1] = hubProcess(hubDirs[1]!, hubPorts[1], hubEnv);
    }
    if (!erased) erased = await eraseLeaver();
  }
  // Make sure every sim is alive again and the restarted hub is up before faults stop.
  await sleep(1_200);
  for (let i = 0; i < KIOSKS; i++) if (sims[i]!.exitCode !== null || sims[i]!.signalCode !== null) startSim(i);
  await waitHealthy(hubPorts[1]);
  // Every kiosk process up again (a restart takes seconds on a loaded machine) before the last cut.
  while (!ready.every(Boolean)) await sleep(100);
  proxy.chaos(null);
  proxy.cutAll();
  const lastFault = Date.now();
  assert.ok(hubRestarted, 'a hub was restarted during the chaos');
  if (!erased) {
    const { rows } = await pool.query<{ name: string; employee_code: string | null; erased_at: number | null }>("SELECT name, employee_code, erased_at FROM hub_people WHERE name = 'Leaver'");
    assert.fail(`the erasure did not happen during the chaos (hub has: ${JSON.stringify(rows)})`);
  }

  // Convergence: every outbox drained, every gallery equal to the hub's.
  const hubGallery = async (): Promise<string> => {
    const { rows } = await pool.query<{ uid: string; keys: string }>(
      `SELECT p.uid, string_agg(s.source_key || '/' || s.kind || '/' || s.model_version, ',' ORDER BY s.source_key) AS keys
       FROM hub_people p JOIN hub_samples s ON s.person_uid = p.uid WHERE p.erased_at IS NULL AND p.active GROUP BY p.uid ORDER BY p.uid`,
    );
    return rows.map((r) => `${r.uid}:${r.keys}`).join(';');
  };
  const kioskGallery = (db: Database.Database): string =>
    db.prepare<[], { uid: string; keys: string }>(
      `SELECT p.uid, group_concat(k, ',') AS keys FROM people p JOIN (
         SELECT person_id, source_key || '/' || descriptor_kind || '/' || model_version AS k FROM face_samples ORDER BY source_key
       ) s ON s.person_id = p.id WHERE p.active = 1 GROUP BY p.uid ORDER BY p.uid`,
    ).all().map((r) => `${r.uid}:${r.keys}`).join(';');
  let convergedMs = -1;
  let drainedMs = -1;
  while (Date.now() - lastFault < 120_000) {
    const want = await hubGallery();
    const galleriesEqual = readonly.every((db) => kioskGallery(db) === want);
    const depth = readonly.reduce((n, db) => n + db.prepare<[], { n: number }>('SELECT count(*) AS n FROM outbox').get()!.n, 0);
    if (galleriesEqual && convergedMs < 0) convergedMs = Date.now() - lastFault;
    if (depth === 0 && drainedMs < 0) drainedMs = Date.now() - lastFault;
    if (convergedMs >= 0 && drainedMs >= 0) break;
    await sleep(200);
  }

  // Every committed punch exactly once.
  const local = new Map<string, string>();
  readonly.forEach((db, i) => {
    for (const r of db.prepare<[], { uid: string }>('SELECT uid FROM punches').all()) local.set(r.uid, `k${i}`);
  });
  const { rows } = await pool.query<{ id: string; kiosk_id: string }>('SELECT id, kiosk_id FROM hub_punches');
  const onHub = new Map(rows.map((r) => [r.id, r.kiosk_id]));
  const lost = [...local.keys()].filter((id) => !onHub.has(id)).length;
  const duplicated = rows.length - [...onHub.keys()].filter((id) => local.has(id)).length;
  const misattributed = [...local].filter(([id, k]) => onHub.has(id) && onHub.get(id) !== k).length;
  const galleryPeople = (await hubGallery()).split(';').filter(Boolean).length;
  const sharedPeople = (await pool.query("SELECT count(*)::int AS n FROM hub_people WHERE employee_code = 'SHARED'")).rows[0] as { n: number };

  console.log([
    '',
    `fault test: ${KIOSKS} kiosks, 2 hubs, ${local.size} punches committed at the kiosks, ${rows.length} rows in PostgreSQL`,
    `  lost ${lost}, duplicated ${duplicated}, attributed to the wrong kiosk ${misattributed}`,
    `  faults: ${kiosksKilled} kiosk kill -9s, 1 hub kill -9 + restart, ${proxy.cuts} connections cut, ${proxy.delayed} delayed, 1 erasure on the hub`,
    `  gallery (${galleryPeople} people with samples; one employee code enrolled at 2 kiosks → ${sharedPeople.n} person) equal at every kiosk ${convergedMs} ms after the last cut; outboxes drained after ${drainedMs} ms`,
    `  total run ${Math.round((Date.now() - t0) / 1000)} s`,
    '',
  ].join('\n'));

  if (drainedMs < 0) {
    // What is still waiting, per kiosk and kind: the lead to any record the hub keeps refusing.
    readonly.forEach((db, i) => {
      const left = db.prepare<[], { kind: string; n: number }>('SELECT kind, count(*) AS n FROM outbox GROUP BY kind').all();
      if (left.length > 0) console.log(`  k${i} outbox still holds ${left.map((l) => `${l.n} ${l.kind}`).join(', ')}`);
    });
  }
  assert.equal(local.size, KIOSKS * PER_KIOSK);
  assert.equal(lost, 0);
  assert.equal(duplicated, 0);
  assert.equal(misattributed, 0);
  assert.equal(sharedPeople.n, 1);
  assert.ok(convergedMs >= 0 && convergedMs <= 10_000, `galleries converged ${convergedMs} ms after the last fault (must be ≤ 10 000)`);
  assert.ok(drainedMs >= 0, 'every outbox drained');
  for (const c of sims) if (c) c.kill('SIGTERM');
  for (const h of hubs) h.kill('SIGTERM');
});
