import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { runMigrations, schemaVersion } from '../../../src/store/db.ts';
import { migrations } from '../../../src/store/migrations/index.ts';
import { encodeCropJpeg } from '../../../src/model/align/crop-jpeg.ts';
import { DescriptorCipher } from '../../../src/store/crypto.ts';
import { purgeExpired, MS_PER_DAY } from '../../../src/store/retention.ts';
import { openStore, recordKeyId, type Store } from '../../../src/store/store.ts';
import { isKioskError } from '../../../src/errors.ts';
import { fakeClock, tempDir } from './helpers.ts';

const clock = fakeClock();
const JPEG_SOI = Buffer.from([0xff, 0xd8, 0xff]);

function open(t: { after(fn: () => void): void }, encrypt = true): { store: Store; file: string } {
  const tmp = tempDir();
  t.after(tmp.cleanup);
  const store = openStore({ dataDir: tmp.dir, encryptDescriptors: encrypt }, { clock: clock.now });
  t.after(() => store.close());
  return { store, file: store.db.name };
}

/** A real 112×112 aligned-crop JPEG whose content depends on `seed`. */
async function crop(seed: number): Promise<Buffer> {
  const pixels = Buffer.alloc(112 * 112 * 3);
  for (let i = 0; i < pixels.length; i++) pixels[i] = (i * (seed + 5) + seed * 31) % 253;
  return encodeCropJpeg({ width: 112, height: 112, pixels });
}

function punchOf(store: Store, personId: number, ts: number): number {
  const r = store.attendance.record({ personId, ts, kioskId: 'k', similarity: 0.8, evidence: {} }, 0);
  assert.ok(r.logged);
  return r.punchId;
}

function rawImages(store: Store): Buffer[] {
  return store.db.prepare<[], { image: Buffer }>('SELECT image FROM evidence_photos').all().map((r) => r.image);
}

