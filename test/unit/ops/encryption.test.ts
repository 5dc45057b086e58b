import { ensureSyncFunctions } from '../../../src/store/sql-functions.ts';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openStore, keyFilePath, storedKeyId, pendingKeyPath, recordKeyId } from '../../../src/store/store.ts';
import { PeopleRepo } from '../../../src/store/people-repo.ts';
import { createKeyFile, DescriptorCipher, SEALED_OVERHEAD } from '../../../src/store/crypto.ts';
import { openDatabase } from '../../../src/store/db.ts';
import { rotateKey } from '../../../src/ops/keys.ts';
import { isKioskError, type ErrorCode } from '../../../src/errors.ts';
import type { SampleInput } from '../../../src/store/types.ts';
import { tempDir } from '../store/helpers.ts';

const DIM = 32;

/** Irregular values (a small LCG), so a match in the file cannot be a coincidence of a pattern. */
function vec(seed: number): Float32Array {
  let s = seed * 7919 + 17;
  const v = new Float32Array(DIM);
  for (let i = 0; i < DIM; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    v[i] = s / 2147483648 - 0.5;
  }
  return v;
}

function samples(seed: number, n: number): SampleInput[] {
  return Array.from({ length: n }, (_, i) => ({ descriptor: vec(seed * 100 + i), kind: 'faceres' as const, modelVersion: 'm1', quality: 0.9, sourceKey: `p${seed}-${i}.jpg` }));
}

/** True when any 16-byte (4-float) window of `v` occurs in `hay`: a descriptor, or part of one, in clear. */
function leaks(hay: Buffer, v: Float32Array): boolean {
  const bytes = Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  for (let off = 0; off + 16 <= bytes.length; off += 16) if (hay.indexOf(bytes.subarray(off, off + 16)) >= 0) return true;
  return false;
}

function fileBytes(path: string): Buffer {
  return Buffer.concat([path, `${path}-wal`].filter(existsSync).map((p) => readFileSync(p)));
}

function isCode(code: ErrorCode, pattern: RegExp) {
  return (e: unknown): boolean => isKioskError(e) && e.code === code && pattern.test(e.message);
}

function setup(t: { after(fn: () => void): void }) {
  const tmp = tempDir();
  t.after(tmp.cleanup);
  const opts = { dataDir: tmp.dir, dbFile: 'kiosk.db' };
  return { tmp, opts, dbPath: join(tmp.dir, 'kiosk.db'), keyPath: join(tmp.dir, 'descriptor.key') };
}

