import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { blobFormat, createKeyFile, DescriptorAad, DescriptorCipher, readKeyFile, SEALED_OVERHEAD } from '../../../src/store/crypto.ts';
import { isKioskError } from '../../../src/errors.ts';
import { descriptor, tempDir } from '../store/helpers.ts';

function bytesOf(v: Float32Array): Uint8Array {
  return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
}

describe('DescriptorCipher', () => {
  const cipher = DescriptorCipher.generate();
  const aad = new DescriptorAad('faceres');

  test('seals to a different blob of the documented size and opens back to the same floats', () => {
    const v = descriptor(16, 3);
    const sealed = cipher.seal(bytesOf(v), aad.set(7, 16));
    assert.equal(sealed.length, 16 * 4 + SEALED_OVERHEAD);
    assert.equal(blobFormat(sealed, 16), 'sealed');
    assert.equal(blobFormat(Buffer.from(bytesOf(v)), 16), 'plain');
    assert.notDeepEqual(sealed.subarray(13, 13 + 64), Buffer.from(bytesOf(v)));
    assert.deepEqual(Array.from(cipher.open(sealed, aad.set(7, 16), 'x')), Array.from(v));
    // Two seals of the same vector differ (fresh IV), so equal faces are not visible as equal blobs.
    assert.notDeepEqual(cipher.seal(bytesOf(v), aad.set(7, 16)), sealed);
  });

  test('a wrong key, another person, another kind or a flipped bit fails authentication', () => {
    const v = descriptor(8, 1);
    const sealed = cipher.seal(bytesOf(v), aad.set(1, 8));
    const out = new Uint8Array(32);
    assert.equal(DescriptorCipher.generate().openInto(sealed, aad.set(1, 8), out, 0), false);
    assert.equal(cipher.openInto(sealed, aad.set(2, 8), out, 0), false);
    assert.equal(cipher.openInto(sealed, new DescriptorAad('dlib128').set(1, 8), out, 0), false);
    const tampered = Buffer.from(sealed);
    tampered[20] = tampered[20]! ^ 1;
    assert.equal(cipher.openInto(tampered, aad.set(1, 8), out, 0), false);
    assert.throws(() => DescriptorCipher.generate().open(sealed, aad.set(1, 8), 'sample 1'), (e: unknown) => isKioskError(e) && e.code === 'DESCRIPTOR_INVALID' && /wrong key/.test(e.message));
    assert.equal(cipher.openInto(sealed, aad.set(1, 8), out, 0), true);
  });

  test('large person ids are bound too (hi and lo words)', () => {
    const v = descriptor(4, 2);
    const big = 2 ** 40 + 5;
    const sealed = cipher.seal(bytesOf(v), aad.set(big, 4));
    assert.equal(cipher.openInto(sealed, aad.set(5, 4), new Uint8Array(16), 0), false);
    assert.deepEqual(Array.from(cipher.open(sealed, aad.set(big, 4), 'x')), Array.from(v));
  });
});

describe('key file', () => {
  test('is created once with mode 0600 and read back as the same key', (t) => {
    const tmp = tempDir();
    t.after(tmp.cleanup);
    const path = join(tmp.dir, 'sub', 'descriptor.key');
    const first = createKeyFile(path);
    assert.equal(first.created, true);
    assert.equal(statSync(path).mode & 0o777, 0o600);
    assert.equal(Buffer.from(readFileSync(path, 'utf8').trim(), 'base64').length, 32);
    const again = createKeyFile(path);
    assert.equal(again.created, false);
    assert.equal(again.cipher.keyId, first.cipher.keyId);
    assert.equal(readKeyFile(path).keyId, first.cipher.keyId);
  });

  test('a key readable by group or others is refused, naming the fix', (t) => {
    const tmp = tempDir();
    t.after(tmp.cleanup);
    const path = join(tmp.dir, 'descriptor.key');
    createKeyFile(path);
    for (const mode of [0o644, 0o640, 0o604]) {
      chmodSync(path, mode);
      assert.throws(() => readKeyFile(path), (e: unknown) => isKioskError(e) && e.code === 'STORE_FAILED' && /readable by other users/.test(e.message) && /chmod 600/.test(e.hint));
    }
  });

  test('a truncated key file is refused', (t) => {
    const tmp = tempDir();
    t.after(tmp.cleanup);
    const path = join(tmp.dir, 'descriptor.key');
    writeFileSync(path, Buffer.alloc(16).toString('base64'), { mode: 0o600 });
    assert.throws(() => readKeyFile(path), (e: unknown) => isKioskError(e) && /not 32 base64-encoded bytes/.test(e.message));
  });
});
