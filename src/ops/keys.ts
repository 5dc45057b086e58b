/**
 * Descriptor key management: what the key file and the database say (doctor, `kiosk key status`), and
 * rotation. Rotation writes the new key beside the old as `<key>.new`, re-seals every descriptor and
 * records the new key id in one transaction, then renames the new key into place; a crash between
 * the commit and the rename is finished by the next open (store.ts finishRotation).
 */
import { existsSync, linkSync, renameSync, rmSync, statSync } from 'node:fs';
import { KioskError } from '../errors.ts';
import { checkKeyFileMode, createKeyFile, readKeyFile } from '../store/crypto.ts';
import type { Db } from '../store/db.ts';
import { keyFilePath, pendingKeyPath, recordKeyId, sampleForms, storedKeyId, type Store } from '../store/store.ts';
import type { StoreOptions } from '../store/options.ts';

export interface KeyStatus {
  path: string;
  exists: boolean;
  /** Octal permission bits, e.g. "0600". */
  mode: string | null;
  /** Why the file cannot be used, if it cannot. */
  problem: string | null;
  keyId: string | null;
  /** Key id recorded in the database (null: none sealed yet, or no database given). */
  databaseKeyId: string | null;
  sealedSamples: number;
  plainSamples: number;
}

export function keyStatus(store: Pick<StoreOptions, 'dataDir' | 'keyFile'>, db: Db | null): KeyStatus {
  const path = keyFilePath(store);
  const status: KeyStatus = { path, exists: existsSync(path), mode: null, problem: null, keyId: null, databaseKeyId: null, sealedSamples: 0, plainSamples: 0 };
  if (db !== null) {
    status.databaseKeyId = storedKeyId(db);
    const forms = sampleForms(db);
    status.sealedSamples = forms.sealed;
    status.plainSamples = forms.plain;
  }
  if (!status.exists) return status;
  const mode = statSync(path).mode;
  status.mode = (mode & 0o777).toString(8).padStart(4, '0');
  try {
    checkKeyFileMode(path, mode);
    status.keyId = readKeyFile(path).keyId;
  } catch (err) {
    status.problem = err instanceof KioskError ? err.toLine() : String(err);
  }
  return status;
}

/**
 * Re-encrypts every descriptor under a fresh key. Stop the kiosk service first: a running kiosk still
 * holds the old key (its next enrollment is refused rather than sealed with it, see PeopleRepo). The old key is kept as `<key>.old-<id>` (mode 0600):
 * backups taken before the rotation still need it — move it off the kiosk, do not delete it lightly.
 */
export function rotateKey(store: Store, opts: Pick<StoreOptions, 'dataDir' | 'keyFile'>): { oldKeyId: string; newKeyId: string; samples: number; oldKeyPath: string } {
  const old = store.cipher;
  if (old === null) throw new KioskError('USAGE', 'descriptor encryption is off (store.encryptDescriptors = false)', { hint: 'turn it on first; the next start seals every descriptor' });
  const path = keyFilePath(opts);
  const pending = pendingKeyPath(path);
  // A leftover from a rotation that crashed before its commit: the database never used it.
  if (existsSync(pending)) rmSync(pending);
  const { cipher: next } = createKeyFile(pending);
  const oldKeyPath = `${path}.old-${old.keyId}`;
  let samples: number;
  try {
    samples = store.people.rekey(next, () => recordKeyId(store.db, next.keyId));
  } catch (err) {
    rmSync(pending, { force: true });
    throw err;
  }
  // Link, then rename over: there is never a moment without a key file at `path`.
  linkSync(path, oldKeyPath);
  renameSync(pending, path);
  return { oldKeyId: old.keyId, newKeyId: next.keyId, samples, oldKeyPath };
}
