/**
 * Password and PIN hashing with scrypt from node:crypto: memory-hard like argon2id, but no native
 * dependency to build on a Jetson. The default cost is OWASP's current scrypt advice (N = 2^17,
 * r = 8, p = 1: 128 MiB per hash). The stored string carries its own parameters, so older, cheaper
 * hashes still verify, and `SecretHasher.verify` says when one should be re-hashed at today's cost.
 */
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const PREFIX = 'scrypt';
const SALT_BYTES = 16;
const KEY_BYTES = 32;
export const SCRYPT_BLOCK_SIZE = 8;
export const SCRYPT_PARALLEL = 1;
/** OWASP Password Storage Cheat Sheet: scrypt N = 2^17, r = 8, p = 1 as the minimum configuration. */
export const OWASP_SCRYPT_LOG_N = 17;
const HASH_RE = /^scrypt\$(\d{1,2})\$(\d{1,2})\$(\d{1,2})\$([A-Za-z0-9+/]+={0,2})\$([A-Za-z0-9+/]+={0,2})$/u;

interface Parsed {
  logN: number;
  r: number;
  p: number;
  salt: Buffer;
  key: Buffer;
}

function derive(secret: string, salt: Buffer, logN: number, r: number, p: number, keyLen: number): Promise<Buffer> {
  // scrypt needs 128·N·r bytes; node's default maxmem (32 MiB) is too small from N = 2^15, r = 8 on.
  const opts: ScryptOptions = { N: 2 ** logN, r, p, maxmem: 256 * 2 ** logN * r + 1024 * 1024 };
  return new Promise((resolve, reject) => {
    scrypt(secret.normalize('NFC'), salt, keyLen, opts, (err, key) => (err ? reject(err) : resolve(key)));
  });
}

function parse(stored: string): Parsed | null {
  const m = HASH_RE.exec(stored);
  if (m === null) return null;
  const logN = Number(m[1]);
  const r = Number(m[2]);
  const p = Number(m[3]);
  if (logN < 1 || logN > 24 || r < 1 || p < 1 || p > 16) return null;
  const salt = Buffer.from(m[4]!, 'base64');
  const key = Buffer.from(m[5]!, 'base64');
  if (salt.length < 8 || key.length < 16) return null;
  return { logN, r, p, salt, key };
}

/** True for a string `hashSecret` could have produced (used to validate configured PIN hashes). */
export function isPasswordHash(stored: string): boolean {
  return parse(stored) !== null;
}

/** True when a stored hash is cheaper than `logN` (with r = 8, p = 1): verify it, then store a new one. */
export function isWeakerThan(stored: string, logN: number): boolean {
  const p = parse(stored);
  return p === null || p.logN < logN || p.r < SCRYPT_BLOCK_SIZE || p.key.length < KEY_BYTES;
}

export async function hashSecret(secret: string, logN: number): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(secret, salt, logN, SCRYPT_BLOCK_SIZE, SCRYPT_PARALLEL, KEY_BYTES);
  return [PREFIX, logN, SCRYPT_BLOCK_SIZE, SCRYPT_PARALLEL, salt.toString('base64'), key.toString('base64')].join('$');
}

/** Constant-time comparison; a malformed stored hash verifies nothing rather than throwing. */
export async function verifySecret(secret: string, stored: string): Promise<boolean> {
  const parsed = parse(stored);
  if (parsed === null) return false;
  const key = await derive(secret, parsed.salt, parsed.logN, parsed.r, parsed.p, parsed.key.length);
  return timingSafeEqual(key, parsed.key);
}

export interface VerifyResult {
  ok: boolean;
  /** The secret was right but its hash is below today's cost: store `hash(secret)` now. */
  rehash: boolean;
}

/**
 * Hashes at the configured cost, one at a time: each hash takes 128 MiB at the default cost, so a
 * burst of logins queues instead of exhausting the kiosk's memory.
 */
export class SecretHasher {
  private tail: Promise<unknown> = Promise.resolve();

  constructor(readonly logN: number) {}

  hash(secret: string): Promise<string> {
    return this.serial(() => hashSecret(secret, this.logN));
  }

  async verify(secret: string, stored: string): Promise<VerifyResult> {
    const ok = await this.serial(() => verifySecret(secret, stored));
    return { ok, rehash: ok && isWeakerThan(stored, this.logN) };
  }

  private serial<T>(run: () => Promise<T>): Promise<T> {
    const next = this.tail.then(run, run);
    this.tail = next.catch(() => undefined);
    return next;
  }
}
