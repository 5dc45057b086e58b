/**
 * Online backups and safe restores of the kiosk database with SQLite's backup API: a copy is taken
 * page by page while the kiosk keeps writing, and a restore is written through the same API into the
 * live file, so a process that still has it open sees either the old or the new database, never a
 * half-copied one. A candidate file is checked (SQLite header, integrity, application id, schema
 * version, kiosk tables) before anything is touched.
 */
import { closeSync, existsSync, openSync, readSync, renameSync, rmSync, statSync } from 'node:fs';
import Database from 'better-sqlite3';
import { KioskError, errorMessage } from '../errors.ts';
import { makeFilePrivate } from '../private-files.ts';
import { type Db } from './db.ts';
import { migrations } from './migrations/index.ts';
import { KIOSK_APPLICATION_ID } from './migrations/003-privacy.ts';

const SQLITE_MAGIC = Buffer.from('SQLite format 3\u0000', 'latin1');
/** Tables every kiosk database has had since schema version 1. */
const KIOSK_TABLES = ['people', 'face_samples', 'punches', 'sightings', 'audit'] as const;
/** Schema version from which the application id is set (migration 003). */
const APP_ID_SINCE = 3;

export interface DatabaseFileInfo {
  path: string;
  bytes: number;
  userVersion: number;
  applicationId: number;
  /** Key id recorded in kiosk_meta (which key sealed its descriptors), if any. */
  keyId: string | null;
  /** Samples per storage form: sealed ones need the matching key file. */
  sealedSamples: number;
  people: number;
  punches: number;
}

export function latestSchemaVersion(): number {
  return migrations[migrations.length - 1]?.version ?? 0;
}

/**
 * Copies the open database to `dest` without stopping writers: into `dest.partial` first, checked,
 * then renamed, so a file named `dest` is always a complete, verified backup.
 */
export async function backupDatabase(db: Db, dest: string): Promise<DatabaseFileInfo> {
  const partial = `${dest}.partial`;
  rmSync(partial, { force: true });
  try {
    await db.backup(partial);
    // SQLite creates the copy with the umask's mode; a backup holds everything the database does.
    makeFilePrivate(partial);
    const info = inspectDatabaseFile(partial);
    renameSync(partial, dest);
    return { ...info, path: dest };
  } catch (cause) {
    rmSync(partial, { force: true });
    if (cause instanceof KioskError) throw cause;
    throw new KioskError('STORE_FAILED', `backup to ${dest} failed: ${errorMessage(cause)}`, {
      hint: 'check free space and that the backup folder is writable',
      context: { dest },
      cause,
    });
  }
}

/**
 * Opens `path` read-only and checks it is an intact kiosk database this version can use. Throws a
 * STORE_FAILED KioskError saying which check failed: not SQLite, corrupt, foreign, or too new.
 */
