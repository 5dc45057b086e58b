/**
 * Files that hold people's data (the database, its WAL, backups, trained heads, the punch journal)
 * are readable by the kiosk user only, whatever the process umask: created with a private mode
 * and then chmod-ed, because open(2) and mkdir(2) apply the umask and chmod does not.
 */
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export const PRIVATE_FILE_MODE = 0o600;
export const PRIVATE_DIR_MODE = 0o700;

/** chmod 0600 when the file exists; a file we do not own (EPERM) is left as it is. */
export function makeFilePrivate(path: string): boolean {
  return chmodQuietly(path, PRIVATE_FILE_MODE);
}

/**
 * mkdir -p with 0700 on every folder this call creates; existing folders keep their mode (a data
 * directory an operator made and shares on purpose is theirs to set).
 */
export function makePrivateDir(path: string): void {
  if (existsSync(path)) return;
  const missing: string[] = [];
  for (let p = path; !existsSync(p) && dirname(p) !== p; p = dirname(p)) missing.push(p);
  mkdirSync(path, { recursive: true, mode: PRIVATE_DIR_MODE });
  for (const p of missing) chmodQuietly(p, PRIVATE_DIR_MODE);
}

/** mkdir (or existing) folder set to 0700: for folders the kiosk owns outright (models, backups). */
export function ensurePrivateDir(path: string): void {
  makePrivateDir(path);
  chmodQuietly(path, PRIVATE_DIR_MODE);
}

function chmodQuietly(path: string, mode: number): boolean {
  try {
    chmodSync(path, mode);
    return true;
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code === 'ENOENT' || code === 'EPERM') return false;
    throw err;
  }
}