describe('descriptors at rest', () => {
  test('the database file opened without the key shows no descriptor in clear', (t) => {
    const { opts, dbPath, keyPath } = setup(t);
    const store = openStore(opts);
    const all: Float32Array[] = [];
    for (const seed of [1, 2, 3]) {
      const { person } = store.people.upsert({ name: `P${seed}` });
      const s = samples(seed, 4);
      store.people.addSamples(person.id, s);
      all.push(...s.map((x) => x.descriptor));
    }
    store.close();
    assert.ok(existsSync(keyPath));

    // What someone holding only the database sees.
    const raw = new Database(dbPath, { readonly: true });
    const rows = raw.prepare<[], { descriptor: Buffer; dim: number; source_key: string }>('SELECT descriptor, dim, source_key FROM face_samples ORDER BY id').all();
    raw.close();
    assert.equal(rows.length, 12);
    rows.forEach((r, i) => {
      const plain = Buffer.from(all[i]!.buffer);
      assert.equal(r.descriptor.length, r.dim * 4 + SEALED_OVERHEAD);
      assert.equal(r.descriptor.indexOf(plain.subarray(0, 16)), -1);
      assert.ok(!leaks(r.descriptor, all[i]!), `blob of ${r.source_key} contains its floats`);
    });
    const file = fileBytes(dbPath);
    for (const v of all) assert.ok(!leaks(file, v), 'the database file contains a descriptor in clear');

    // Reading the gallery needs the key. (A connection of the store's own has the SQL functions the
    // sync triggers call; a bare one needs them before a repository can prepare its writes.)
    const db = new Database(dbPath);
    ensureSyncFunctions(db);
    assert.throws(() => new PeopleRepo(db).loadGallery('faceres'), isCode('STORE_FAILED', /encrypted and no descriptor key/));
    assert.throws(() => new PeopleRepo(db, { cipher: DescriptorCipher.generate() }).loadGallery('faceres'), isCode('DESCRIPTOR_INVALID', /cannot decrypt .* wrong key/));
    db.close();

    // With the key, the gallery is exactly what was enrolled.
    const again = openStore(opts);
    const g = again.people.loadGallery('faceres');
    assert.deepEqual(Array.from(g.descriptors), all.flatMap((v) => Array.from(v)));
    again.close();
  });

  test('a missing or different key file stops the store with a clear error', (t) => {
    const { opts, keyPath } = setup(t);
    const store = openStore(opts);
    const { person } = store.people.upsert({ name: 'A' });
    store.people.addSamples(person.id, samples(1, 2));
    const keyId = store.cipher?.keyId;
    store.close();

    const saved = readFileSync(keyPath);
    rmSync(keyPath);
    assert.throws(() => openStore(opts), isCode('STORE_FAILED', new RegExp(`missing, and 2 stored descriptors are encrypted with it \\(key id ${keyId}\\)`)));
    createKeyFile(keyPath);
    assert.throws(() => openStore(opts), isCode('STORE_FAILED', new RegExp(`is not the key this database's 2 descriptors were sealed with \\(id ${keyId}\\)`)));
    rmSync(keyPath);
    // The original key back: everything readable again.
    writeFileSync(keyPath, saved, { mode: 0o600 });
    const ok = openStore(opts);
    assert.equal(ok.people.loadGallery('faceres').personIndex.length, 2);
    ok.close();
  });

  test('descriptors stored in clear before encryption are sealed on the next open, leaving none in the file', (t) => {
    const { opts, dbPath } = setup(t);
    const db = openDatabase(dbPath);
    const legacy = new PeopleRepo(db);
    const { person } = legacy.upsert({ name: 'Old' });
    const s = samples(9, 3);
    legacy.addSamples(person.id, s);
    db.close();
    assert.ok(s.some((x) => leaks(fileBytes(dbPath), x.descriptor)), 'precondition: the legacy file holds descriptors in clear');

    const store = openStore(opts);
    assert.deepEqual(Array.from(store.people.loadGallery('faceres').descriptors), s.flatMap((x) => Array.from(x.descriptor)));
    assert.ok(store.people.sampleRecords(person.id).every((r) => r.encrypted));
    store.close();
    for (const x of s) assert.ok(!leaks(fileBytes(dbPath), x.descriptor), 'a clear descriptor survived sealing');
  });

  test('removing a person leaves none of their descriptor bytes in the file (secure_delete)', (t) => {
    const { opts, dbPath } = setup(t);
    const store = openStore(opts);
    const { person } = store.people.upsert({ name: 'Gone' });
    store.people.addSamples(person.id, samples(4, 3));
    const blobs = store.db.prepare<[], { descriptor: Buffer }>('SELECT descriptor FROM face_samples').all().map((r) => r.descriptor);
    store.db.pragma('wal_checkpoint(TRUNCATE)');
    assert.ok(blobs.every((b) => fileBytes(dbPath).indexOf(b.subarray(13, 45)) >= 0), 'precondition: sealed blobs are in the file');
    store.people.remove(person.id, 'admin');
    store.db.pragma('wal_checkpoint(TRUNCATE)');
    store.close();
    const file = fileBytes(dbPath);
    for (const b of blobs) assert.equal(file.indexOf(b.subarray(13, 45)), -1);
  });

  test('a :memory: store encrypts with a throwaway key and writes no key file', (t) => {
    const { tmp } = setup(t);
    const store = openStore({ dataDir: tmp.dir, dbFile: ':memory:' });
    const { person } = store.people.upsert({ name: 'M' });
    store.people.addSamples(person.id, samples(2, 1));
    assert.equal(store.people.sampleRecords(person.id)[0]?.encrypted, true);
    assert.equal(existsSync(keyFilePath({ dataDir: tmp.dir, keyFile: 'descriptor.key' })), false);
    store.close();
  });

  test('encryptDescriptors: false stores descriptors in clear (and says so in the records)', (t) => {
    const { opts } = setup(t);
    const store = openStore({ ...opts, encryptDescriptors: false });
    const { person } = store.people.upsert({ name: 'C' });
    store.people.addSamples(person.id, samples(3, 1));
    assert.equal(store.people.sampleRecords(person.id)[0]?.encrypted, false);
    assert.equal(store.cipher, null);
    store.close();
  });
});

describe('key rotation', () => {
  test('re-seals every descriptor under a new key, keeps the old key for old backups, and stale holders are refused', (t) => {
    const { opts, keyPath } = setup(t);
    const store = openStore(opts);
    const { person } = store.people.upsert({ name: 'R' });
    const s = samples(5, 3);
    store.people.addSamples(person.id, s);
    const stale = openStore(opts); // another process holding the old key
    const r = rotateKey(store, { ...opts, keyFile: 'descriptor.key' });
    assert.equal(r.samples, 3);
    assert.notEqual(r.newKeyId, r.oldKeyId);
    assert.equal(storedKeyId(store.db), r.newKeyId);
    assert.ok(existsSync(r.oldKeyPath));
    assert.ok(!existsSync(pendingKeyPath(keyPath)));
    assert.throws(() => stale.people.addSamples(person.id, samples(6, 1)), isCode('STORE_FAILED', /descriptor key changed/));
    stale.close();
    store.close();
    const reopened = openStore(opts);
    assert.equal(reopened.cipher?.keyId, r.newKeyId);
    assert.deepEqual(Array.from(reopened.people.loadGallery('faceres').descriptors), s.flatMap((x) => Array.from(x.descriptor)));
    reopened.close();
  });

  test('a rotation that committed but crashed before installing the new key file is finished on open', (t) => {
    const { opts, keyPath } = setup(t);
    const store = openStore(opts);
    const { person } = store.people.upsert({ name: 'Crash' });
    const s = samples(7, 2);
    store.people.addSamples(person.id, s);
    const oldId = store.cipher?.keyId;
    const { cipher: next } = createKeyFile(pendingKeyPath(keyPath));
    store.people.rekey(next, () => recordKeyId(store.db, next.keyId));
    store.close(); // "crash": descriptor.key is still the old key

    const reopened = openStore(opts);
    assert.equal(reopened.cipher?.keyId, next.keyId);
    assert.ok(existsSync(`${keyPath}.old-${oldId}`));
    assert.deepEqual(Array.from(reopened.people.loadGallery('faceres').descriptors), s.flatMap((x) => Array.from(x.descriptor)));
    reopened.close();
  });
});
