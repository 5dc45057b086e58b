/**
 * Face descriptors at rest: AES-256-GCM with a per-installation key file, so the database file alone
 * (a copied backup, a support upload) reveals no biometric data. Each blob is sealed as
 * `0x01 | iv(12) | ciphertext(dim·4) | tag(16)`; the additional data binds a blob to its person, kind
 * and dimension, so moving one person's blob onto another's row fails authentication instead of
 * silently re-labelling a face.
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, linkSync, mkdirSync, openSync, readFileSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { KioskError, errorMessage } from '../errors.ts';

export const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const FORMAT_V1 = 0x01;
const HEADER_BYTES = 1;
/** Bytes a sealed blob has beyond the raw float bytes. */
export const SEALED_OVERHEAD = HEADER_BYTES + IV_BYTES + TAG_BYTES;
/** personId as two uint32 (hi, lo) + dim as uint32, then the kind's UTF-8. */
const AAD_FIXED = 12;
const ALGORITHM = 'aes-256-gcm';

export type BlobFormat = 'plain' | 'sealed' | 'invalid';

/** What a stored blob is, judged by its length against the row's declared dimension. */
export function blobFormat(blob: Uint8Array, dim: number): BlobFormat {
  if (blob.byteLength === dim * Float32Array.BYTES_PER_ELEMENT) return 'plain';
  if (blob.byteLength === dim * Float32Array.BYTES_PER_ELEMENT + SEALED_OVERHEAD && blob[0] === FORMAT_V1) return 'sealed';
  return 'invalid';
}

/**
 * Reusable additional-data buffer for one kind: `set()` rewrites only the fixed prefix, so a gallery
 * load allocates it once rather than once per sample.
 */
export class DescriptorAad {
  readonly bytes: Buffer;

  constructor(kind: string) {
    const k = Buffer.from(kind, 'utf8');
    this.bytes = Buffer.alloc(AAD_FIXED + k.length);
    k.copy(this.bytes, AAD_FIXED);
  }

  set(personId: number, dim: number): Buffer {
    this.bytes.writeUInt32BE(Math.floor(personId / 0x1_0000_0000), 0);
    this.bytes.writeUInt32BE(personId >>> 0, 4);
    this.bytes.writeUInt32BE(dim, 8);
    return this.bytes;
  }
}

/** Short public identifier of a key (HMAC of a fixed label), stored in the DB to detect a wrong key early. */
export function keyIdOf(key: Uint8Array): string {
  return createHmac('sha256', key).update('attendance-kiosk descriptor key id v1').digest('hex').slice(0, 16);
}

export class DescriptorCipher {
  readonly keyId: string;
  readonly #key: Buffer;

