import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, copyFileSync, existsSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openStore, type Store } from '../../../src/store/store.ts';
import { backupDatabase, inspectDatabaseFile, latestSchemaVersion } from '../../../src/store/backup.ts';
import { backupFileName, listBackups, pruneBackups, restoreBackup, scheduleBackups, takeBackup } from '../../../src/ops/backup.ts';
import { createKeyFile } from '../../../src/store/crypto.ts';
import { defaultStoreOptions } from '../../../src/store/options.ts';
import { isKioskError } from '../../../src/errors.ts';
import { FakeTimers } from '../capture/fake-timers.ts';
import { startOpsSchedules } from '../../../src/ops/runtime.ts';
import { defaultOpsOptions } from '../../../src/ops/options.ts';
import { descriptor, tempDir } from '../store/helpers.ts';

const T0 = Date.UTC(2024, 2, 4, 8, 0, 0);

function storeOpts(dataDir: string) {
  return { ...defaultStoreOptions, dataDir, reportTimeZone: 'Asia/Ho_Chi_Minh' };
}

function fill(store: Store): void {
  const people = ['Nguyễn Văn An', 'Trần Thị Bình', 'Lê Cường'].map((name, i) => store.people.upsert({ name, employeeCode: `E${i}` }, 'admin').person);
  people.forEach((p, i) => store.people.addSamples(p.id, [0, 1].map((k) => ({ descriptor: descriptor(16, i * 10 + k), kind: 'faceres' as const, modelVersion: 'm1', quality: 0.8, sourceKey: `${p.id}-${k}` }))));
  for (let k = 0; k < 30; k++) {
    const p = people[k % 3]!;
    store.attendance.record({ personId: p.id, ts: T0 + k * 3_600_000, kioskId: 'gate', similarity: 0.9, evidence: { k } }, 0);
  }
  store.attendance.void(1, 'test', 'admin');
  store.attendance.recordSighting('unknown', T0 + 5, 'gate', { n: 1 }, 3);
  store.people.remove(people[2]!.id, 'admin');
}

/** Everything a user of the store can ask for. */
function queries(store: Store): unknown {
  const range = { from: T0 - 86_400_000, to: T0 + 10 * 86_400_000 };
  const g = store.people.loadGallery('faceres');
  return {
    people: store.people.list({ includeInactive: true }),
    gallery: { people: g.people, index: Array.from(g.personIndex), descriptors: Array.from(g.descriptors) },
    samples: store.people.list({ includeInactive: true }).map((p) => store.people.sampleRecords(p.id, { includeDescriptors: true })),
    punches: store.attendance.list({ ...range, includeVoided: true, limit: 1000 }),
    daily: store.attendance.daily({ ...range, timeZone: 'Asia/Ho_Chi_Minh' }),
    sightings: store.attendance.listSightings(range),
    audit: store.audit.list({ limit: 1000 }),
  };
}

function refused(pattern: RegExp) {
  return (e: unknown): boolean => isKioskError(e) && e.code === 'STORE_FAILED' && pattern.test(e.message);
}

