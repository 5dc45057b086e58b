/**
 * Opens the kiosk's SQLite file with the pragmas punches need, then brings the schema up to date.
 *
 * Durability: WAL + `synchronous=FULL` fsyncs the WAL on every commit. With the default NORMAL a
 * committed transaction survives a process crash but can be lost on power failure until the next
 * checkpoint — and a kiosk is exactly the device someone unplugs. A punch the screen has already
 * confirmed ("Welcome, Tâm") must not vanish, and at a few punches a minute the fsync is free.
 */
import { closeSync, existsSync, openSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { KioskError, errorMessage } from '../errors.ts';
import { silentLogger, type Logger } from '../log.ts';
import { makeFilePrivate, makePrivateDir, PRIVATE_FILE_MODE } from '../private-files.ts';
import { migrations as defaultMigrations, type Migration } from './migrations/index.ts';
import { ensureSyncFunctions, registerSyncFunctions, type SyncClock } from './sql-functions.ts';
import { defaultStoreOptions, type StoreOptions } from './options.ts';

export type Db = Database.Database;

export const MEMORY_DB = ':memory:';

export interface OpenDatabaseOptions {
  logger?: Logger;
  busyTimeoutMs?: number;
  /** Override for tests; production always uses the shipped list. */
  migrations?: readonly Migration[];
  /** Clocks the sync triggers stamp outbox records with (tests pin them). */
  syncClock?: SyncClock;
}

/** Where the database lives for a given config slice. */
export function databasePath(opts: Pick<StoreOptions, 'dataDir' | 'dbFile'>): string {
  return opts.dbFile === MEMORY_DB ? MEMORY_DB : join(opts.dataDir, opts.dbFile);
}

export function openDatabase(path: string, opts: OpenDatabaseOptions = {}): Db {
  const logger = opts.logger ?? silentLogger;
  const list = opts.migrations ?? defaultMigrations;
  checkMigrationList(list);

  let db: Db;
  try {
    if (path !== MEMORY_DB) {
      makePrivateDir(dirname(path));
      // Created 0600 before SQLite sees it: SQLite gives the -wal and -shm files the main file's mode.
      if (!existsSync(path)) closeSync(openSync(path, 'a', PRIVATE_FILE_MODE));
    }
    db = new Database(path);
  } catch (cause) {
    throw new KioskError('STORE_FAILED', `cannot open database ${path}: ${errorMessage(cause)}`, {
      hint: 'check that the data directory exists and is writable',
      context: { path },
      cause,
    });
  }

  try {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    db.pragma(`busy_timeout = ${Math.trunc(opts.busyTimeoutMs ?? defaultStoreOptions.busyTimeoutMs)}`);
    // Before migrations: 009 and its triggers call them, on every connection that writes.
    registerSyncFunctions(db, opts.syncClock);
    if (path !== MEMORY_DB) checkPages(db, path);
    runMigrations(db, list, logger);
    if (path !== MEMORY_DB) for (const suffix of DB_FILE_SUFFIXES) makeFilePrivate(path + suffix);
  } catch (cause) {
    db.close();
    throw openFailure(path, cause);
  }
  logger.debug({ path, version: schemaVersion(db) }, 'database open');
  return db;
}

/** The database file and the files SQLite keeps beside it in WAL mode. */
export const DB_FILE_SUFFIXES = ['', '-wal', '-shm'] as const;

const RESTORE_HINT = 'restore the newest backup with `kiosk restore <file>` (scheduled backups are in the backups/ folder of the data directory; the damaged file is kept aside), or move the file away to start with an empty database';

/**
 * `PRAGMA quick_check` before anything else reads the file: damaged pages behind an intact header
 * otherwise surface later as an SQLITE_CORRUPT from whichever query touches them first.
 */
function checkPages(db: Db, path: string): void {
  let problems: string[];
  try {
    problems = (db.pragma('quick_check') as { quick_check: string }[]).map((r) => r.quick_check);
  } catch (cause) {
    throw corrupt(path, errorMessage(cause), cause);
  }
  if (problems.length !== 1 || problems[0] !== 'ok') throw corrupt(path, problems.slice(0, 2).join('; '));
}

function corrupt(path: string, detail: string, cause?: unknown): KioskError {
  return new KioskError('STORE_FAILED', `database ${path} is damaged (${detail})`, { hint: RESTORE_HINT, context: { path }, cause });
}

/** Whether a database error means a damaged file rather than a busy or read-only one. */
export function isCorruption(err: unknown): boolean {
  const code = (err as { code?: unknown }).code;
  return code === 'SQLITE_CORRUPT' || code === 'SQLITE_NOTADB' || (typeof code === 'string' && code.startsWith('SQLITE_CORRUPT_'));
}

/** A store error from opening the file, as one line with what to do. */
export function openFailure(path: string, cause: unknown): KioskError {
  if (cause instanceof KioskError) return cause;
  if (isCorruption(cause)) return corrupt(path, errorMessage(cause), cause);
  return new KioskError('STORE_FAILED', `cannot prepare database ${path}: ${errorMessage(cause)}`, {
    hint: 'check that the kiosk user owns the data directory and the disk is not full or read-only',
    context: { path },
    cause,
  });
}

export type WriteProbe = { writable: true; error: null } | { writable: false; error: string };

/**
 * Proves the database takes writes: rewrites the heartbeat row in a committed transaction (with
 * synchronous=FULL, through the fsync). Taking a lock alone succeeds on a read-only file.
 */
export function probeWrite(db: Db, now: number): WriteProbe {
  try {
    db.transaction(() => {
      db.prepare('INSERT INTO health_heartbeat (id, ts) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET ts = excluded.ts').run(now);
    }).immediate();
    return { writable: true, error: null };
  } catch (err) {
    return { writable: false, error: errorMessage(err) };
  }
}

export function schemaVersion(db: Db): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** Applies every migration newer than the file, each in its own transaction with its version bump. */
export function runMigrations(db: Db, list: readonly Migration[], logger: Logger = silentLogger): number {
  checkMigrationList(list);
  ensureSyncFunctions(db);
  const latest = list.length === 0 ? 0 : list[list.length - 1]!.version;
  const current = schemaVersion(db);
  if (current > latest) {
    throw new KioskError('STORE_FAILED', `database schema version ${current} is newer than this kiosk supports (${latest})`, {
      hint: 'run the kiosk version that created this database, or restore a backup made by this version',
      context: { fileVersion: current, codeVersion: latest },
    });
  }
  for (const m of list) {
    if (m.version <= current) continue;
    const apply = db.transaction((): boolean => {
      // Re-read under the write lock: another process opening the same file may have got here first.
      if (schemaVersion(db) >= m.version) return false;
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
      return true;
    });
    let applied: boolean;
    try {
      applied = apply.immediate();
    } catch (cause) {
      throw new KioskError('STORE_FAILED', `migration ${m.version} (${m.name}) failed: ${errorMessage(cause)}`, {
        hint: 'the database was left at the previous version; report this with the log',
        context: { version: m.version, name: m.name },
        cause,
      });
    }
    if (applied) logger.info({ version: m.version, name: m.name }, 'migration applied');
  }
  return latest;
}

function checkMigrationList(list: readonly Migration[]): void {
  let expected = 1;
  list.forEach((m, i) => {
    if (m.version !== expected) {
      throw new KioskError('STORE_FAILED', `migration list is out of order: position ${i + 1} holds version ${m.version}`, {
        hint: 'migrations must be numbered 1..n without gaps, in order',
        context: { position: i + 1, version: m.version, name: m.name },
      });
    }
    expected++;
  });
}