export function inspectDatabaseFile(path: string): DatabaseFileInfo {
  const refuse = (why: string, hint: string, context: Record<string, unknown> = {}): KioskError =>
    new KioskError('STORE_FAILED', `${path}: ${why}`, { hint, context: { path, ...context } });
  let bytes: number;
  try {
    const st = statSync(path);
    if (!st.isFile()) throw refuse('not a regular file', 'pass the backup file itself');
    bytes = st.size;
  } catch (err) {
    if (err instanceof KioskError) throw err;
    throw refuse(`cannot read: ${errorMessage(err)}`, 'check the path');
  }
  if (!hasSqliteHeader(path)) throw refuse('not a SQLite database (wrong file header)', 'pick a file written by `kiosk backup`');

  let db: Db;
  try {
    db = new Database(path, { readonly: true, fileMustExist: true });
  } catch (err) {
    throw refuse(`cannot open as SQLite: ${errorMessage(err)}`, 'the file is damaged; pick another backup');
  }
  try {
    let integrity: string[];
    try {
      integrity = (db.pragma('integrity_check') as { integrity_check: string }[]).map((r) => r.integrity_check);
    } catch (err) {
      throw refuse(`corrupt: ${errorMessage(err)}`, 'the file is damaged; pick another backup');
    }
    if (integrity.length !== 1 || integrity[0] !== 'ok') {
      throw refuse(`corrupt: ${integrity.slice(0, 3).join('; ')}`, 'the file is damaged; pick another backup', { integrity: integrity.slice(0, 10) });
    }
    const applicationId = db.pragma('application_id', { simple: true }) as number;
    const userVersion = db.pragma('user_version', { simple: true }) as number;
    const tables = new Set(db.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'").all().map((r) => r.name));
    const missing = KIOSK_TABLES.filter((t) => !tables.has(t));
    const foreignId = applicationId !== KIOSK_APPLICATION_ID && (applicationId !== 0 || userVersion >= APP_ID_SINCE);
    if (foreignId || missing.length > 0 || userVersion < 1) {
      throw refuse(
        `not an attendance-kiosk database (application_id ${applicationId}, user_version ${userVersion}${missing.length ? `, missing tables ${missing.join(', ')}` : ''})`,
        'pick a file written by `kiosk backup` on a kiosk',
        { applicationId, userVersion, missing },
      );
    }
    const latest = latestSchemaVersion();
    if (userVersion > latest) {
      throw refuse(`made by a newer kiosk (schema ${userVersion}, this version supports up to ${latest})`, 'upgrade this kiosk first, then restore', { userVersion, latest });
    }
    const count = (sql: string): number => db.prepare<[], { n: number }>(sql).get()?.n ?? 0;
    return {
      path,
      bytes,
      userVersion,
      applicationId,
      keyId: tables.has('kiosk_meta')
        ? (db.prepare<[], { value: string }>("SELECT value FROM kiosk_meta WHERE key = 'descriptor_key_id'").get()?.value ?? null)
        : null,
      sealedSamples: userVersion >= APP_ID_SINCE ? count('SELECT count(*) AS n FROM face_samples WHERE length(descriptor) <> dim * 4') : 0,
      people: count('SELECT count(*) AS n FROM people'),
      punches: count('SELECT count(*) AS n FROM punches'),
    };
  } finally {
    db.close();
  }
}

function hasSqliteHeader(path: string): boolean {
  const head = Buffer.alloc(SQLITE_MAGIC.length);
  const fd = openSync(path, 'r');
  try {
    return readSync(fd, head, 0, head.length, 0) === head.length && head.equals(SQLITE_MAGIC);
  } finally {
    closeSync(fd);
  }
}

export interface RestoreResult {
  restored: DatabaseFileInfo;
  /** Where the database that was replaced now lies (null when there was none). */
  previous: string | null;
}

/**
 * Replaces the database at `target` with the verified `source`. The current database is first kept
 * aside as `<target>.before-restore-<stamp>`: copied online when it opens, moved away (with its WAL)
 * when it is itself damaged. The restored file is then checked again in place.
 */
export async function restoreDatabase(source: string, target: string, stamp: string): Promise<RestoreResult> {
  const candidate = inspectDatabaseFile(source);
  const aside = `${target}.before-restore-${stamp}`;
  let previous: string | null = null;
  let current: Db | null = null;
  if (existsSync(target)) {
    try {
      current = new Database(target, { fileMustExist: true });
      const check = current.pragma('quick_check') as { quick_check: string }[];
      if (check[0]?.quick_check !== 'ok') throw new Error('damaged');
    } catch {
      current?.close();
      current = null;
    }
    if (current !== null) {
      try {
        await current.backup(aside);
        makeFilePrivate(aside);
      } finally {
        current.close();
      }
    } else {
      // Unreadable: move the file and its journal aside so the copy below starts clean.
      for (const suffix of ['', '-wal', '-shm']) if (existsSync(target + suffix)) renameSync(target + suffix, aside + suffix);
    }
    previous = aside;
  }
  const src = new Database(source, { readonly: true, fileMustExist: true });
  try {
    await src.backup(target);
  } catch (cause) {
    throw new KioskError('STORE_FAILED', `restore into ${target} failed: ${errorMessage(cause)}`, {
      hint: previous ? `the previous database is kept at ${previous}` : 'check the data directory is writable',
      context: { source, target, previous },
      cause,
    });
  } finally {
    src.close();
  }
  makeFilePrivate(target);
  const restored = inspectDatabaseFile(target);
  if (restored.people !== candidate.people || restored.punches !== candidate.punches) {
    throw new KioskError('STORE_FAILED', `restore into ${target} does not match ${source}`, { hint: previous ? `the previous database is kept at ${previous}` : '', context: { source, target } });
  }
  return { restored, previous };
}
