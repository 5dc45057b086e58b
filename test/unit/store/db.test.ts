import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, existsSync, openSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openDatabase, runMigrations, schemaVersion, databasePath, MEMORY_DB } from '../../../src/store/db.ts';
import { migrations, type Migration } from '../../../src/store/migrations/index.ts';
import { isKioskError } from '../../../src/errors.ts';
import { tempDir } from './helpers.ts';

const LATEST = migrations[migrations.length - 1]!.version;

function tables(db: Database.Database): string[] {
  return db
    .prepare<[], { name: string }>("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name")
    .all()
    .map((r) => r.name);
}

describe('openDatabase', () => {
  test('a fresh file gets the whole schema, WAL, FULL sync and foreign keys', (t) => {
    const tmp = tempDir();
    t.after(tmp.cleanup);
    const db = openDatabase(tmp.file());
    t.after(() => db.close());
    assert.equal(schemaVersion(db), LATEST);
    assert.deepEqual(tables(db), ['admin_sessions', 'admins', 'audit', 'displays', 'evidence_photos', 'face_crops', 'face_samples', 'gallery_generations', 'health_heartbeat', 'journal_applied', 'kiosk_meta', 'outbox', 'people', 'punches', 'settings', 'shifts', 'sightings', 'sqlite_sequence', 'sync_state']);
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    assert.equal(db.pragma('synchronous', { simple: true }), 2); // 2 = FULL
    assert.equal(db.pragma('foreign_keys', { simple: true }), 1);
    assert.equal(db.pragma('busy_timeout', { simple: true }), 5000);
  });

  test('re-opening is idempotent and keeps data', (t) => {
    const tmp = tempDir();
    t.after(tmp.cleanup);
    const first = openDatabase(tmp.file());
    first.prepare("INSERT INTO people (name, name_search, created_at) VALUES ('An', 'an', 1)").run();
    first.close();
    const again = openDatabase(tmp.file());
    t.after(() => again.close());
    assert.equal(schemaVersion(again), LATEST);
    assert.equal(again.prepare<[], { n: number }>('SELECT count(*) AS n FROM people').get()?.n, 1);
  });

  test('creates missing parent directories', (t) => {
    const tmp = tempDir();
    t.after(tmp.cleanup);
    const path = join(tmp.dir, 'a', 'b', 'kiosk.db');
    openDatabase(path).close();
    assert.ok(existsSync(path));
  });

  test('works in memory', () => {
    const db = openDatabase(MEMORY_DB);
    assert.equal(schemaVersion(db), LATEST);
    db.close();
  });

  test('refuses a database written by newer code', (t) => {
    const tmp = tempDir();
    t.after(tmp.cleanup);
    const raw = new Database(tmp.file());
    raw.pragma(`user_version = ${LATEST + 5}`);
    raw.close();
    assert.throws(
      () => openDatabase(tmp.file()),
      (err: unknown) => isKioskError(err) && err.code === 'STORE_FAILED' && /newer than this kiosk supports/.test(err.message),
    );
  });

  test('a failing migration rolls back entirely and leaves the previous version', (t) => {
    const tmp = tempDir();
    t.after(tmp.cleanup);
    const broken: Migration[] = [
      ...migrations,
      { version: LATEST + 1, name: 'half done', sql: 'CREATE TABLE extra (id INTEGER PRIMARY KEY); CREATE TABLE broken (' },
    ];
    assert.throws(
      () => openDatabase(tmp.file(), { migrations: broken }),
      (err: unknown) => isKioskError(err) && err.code === 'STORE_FAILED' && err.context['version'] === LATEST + 1,
    );
    const db = openDatabase(tmp.file());
    t.after(() => db.close());
    assert.equal(schemaVersion(db), LATEST);
    assert.ok(!tables(db).includes('extra'));
  });

  test('applies only the migrations a file lacks', () => {
    const db = new Database(MEMORY_DB);
    runMigrations(db, migrations);
    const extra: Migration[] = [...migrations, { version: LATEST + 1, name: 'add note', sql: 'ALTER TABLE people ADD COLUMN note TEXT' }];
    assert.equal(runMigrations(db, extra), LATEST + 1);
    assert.equal(runMigrations(db, extra), LATEST + 1); // second run is a no-op, not a duplicate-column error
    assert.equal(schemaVersion(db), LATEST + 1);
    db.close();
  });

  test('rejects a migration list with gaps', () => {
    const gap: Migration[] = [{ version: 2, name: 'skips one', sql: 'SELECT 1' }];
    assert.throws(() => openDatabase(MEMORY_DB, { migrations: gap }), (err: unknown) => isKioskError(err) && err.code === 'STORE_FAILED');
  });

  test('databasePath joins dataDir and dbFile, except for memory', () => {
    assert.equal(databasePath({ dataDir: 'data', dbFile: 'kiosk.db' }), join('data', 'kiosk.db'));
    assert.equal(databasePath({ dataDir: 'data', dbFile: MEMORY_DB }), MEMORY_DB);
  });

  test('a file with damaged pages behind an intact header is refused at open, in one line that says to restore a backup', (t) => {
    const tmp = tempDir();
    t.after(tmp.cleanup);
    const db = openDatabase(tmp.file());
    db.prepare('CREATE TABLE filler (id INTEGER PRIMARY KEY, body TEXT)').run();
    const insert = db.prepare('INSERT INTO filler (body) VALUES (?)');
    for (let i = 0; i < 300; i++) insert.run('x'.repeat(300));
    db.close();
    const size = statSync(tmp.file()).size;
    const fd = openSync(tmp.file(), 'r+');
    writeSync(fd, Buffer.alloc(4096, 0x5a), 0, 4096, size - 3 * 4096);
    closeSync(fd);
    assert.throws(
      () => openDatabase(tmp.file()),
      (err: unknown) => isKioskError(err) && err.code === 'STORE_FAILED' && /is damaged/.test(err.message) && /kiosk restore/.test(err.hint) && !err.toLine().includes('\n'),
    );
  });
});
