/**
 * Scheduled and manual backups (newest N kept) and `kiosk restore`. Backups hold the database only:
 * the descriptor key stays in the data directory, so a backup file alone reveals no faces — and a
 * restore onto another machine needs the key file copied separately.
 */
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { KioskError } from '../errors.ts';
import { ensurePrivateDir } from '../private-files.ts';
import { silentLogger, type Logger } from '../log.ts';
import type { Timers } from '../capture/timers.ts';
import { backupDatabase, inspectDatabaseFile, restoreDatabase, type DatabaseFileInfo, type RestoreResult } from '../store/backup.ts';
import { keyFilePath, openStore } from '../store/store.ts';
import { readKeyFile } from '../store/crypto.ts';
import { databasePath, type Db } from '../store/db.ts';
import type { StoreOptions } from '../store/options.ts';
import type { BackupOptions } from './options.ts';
import { every, type Periodic } from './schedule.ts';

const BACKUP_NAME = /^kiosk-(\d{8}T\d{6}(?:\d{3})?Z)\.db$/;

export function resolveIn(dataDir: string, path: string): string {
  return isAbsolute(path) ? path : join(dataDir, path);
}

/** `kiosk-20240301T080000123Z.db`: sorts by time, one per millisecond. */
export function backupFileName(now: number): string {
  return `kiosk-${compactStamp(now)}.db`;
}

export function compactStamp(now: number): string {
  return new Date(now).toISOString().replace(/[-:.]/g, '');
}

export interface BackupEntry {
  name: string;
  path: string;
}

/** Backups in `dir` written by this module, oldest first; other files are never touched. */
export function listBackups(dir: string): BackupEntry[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((n) => BACKUP_NAME.test(n))
    .sort()
    .map((name) => ({ name, path: join(dir, name) }));
}

/** Deletes all but the newest `keep` backups; returns the deleted paths. */
export function pruneBackups(dir: string, keep: number): string[] {
  const all = listBackups(dir);
  const doomed = all.slice(0, Math.max(0, all.length - keep));
  for (const b of doomed) rmSync(b.path, { force: true });
  return doomed.map((b) => b.path);
}

export interface BackupRun {
  backup: DatabaseFileInfo;
  pruned: string[];
}

/** One backup into `dir` (named by `now`), then pruning to `keep`. */
export async function takeBackup(db: Db, dir: string, keep: number, now: number): Promise<BackupRun> {
  ensurePrivateDir(dir);
  const backup = await backupDatabase(db, join(dir, backupFileName(now)));
  return { backup, pruned: pruneBackups(dir, keep) };
}

/** The schedule the server starts: a backup every `intervalMs` (first one after one interval). */
export function scheduleBackups(deps: {
  db: Db;
  dataDir: string;
  options: BackupOptions;
  clock?: () => number;
  timers?: Timers;
  logger?: Logger;
}): Periodic | null {
  if (!deps.options.enabled) return null;
  const logger = deps.logger ?? silentLogger;
  const clock = deps.clock ?? Date.now;
  const dir = resolveIn(deps.dataDir, deps.options.dir);
  return every(
    'backup',
    deps.options.intervalMs,
    async () => {
      const run = await takeBackup(deps.db, dir, deps.options.keep, clock());
      logger.info({ path: run.backup.path, bytes: run.backup.bytes, pruned: run.pruned.length }, 'database backed up');
    },
    { timers: deps.timers, logger },
  );
}

export interface RestoreOutcome extends RestoreResult {
  keyId: string | null;
}

/**
 * Restores `file` over the configured database after checking it (see store/backup.ts) and that this
 * data directory holds the key its descriptors were sealed with. The kiosk service should be stopped
 * first and restarted after: a running kiosk keeps serving the gallery it loaded.
 */
export async function restoreBackup(file: string, store: StoreOptions, now: number, logger: Logger = silentLogger): Promise<RestoreOutcome> {
  const candidate = inspectDatabaseFile(file);
  const keyPath = keyFilePath(store);
  if (store.encryptDescriptors && candidate.sealedSamples > 0) {
    if (!existsSync(keyPath)) {
      throw new KioskError('STORE_FAILED', `${file} holds ${candidate.sealedSamples} encrypted descriptors, and there is no descriptor key at ${keyPath}`, {
        hint: `copy the key file of the kiosk that made this backup (id ${candidate.keyId ?? 'unknown'}) to ${keyPath} (mode 0600), then restore again`,
        context: { file, keyPath, keyId: candidate.keyId },
      });
    }
    const local = readKeyFile(keyPath);
    if (candidate.keyId !== null && local.keyId !== candidate.keyId) {
      throw new KioskError('STORE_FAILED', `${file} was sealed with descriptor key ${candidate.keyId}, but ${keyPath} is key ${local.keyId}`, {
        hint: 'put the matching key file in place first (a backup of this kiosk\'s key, or the other kiosk\'s), then restore again',
        context: { file, keyPath, expected: candidate.keyId, found: local.keyId },
      });
    }
  }
  const target = databasePath(store);
  const result = await restoreDatabase(file, target, compactStamp(now));
  // Bring an older backup up to this version's schema and check the key binds; fails loudly otherwise.
  const reopened = openStore(store, { logger });
  const keyId = reopened.cipher?.keyId ?? null;
  reopened.close();
  logger.info({ file, target, previous: result.previous }, 'database restored');
  return { ...result, keyId };
}