describe('backup and restore', () => {
  test('backup → wipe → restore gives identical query results', async (t) => {
    const tmp = tempDir();
    t.after(tmp.cleanup);
    const opts = storeOpts(join(tmp.dir, 'data'));
    const store = openStore(opts);
    fill(store);
    const before = queries(store);
    const run = await takeBackup(store.db, join(tmp.dir, 'backups'), 3, T0);
    // Written while the store is open and writable: an online copy.
    assert.equal(run.backup.people, 3);
    assert.equal(run.backup.punches, 30);
    assert.equal(run.backup.sealedSamples, 4);
    store.close();

    for (const f of readdirSync(opts.dataDir)) if (f.startsWith('kiosk.db')) rmSync(join(opts.dataDir, f));
    assert.equal(existsSync(join(opts.dataDir, 'kiosk.db')), false);

    const r = await restoreBackup(run.backup.path, opts, T0 + 1);
    assert.equal(r.previous, null);
    const restored = openStore(opts);
    assert.deepEqual(queries(restored), before);
    restored.close();
  });

  test('restoring over a live database keeps the current one aside', async (t) => {
    const tmp = tempDir();
    t.after(tmp.cleanup);
    const opts = storeOpts(join(tmp.dir, 'data'));
    const store = openStore(opts);
    fill(store);
    const path = join(tmp.dir, 'b.db');
    await backupDatabase(store.db, path);
    store.attendance.recordSighting('spoof', T0 + 99, 'gate', {});
    const current = queries(store);
    store.close();

    const r = await restoreBackup(path, opts, T0);
    assert.ok(r.previous && existsSync(r.previous));
    const aside = new Database(r.previous, { readonly: true });
    assert.equal(aside.prepare<[], { n: number }>("SELECT count(*) AS n FROM sightings WHERE kind = 'spoof'").get()?.n, 1);
    aside.close();
    const restored = openStore(opts);
    assert.equal(restored.attendance.listSightings({ from: 0, to: T0 + 1000, kind: 'spoof' }).length, 0);
    assert.notDeepEqual(queries(restored), current);
    restored.close();
  });

  test('refuses a non-SQLite file, a corrupt one, a foreign database and one from a newer kiosk, leaving the current database alone', async (t) => {
    const tmp = tempDir();
    t.after(tmp.cleanup);
    const opts = storeOpts(join(tmp.dir, 'data'));
    const store = openStore(opts);
    fill(store);
    const good = join(tmp.dir, 'good.db');
    await backupDatabase(store.db, good);
    store.close();
    const size = statSync(good).size;

    const text = join(tmp.dir, 'notes.db');
    writeFileSync(text, 'name,ts\nAn,1\n');
    const corrupt = join(tmp.dir, 'corrupt.db');
    copyFileSync(good, corrupt);
    const fd = openSync(corrupt, 'r+');
    writeSync(fd, Buffer.alloc(4096, 0xa5), 0, 4096, Math.floor(size / 4096 / 2) * 4096);
    closeSync(fd);
    const truncated = join(tmp.dir, 'truncated.db');
    // The header survives, most pages do not.
    writeFileSync(truncated, readFileSync(good).subarray(0, 8192));
    const foreign = join(tmp.dir, 'foreign.db');
    const f = new Database(foreign);
    f.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)');
    f.close();
    const otherApp = join(tmp.dir, 'other-app.db');
    copyFileSync(good, otherApp);
    const o = new Database(otherApp);
    o.pragma('application_id = 42');
    o.close();
    const newer = join(tmp.dir, 'newer.db');
    copyFileSync(good, newer);
    const n = new Database(newer);
    n.pragma(`user_version = ${latestSchemaVersion() + 1}`);
    n.close();

    const cases: [string, RegExp][] = [
      [text, /not a SQLite database/],
      [corrupt, /corrupt|cannot open/],
      [truncated, /corrupt|cannot open/],
      [foreign, /not an attendance-kiosk database .*missing tables people/],
      [otherApp, /not an attendance-kiosk database \(application_id 42/],
      [newer, /made by a newer kiosk/],
      [join(tmp.dir, 'absent.db'), /cannot read/],
    ];
    for (const [file, why] of cases) {
      await assert.rejects(restoreBackup(file, opts, T0), refused(why), file);
    }
    assert.deepEqual(readdirSync(opts.dataDir).filter((x) => x.includes('before-restore')), []);
    const still = openStore(opts);
    assert.equal(still.attendance.list({ from: 0, to: T0 * 2, includeVoided: true }).total, 30);
    still.close();
    assert.equal(inspectDatabaseFile(good).punches, 30);
  });

  test('refuses a backup whose descriptors need a key this data directory does not have', async (t) => {
    const tmp = tempDir();
    t.after(tmp.cleanup);
    const a = storeOpts(join(tmp.dir, 'a'));
    const store = openStore(a);
    fill(store);
    const file = join(tmp.dir, 'a.db');
    await backupDatabase(store.db, file);
    store.close();

    const b = storeOpts(join(tmp.dir, 'b'));
    await assert.rejects(restoreBackup(file, b, T0), refused(/no descriptor key at/));
    createKeyFile(join(b.dataDir, 'descriptor.key'));
    await assert.rejects(restoreBackup(file, b, T0), refused(/was sealed with descriptor key/));
    // With the original key copied over, it restores.
    rmSync(join(b.dataDir, 'descriptor.key'));
    copyFileSync(join(a.dataDir, 'descriptor.key'), join(b.dataDir, 'descriptor.key'));
    const r = await restoreBackup(file, b, T0);
    assert.equal(r.restored.punches, 30);
  });

  test('keeps the newest N backups and never touches other files', (t) => {
    const tmp = tempDir();
    t.after(tmp.cleanup);
    for (let i = 0; i < 5; i++) writeFileSync(join(tmp.dir, backupFileName(T0 + i * 86_400_000)), '');
    writeFileSync(join(tmp.dir, 'manual-copy.db'), '');
    const deleted = pruneBackups(tmp.dir, 3);
    assert.deepEqual(deleted, [0, 1].map((i) => join(tmp.dir, backupFileName(T0 + i * 86_400_000))));
    assert.deepEqual(listBackups(tmp.dir).map((b) => b.name), [2, 3, 4].map((i) => backupFileName(T0 + i * 86_400_000)));
    assert.ok(existsSync(join(tmp.dir, 'manual-copy.db')));
  });

  test('the schedule backs up once per interval and prunes', async (t) => {
    const tmp = tempDir();
    t.after(tmp.cleanup);
    const store = openStore(storeOpts(tmp.dir));
    t.after(() => store.close());
    const timers = new FakeTimers(T0);
    const job = scheduleBackups({ db: store.db, dataDir: tmp.dir, options: { enabled: true, dir: 'backups', keep: 2, intervalMs: 1000 }, clock: () => timers.now(), timers });
    assert.ok(job);
    assert.equal(listBackups(join(tmp.dir, 'backups')).length, 0);
    for (let i = 1; i <= 3; i++) {
      timers.advance(999);
      await job.idle();
      assert.equal(listBackups(join(tmp.dir, 'backups')).length, Math.min(2, i - 1));
      timers.advance(1);
      // The backup itself is async (better-sqlite3 copies in steps): wait for the run the timer started.
      await job.idle();
      assert.equal(listBackups(join(tmp.dir, 'backups')).length, Math.min(2, i));
    }
    await job.stop();
    assert.equal(timers.scheduled, 0);
    assert.equal(scheduleBackups({ db: store.db, dataDir: tmp.dir, options: { enabled: false, dir: 'b', keep: 1, intervalMs: 1 } }), null);
  });
});