describe('evidence photos', () => {
  test('punch, fallback and sighting photos are sealed at rest: no JPEG marker or crop bytes in the table or the file', async (t) => {
    const { store, file } = open(t);
    const lan = store.people.upsert({ name: 'Lan', employeeCode: 'NV-1' }).person.id;
    const photos = [await crop(1), await crop(2), await crop(3)];
    const punch = punchOf(store, lan, clock.now());
    store.people.evidence.put({ kind: 'punch', id: punch }, photos[0]!, clock.now());
    const { punchId: fallback } = store.attendance.recordFallback({ personId: lan, ts: clock.now() + 1, kioskId: 'k', actor: 'kiosk:local' }, (id) =>
      store.people.evidence.put({ kind: 'punch', id }, photos[1]!, clock.now()),
    );
    const sighting = store.attendance.recordSighting('unknown', clock.now(), 'k', {});
    store.people.evidence.put({ kind: 'sighting', id: sighting }, photos[2]!, clock.now());

    const raw = rawImages(store);
    assert.equal(raw.length, 3);
    for (const image of raw) {
      assert.notDeepEqual(image.subarray(0, 3), JPEG_SOI, 'a stored photo starts like a JPEG');
      assert.equal(image.indexOf(JPEG_SOI), -1, 'a JPEG start marker appears in a stored photo');
      for (const p of photos) assert.equal(image.indexOf(p.subarray(20, 84)), -1, 'a run of crop bytes is stored in clear');
    }
    assert.equal(store.db.prepare<[], { n: number }>('SELECT count(*) AS n FROM evidence_photos WHERE sealed = 0').get()?.n, 0);
    // The database file itself (pages and WAL checkpointed) holds no crop in clear either.
    store.db.pragma('wal_checkpoint(TRUNCATE)');
    const bytes = readFileSync(file);
    for (const p of photos) assert.equal(bytes.indexOf(p.subarray(20, 84)), -1);

    assert.deepEqual(store.people.evidence.get({ kind: 'punch', id: punch }), photos[0]);
    assert.deepEqual(store.people.evidence.get({ kind: 'punch', id: fallback }), photos[1]);
    assert.deepEqual(store.people.evidence.get({ kind: 'sighting', id: sighting }), photos[2]);
    const listed = store.attendance.list({ from: 0, to: clock.now() + 10 }).items;
    assert.deepEqual(listed.map((p) => [p.source, p.review, p.hasPhoto]), [['fallback', true, true], ['face', false, true]]);
    assert.equal(store.attendance.listSightings({ from: 0, to: clock.now() + 10 })[0]?.hasPhoto, true);
    assert.ok(store.audit.list({ limit: 10 }).some((a) => a.action === 'punch.fallback'));
  });

  test('a sealed photo cannot be moved onto another punch', async (t) => {
    const { store } = open(t);
    const lan = store.people.upsert({ name: 'Lan' }).person.id;
    const a = punchOf(store, lan, clock.now());
    const b = punchOf(store, lan, clock.now() + 1);
    store.people.evidence.put({ kind: 'punch', id: a }, await crop(4), clock.now());
    store.db.prepare('UPDATE evidence_photos SET punch_id = ? WHERE punch_id = ?').run(b, a);
    assert.throws(() => store.people.evidence.get({ kind: 'punch', id: b }), (err: unknown) => isKioskError(err) && /cannot decrypt/.test(err.message));
  });

  test('erasing a person deletes the photos of their punches (the punches stay) and their personal PIN', async (t) => {
    const { store } = open(t);
    const lan = store.people.upsert({ name: 'Lan', employeeCode: 'NV-1' }).person.id;
    const binh = store.people.upsert({ name: 'Bình' }).person.id;
    const mine = punchOf(store, lan, clock.now());
    const theirs = punchOf(store, binh, clock.now());
    store.people.evidence.put({ kind: 'punch', id: mine }, await crop(5), clock.now());
    store.people.evidence.put({ kind: 'punch', id: theirs }, await crop(6), clock.now());
    assert.ok(store.people.setPinHash(lan, 'scrypt$1$8$1$c2FsdHNhbHQ=$a2V5a2V5a2V5a2V5a2V5a2V5', 'admin:a'));
    const r = store.people.remove(lan, 'admin:a');
    assert.ok(r.removed && r.mode === 'deactivated');
    assert.equal(store.people.evidence.has({ kind: 'punch', id: mine }), false);
    assert.equal(store.people.evidence.has({ kind: 'punch', id: theirs }), true);
    assert.equal(store.attendance.get(mine)?.hasPhoto, false);
    assert.equal(store.people.hasPin(lan), false);
    assert.equal(store.people.fallbackCredentials('NV-1'), null);
    const audit = store.audit.list({ limit: 10 }).find((a) => a.action === 'person.remove');
    assert.equal(audit?.details.photosDeleted, 1);
  });

  test('retention deletes the photos of the punches and sightings it expires', async (t) => {
    const { store } = open(t);
    const lan = store.people.upsert({ name: 'Lan' }).person.id;
    const now = clock.now();
    const old = punchOf(store, lan, now - 40 * MS_PER_DAY);
    const recent = punchOf(store, lan, now - MS_PER_DAY);
    const oldSighting = store.attendance.recordSighting('unknown', now - 40 * MS_PER_DAY, 'k', {});
    const newSighting = store.attendance.recordSighting('spoof', now - MS_PER_DAY, 'k', {});
    for (const owner of [{ kind: 'punch', id: old }, { kind: 'punch', id: recent }, { kind: 'sighting', id: oldSighting }, { kind: 'sighting', id: newSighting }] as const) {
      store.people.evidence.put(owner, await crop(owner.id), now);
    }
    const r = purgeExpired(store.db, { unknownSightingsDays: 30, punchesDays: 30 }, now);
    assert.equal(r.punchesDeleted, 1);
    assert.equal(r.sightingsDeleted, 1);
    assert.equal(store.people.evidence.count(), 2);
    assert.equal(store.people.evidence.has({ kind: 'punch', id: recent }), true);
    assert.equal(store.people.evidence.has({ kind: 'sighting', id: newSighting }), true);
  });

  test('rekey re-seals evidence photos; photos stored without a key are sealed by it', async (t) => {
    const { store } = open(t);
    const lan = store.people.upsert({ name: 'Lan' }).person.id;
    const id = punchOf(store, lan, clock.now());
    const photo = await crop(7);
    store.people.evidence.put({ kind: 'punch', id }, photo, clock.now());
    const next = DescriptorCipher.generate();
    store.people.rekey(next, () => recordKeyId(store.db, next.keyId));
    assert.deepEqual(store.people.evidence.get({ kind: 'punch', id }), photo);

    const plain = open(t, false).store;
    const p = plain.people.upsert({ name: 'Lan' }).person.id;
    const pid = punchOf(plain, p, clock.now());
    plain.people.evidence.put({ kind: 'punch', id: pid }, photo, clock.now());
    assert.deepEqual(rawImages(plain)[0], photo);
    plain.people.rekey(DescriptorCipher.generate());
    assert.equal(rawImages(plain)[0]!.indexOf(JPEG_SOI), -1);
  });

  test('a photo that is no face crop (empty, huge) is refused', (t) => {
    const { store } = open(t);
    const lan = store.people.upsert({ name: 'Lan' }).person.id;
    const id = punchOf(store, lan, clock.now());
    assert.throws(() => store.people.evidence.put({ kind: 'punch', id }, Buffer.alloc(0), clock.now()), /not a face crop/);
    assert.throws(() => store.people.evidence.put({ kind: 'punch', id }, Buffer.alloc(1024 * 1024), clock.now()), /not a face crop/);
  });
});

describe('migration 8 on a version-7 database', () => {
  test('existing manual punches get source manual, face punches source face, none flagged, no photos; shift assignments kept', () => {
    const db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    runMigrations(db, migrations.filter((m) => m.version <= 7));
    db.prepare("INSERT INTO shifts (id, name, start_minute, end_minute, grace_minutes, overnight, work_days, created_at) VALUES (1, 'Night', 1320, 360, 5, 1, 127, 0)").run();
    db.prepare("INSERT INTO people (id, name, name_search, created_at, shift_id) VALUES (1, 'Lan', 'lan', 0, 1)").run();
    db.prepare("INSERT INTO punches (person_id, ts, kiosk_id, similarity, evidence, manual) VALUES (1, 1, 'k', 0.8, '{}', 0), (1, 2, 'k', NULL, '{\"reason\":\"forgot\"}', 1)").run();
    runMigrations(db, migrations.filter((m) => m.version <= 8));
    assert.equal(schemaVersion(db), 8);
    assert.deepEqual(db.prepare('SELECT source, review FROM punches ORDER BY ts').all(), [{ source: 'face', review: 0 }, { source: 'manual', review: 0 }]);
    assert.deepEqual(db.prepare<[], { pin_hash: string | null; shift_id: number | null }>('SELECT pin_hash, shift_id FROM people').get(), { pin_hash: null, shift_id: 1 });
    assert.throws(() => db.prepare("UPDATE punches SET source = 'other'").run(), /CHECK/);
    db.close();
  });
});
