import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openStore } from '../../../src/store/store.ts';
import { MS_PER_DAY, purgeExpired, retentionCutoff } from '../../../src/store/retention.ts';
import { erasePerson, personSnapshotDir, purgeSnapshotFiles, runRetention } from '../../../src/ops/retention.ts';
import { defaultOpsOptions } from '../../../src/ops/options.ts';
import { descriptor, tempDir } from '../store/helpers.ts';

const NOW = Date.UTC(2024, 5, 30, 12, 0, 0);
const day = (n: number): number => NOW - n * MS_PER_DAY;

function seeded(t: { after(fn: () => void): void }) {
  const tmp = tempDir();
  t.after(tmp.cleanup);
  const store = openStore({ dataDir: tmp.dir }, { clock: () => NOW });
  t.after(() => store.close());
  const a = store.people.upsert({ name: 'An' }).person;
  const b = store.people.upsert({ name: 'Bình' }).person;
  for (const [p, ts] of [[a.id, day(400)], [a.id, day(10)], [b.id, day(200)]] as const) {
    store.attendance.record({ personId: p, ts, kioskId: 'k', similarity: 0.9, evidence: {} }, 0);
  }
  for (const ts of [day(60), day(31), day(29), day(1)]) store.attendance.recordSighting('unknown', ts, 'k', {});
  store.attendance.recordSighting('spoof', day(45), 'k', {});
  return { tmp, store, a, b };
}

const count = (store: ReturnType<typeof openStore>, table: string): number => store.db.prepare<[], { n: number }>(`SELECT count(*) AS n FROM ${table}`).get()?.n ?? 0;

describe('retention', () => {
  test('0 days keeps forever; a cutoff is now minus whole days', () => {
    assert.equal(retentionCutoff(NOW, 0), null);
    assert.equal(retentionCutoff(NOW, 2), NOW - 2 * MS_PER_DAY);
  });

  test('deletes sightings and punches older than their retention, and audits the run', (t) => {
    const { store } = seeded(t);
    const r = purgeExpired(store.db, { unknownSightingsDays: 30, punchesDays: 365 }, NOW);
    assert.equal(r.sightingsDeleted, 3); // 60, 45 (spoof) and 31 days old
    assert.equal(r.punchesDeleted, 1);
    assert.equal(count(store, 'sightings'), 2);
    assert.equal(count(store, 'punches'), 2);
    const entry = store.audit.list({ target: 'store' })[0];
    assert.equal(entry?.action, 'retention.purge');
    assert.equal(entry?.details['punchesDeleted'], 1);
    // Nothing left to delete: no new audit entry.
    purgeExpired(store.db, { unknownSightingsDays: 30, punchesDays: 365 }, NOW);
    assert.equal(store.audit.list({ target: 'store' }).length, 1);
  });

  test('with 0 days nothing is deleted', (t) => {
    const { store } = seeded(t);
    const r = purgeExpired(store.db, { unknownSightingsDays: 0, punchesDays: 0 }, NOW);
    assert.deepEqual([r.sightingsDeleted, r.punchesDeleted, r.peopleDeleted], [0, 0, 0]);
    assert.equal(count(store, 'punches'), 3);
  });

  test('a removed person kept only for their punches goes when the last punch expires', (t) => {
    const { store, b } = seeded(t);
    store.people.addSamples(b.id, [{ descriptor: descriptor(8, 1), kind: 'faceres', modelVersion: 'm', quality: 1, sourceKey: 'x' }]);
    assert.deepEqual(store.people.remove(b.id, 'admin'), { removed: true, mode: 'deactivated', samplesDeleted: 1 });
    const r = purgeExpired(store.db, { unknownSightingsDays: 0, punchesDays: 100 }, NOW);
    assert.equal(r.peopleDeleted, 1);
    assert.equal(store.people.get(b.id), null);
    assert.deepEqual(store.audit.list({ target: `person:${b.id}` }).map((e) => e.action), ['person.purge', 'person.remove', 'samples.add', 'person.create']);
  });

  test('snapshot files older than their retention are deleted, and emptied folders with them', (t) => {
    const tmp = tempDir();
    t.after(tmp.cleanup);
    const dir = join(tmp.dir, 'snapshots');
    const files = { old: join(dir, '2024-01', 'a.jpg'), fresh: join(dir, '2024-06', 'b.jpg'), oldToo: join(dir, 'c.jpg') };
    for (const f of Object.values(files)) {
      mkdirSync(join(f, '..'), { recursive: true });
      writeFileSync(f, 'x');
    }
    utimesSync(files.old, new Date(day(40)), new Date(day(40)));
    utimesSync(files.oldToo, new Date(day(31)), new Date(day(31)));
    utimesSync(files.fresh, new Date(day(2)), new Date(day(2)));
    assert.equal(purgeSnapshotFiles(dir, day(30)), 2);
    assert.equal(existsSync(join(dir, '2024-01')), false);
    assert.ok(existsSync(files.fresh));
    assert.ok(existsSync(dir));
  });

  test('runRetention applies the configured slice to rows and snapshots', (t) => {
    const { store, tmp } = seeded(t);
    const snap = join(tmp.dir, 'snapshots', 'x.jpg');
    mkdirSync(join(tmp.dir, 'snapshots'));
    writeFileSync(snap, 'x');
    utimesSync(snap, new Date(day(31)), new Date(day(31)));
    const r = runRetention({ db: store.db, dataDir: tmp.dir, options: defaultOpsOptions.retention }, NOW);
    assert.equal(r.sightingsDeleted, 3);
    assert.equal(r.punchesDeleted, 0); // punches are kept forever by default
    assert.equal(r.snapshotsDeleted, 1);
  });

  test('erasing a person removes their descriptors and snapshot folder, audited', (t) => {
    const { store, tmp, a } = seeded(t);
    store.people.addSamples(a.id, [{ descriptor: descriptor(8, 2), kind: 'faceres', modelVersion: 'm', quality: 1, sourceKey: 'y' }]);
    const dir = personSnapshotDir(join(tmp.dir, 'snapshots'), a.id);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, '1.jpg'), 'x');
    writeFileSync(join(dir, '2.jpg'), 'x');
    const r = erasePerson({ people: store.people, audit: store.audit, dataDir: tmp.dir, options: defaultOpsOptions.retention, clock: () => NOW }, a.id, 'admin');
    assert.equal(r.removed, true);
    assert.equal(r.snapshotsDeleted, 2);
    assert.equal(existsSync(dir), false);
    assert.equal(store.people.countSamples({ personId: a.id }), 0);
    assert.deepEqual(store.audit.list({ target: `person:${a.id}` }).map((e) => e.action).slice(0, 2), ['person.snapshots.erase', 'person.remove']);
  });
});
