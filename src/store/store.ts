/** One call for the entry point: open the configured database and build the repositories on it. */
import { existsSync, linkSync, renameSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { KioskError } from '../errors.ts';
import { silentLogger, type Logger } from '../log.ts';
import { AttendanceRepo } from './attendance-repo.ts';
import { AuditRepo } from './audit-repo.ts';
import { createKeyFile, DescriptorCipher, readKeyFile, SEALED_OVERHEAD } from './crypto.ts';
import { databasePath, MEMORY_DB, openDatabase, openFailure, type Db } from './db.ts';
import { DurableRecorder } from './durable-recorder.ts';
import { journalPathFor, PunchJournal } from './punch-journal.ts';
import { storeOptionsSchema, type StoreOptions } from './options.ts';
import { PeopleRepo } from './people-repo.ts';
import { ShiftRepo } from './shift-repo.ts';
import { GalleryGenerations } from './gallery-generations.ts';
import type { SyncClock } from './sql-functions.ts';

export interface Store {
  db: Db;
  people: PeopleRepo;
  attendance: AttendanceRepo;
  audit: AuditRepo;
  /** Shifts, each person's shift, and the timesheets read through them. */
  shifts: ShiftRepo;
  /** Which descriptor kind and model version the gallery is matched with. */
  generations: GalleryGenerations;
  /** The descriptor key in use; null when store.encryptDescriptors is off. */
  cipher: DescriptorCipher | null;
  close(): void;
}

const META_KEY_ID = 'descriptor_key_id';

export function openStore(options: Partial<StoreOptions> = {}, deps: { logger?: Logger; clock?: () => number; syncClock?: SyncClock } = {}): Store {
  const opts = storeOptionsSchema.parse(options);
  const path = databasePath(opts);
  const db = openDatabase(path, { logger: deps.logger, busyTimeoutMs: opts.busyTimeoutMs, ...(deps.syncClock === undefined ? {} : { syncClock: deps.syncClock }) });
  try {
    // Deleted rows (a removed person's descriptors) are overwritten with zeros, not left in free pages.
    db.pragma('secure_delete = ON');
    const cipher = opts.encryptDescriptors ? bindDescriptorKey(db, path === MEMORY_DB ? null : keyFilePath(opts), deps.logger) : null;
    const repoDeps = { logger: deps.logger, clock: deps.clock, options: opts };
    const people = new PeopleRepo(db, { ...repoDeps, cipher });
    if (people.sealPlaintextSamples() > 0 && path !== MEMORY_DB) {
      // Rewrite the file so no page still holds a descriptor in clear.
      db.exec('VACUUM');
      db.pragma('wal_checkpoint(TRUNCATE)');
    }
    return {
      db,
      people,
      attendance: new AttendanceRepo(db, repoDeps),
      audit: new AuditRepo(db, opts),
      shifts: new ShiftRepo(db, repoDeps),
      generations: new GalleryGenerations(db, people.crops, opts),
      cipher,
      close: () => db.close(),
    };
  } catch (err) {
    db.close();
    // A damaged page met after the quick check (e.g. while sealing descriptors) is one line too.
    throw openFailure(path, err);
  }
}

/**
 * The recorder the kiosk loop writes decisions through, with its journal beside the database. Only
 * the process running the loop opens one: it replays (and then removes) a journal left behind.
 */
export function openRecorder(store: Store, options: Pick<StoreOptions, 'journalRetryMs'>, deps: { logger?: Logger; clock?: () => number } = {}): DurableRecorder {
  const file = store.db.name;
  const journal = file === MEMORY_DB || store.db.memory ? null : new PunchJournal(journalPathFor(file));
  const recorder = new DurableRecorder({ db: store.db, attendance: store.attendance, journal, retryMs: options.journalRetryMs, ...deps });
  recorder.open();
  return recorder;
}

/** Where the descriptor key lives: `keyFile` relative to `dataDir` unless absolute. */
export function keyFilePath(opts: Pick<StoreOptions, 'dataDir' | 'keyFile'>): string {
  return isAbsolute(opts.keyFile) ? opts.keyFile : join(opts.dataDir, opts.keyFile);
}

/** The id of the key this database's descriptors were sealed with, or null before the first sealed write. */
export function storedKeyId(db: Db): string | null {
  return db.prepare<[string], { value: string }>('SELECT value FROM kiosk_meta WHERE key = ?').get(META_KEY_ID)?.value ?? null;
}

export function recordKeyId(db: Db, keyId: string): void {
  db.prepare('INSERT INTO kiosk_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(META_KEY_ID, keyId);
}

/** Descriptor counts by storage form. */
export function sampleForms(db: Db): { sealed: number; plain: number } {
  const row = db
    .prepare<[], { sealed: number | null; plain: number | null }>(
      `SELECT sum(length(descriptor) = dim * 4 + ${SEALED_OVERHEAD}) AS sealed, sum(length(descriptor) = dim * 4) AS plain FROM face_samples`,
    )
    .get();
  return { sealed: row?.sealed ?? 0, plain: row?.plain ?? 0 };
}

/**
 * The key for this database: the key file if it matches the id recorded in the database; a new key
 * file on first run. A missing or different key is refused while sealed descriptors exist (they
 * would be unreadable); with none, there is nothing to lose and the key is simply (re)recorded.
 */
export function bindDescriptorKey(db: Db, keyPath: string | null, logger: Logger = silentLogger): DescriptorCipher {
  if (keyPath === null) return DescriptorCipher.generate();
  return db.transaction((): DescriptorCipher => {
    const expected = storedKeyId(db);
    const { sealed } = sampleForms(db);
    let cipher: DescriptorCipher;
    if (existsSync(keyPath)) {
      cipher = readKeyFile(keyPath);
    } else {
      if (sealed > 0) throw missingKey(keyPath, expected, sealed);
      const made = createKeyFile(keyPath);
      cipher = made.cipher;
      if (made.created) logger.info({ keyPath, keyId: cipher.keyId }, 'descriptor key created; back it up apart from the database');
    }
    if (expected === cipher.keyId) return cipher;
    if (expected !== null && sealed > 0) {
      const recovered = finishRotation(keyPath, expected);
      if (recovered) return recovered;
      throw new KioskError('STORE_FAILED', `descriptor key ${keyPath} (id ${cipher.keyId}) is not the key this database's ${sealed} descriptors were sealed with (id ${expected})`, {
        hint: 'put the original key file back (from your backup of it); database backups never contain the key',
        context: { keyPath, keyId: cipher.keyId, expected, sealed },
      });
    }
    if (expected !== null) logger.warn({ keyPath, keyId: cipher.keyId, previous: expected }, 'descriptor key changed; no sealed descriptors were stored, so nothing is lost');
    recordKeyId(db, cipher.keyId);
    return cipher;
  }).immediate();
}

/** Path of a key being rotated in (see ops/keys.ts): written before the database switches to it. */
export function pendingKeyPath(keyPath: string): string {
  return `${keyPath}.new`;
}

/** A rotation that committed in the database but crashed before renaming the new key file into place. */
function finishRotation(keyPath: string, expected: string): DescriptorCipher | null {
  const pending = pendingKeyPath(keyPath);
  if (!existsSync(pending)) return null;
  const next = readKeyFile(pending);
  if (next.keyId !== expected) return null;
  const old = `${keyPath}.old-${readKeyFile(keyPath).keyId}`;
  if (!existsSync(old)) linkSync(keyPath, old);
  renameSync(pending, keyPath);
  return next;
}

function missingKey(keyPath: string, expected: string | null, sealed: number): KioskError {
  return new KioskError('STORE_FAILED', `descriptor key ${keyPath} is missing, and ${sealed} stored descriptors are encrypted with it${expected ? ` (key id ${expected})` : ''}`, {
    hint: 'restore the key file from your backup of it (database backups never contain it); without it the faces must be re-enrolled',
    context: { keyPath, expected, sealed },
  });
}