describe('startOpsSchedules', () => {
  test('applies retention at start and on its interval, backs up on its interval, and stops cleanly', async (t) => {
    const tmp = tempDir();
    t.after(tmp.cleanup);
    const store = openStore(storeOpts(tmp.dir), { clock: () => T0 });
    t.after(() => store.close());
    store.attendance.recordSighting('unknown', T0 - 40 * 86_400_000, 'k', {});
    store.attendance.recordSighting('unknown', T0 - 1000, 'k', {});
    const timers = new FakeTimers(T0);
    const ops = { ...defaultOpsOptions, retention: { ...defaultOpsOptions.retention, intervalMs: 5000 }, backup: { ...defaultOpsOptions.backup, intervalMs: 3000 } };
    const s = startOpsSchedules({ db: store.db, dataDir: tmp.dir, ops, clock: () => timers.now(), timers });
    await s.retention.idle();
    assert.equal(store.attendance.listSightings({ from: 0, to: T0 * 2 }).length, 1, 'expired sighting removed at start');
    assert.equal(listBackups(join(tmp.dir, 'backups')).length, 0);
    timers.advance(3000);
    await s.backups?.idle();
    assert.equal(listBackups(join(tmp.dir, 'backups')).length, 1);
    await s.stop();
    assert.equal(timers.scheduled, 0);
  });
});