  constructor(key: Uint8Array) {
    if (key.byteLength !== KEY_BYTES) {
      throw new KioskError('STORE_FAILED', `descriptor key must be ${KEY_BYTES} bytes, got ${key.byteLength}`, {
        hint: 'restore the original key file from a backup; a new key cannot read existing descriptors',
      });
    }
    this.#key = Buffer.from(key);
    this.keyId = keyIdOf(this.#key);
  }

  /** A fresh random key (for `:memory:` stores and first runs). */
  static generate(): DescriptorCipher {
    return new DescriptorCipher(randomBytes(KEY_BYTES));
  }

  /** Encrypts the float bytes of one descriptor. */
  seal(plain: Uint8Array, aad: Buffer): Buffer {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv(ALGORITHM, this.#key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(aad);
    const out = Buffer.allocUnsafe(SEALED_OVERHEAD + plain.byteLength);
    out[0] = FORMAT_V1;
    iv.copy(out, HEADER_BYTES);
    const body = cipher.update(plain);
    body.copy(out, HEADER_BYTES + IV_BYTES);
    const tail = cipher.final();
    tail.copy(out, HEADER_BYTES + IV_BYTES + body.length);
    cipher.getAuthTag().copy(out, out.length - TAG_BYTES);
    return out;
  }

  /**
   * Decrypts a sealed blob straight into `out` at `offset` (the gallery matrix). node:crypto has no
   * in-place decipher, so each call costs one decipher object and one output buffer; nothing else.
   * Returns false when authentication fails (wrong key, tampered or moved blob).
   */
  openInto(sealed: Uint8Array, aad: Buffer, out: Uint8Array, offset: number): boolean {
    const buf = Buffer.isBuffer(sealed) ? sealed : Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
    const iv = buf.subarray(HEADER_BYTES, HEADER_BYTES + IV_BYTES);
    const body = buf.subarray(HEADER_BYTES + IV_BYTES, buf.length - TAG_BYTES);
    try {
      const decipher = createDecipheriv(ALGORITHM, this.#key, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(aad);
      decipher.setAuthTag(buf.subarray(buf.length - TAG_BYTES));
      const plain = decipher.update(body);
      decipher.final();
      out.set(plain, offset);
      plain.fill(0);
      return true;
    } catch (err) {
      if (/unable to authenticate|auth/i.test(errorMessage(err))) return false;
      throw err;
    }
  }

  /** Decrypts into a new array (export, re-keying); throws on authentication failure. */
  open(sealed: Uint8Array, aad: Buffer, label: string): Float32Array {
    const out = new Float32Array((sealed.byteLength - SEALED_OVERHEAD) / Float32Array.BYTES_PER_ELEMENT);
    if (!this.openInto(sealed, aad, new Uint8Array(out.buffer), 0)) throw decryptFailed(label, this.keyId);
    return out;
  }
}

export function decryptFailed(label: string, keyId: string): KioskError {
  return new KioskError('DESCRIPTOR_INVALID', `cannot decrypt the descriptor of ${label}: wrong key, or the row was altered`, {
    hint: 'use the key file this database was enrolled with (see `kiosk doctor`), or re-enroll the person',
    context: { keyId },
  });
}

/*
 * The key file: base64 of 32 random bytes, mode 0600, created once beside the database. It is created
 * under a temporary name and hard-linked into place, so two processes starting together cannot
 * both write a key, and a crash never leaves a half-written one.
 */

/** Permission bits a key file may not have: anything for group or others. */
const FORBIDDEN_MODE_BITS = 0o077;

export function checkKeyFileMode(path: string, mode: number): void {
  if ((mode & FORBIDDEN_MODE_BITS) !== 0) {
    throw new KioskError('STORE_FAILED', `descriptor key ${path} is readable by other users (mode ${(mode & 0o777).toString(8).padStart(4, '0')})`, {
      hint: `run: chmod 600 ${path} (and check who may have copied it)`,
      context: { path, mode: mode & 0o777 },
    });
  }
}

export function readKeyFile(path: string): DescriptorCipher {
  let text: string;
  try {
    checkKeyFileMode(path, statSync(path).mode);
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if (err instanceof KioskError) throw err;
    throw new KioskError('STORE_FAILED', `cannot read descriptor key ${path}: ${errorMessage(err)}`, { hint: 'check the file exists and belongs to the kiosk user', context: { path }, cause: err });
  }
  const key = Buffer.from(text.trim(), 'base64');
  if (key.length !== KEY_BYTES) {
    throw new KioskError('STORE_FAILED', `descriptor key ${path} is not ${KEY_BYTES} base64-encoded bytes`, {
      hint: 'restore the key file from the backup you made of it; a new key cannot read existing descriptors',
      context: { path },
    });
  }
  return new DescriptorCipher(key);
}

/** Creates a new key file unless one appeared meanwhile; returns the key now in `path` and whether this call made it. */
export function createKeyFile(path: string): { cipher: DescriptorCipher; created: boolean } {
  const key = randomBytes(KEY_BYTES);
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  mkdirSync(dirname(path), { recursive: true });
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    writeSync(fd, `${key.toString('base64')}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    linkSync(tmp, path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return { cipher: readKeyFile(path), created: false };
  } finally {
    unlinkSync(tmp);
  }
  syncDir(dirname(path));
  return { cipher: new DescriptorCipher(key), created: true };
}

function syncDir(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Not every platform can fsync a directory; the link itself is already durable there.
  }
}
