import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readCookie, sessionCookie } from '../../../src/server/auth/cookie.ts';
import { hashSecret, isPasswordHash, isWeakerThan, OWASP_SCRYPT_LOG_N, SecretHasher, verifySecret } from '../../../src/server/auth/password.ts';
import { Backoff, checkAll } from '../../../src/server/auth/backoff.ts';
import { defaultServerOptions } from '../../../src/server/options.ts';
import { RateGate } from '../../../src/server/rate-gate.ts';

const COST = 10;

describe('scrypt hashes', () => {
  test('verify the right secret only; salts differ; the cost is recorded in the hash', async () => {
    const a = await hashSecret('Mật khẩu dài 123', COST);
    const b = await hashSecret('Mật khẩu dài 123', COST);
    assert.notEqual(a, b);
    assert.match(a, /^scrypt\$10\$8\$1\$/u);
    assert.ok(isPasswordHash(a));
    assert.equal(await verifySecret('Mật khẩu dài 123', a), true);
    assert.equal(await verifySecret('mật khẩu dài 123', a), false);
    assert.equal(await verifySecret('', a), false);
  });

  test('NFD and NFC spellings of the same password are one password', async () => {
    const h = await hashSecret('Tâm'.normalize('NFC'), COST);
    assert.equal(await verifySecret('Tâm'.normalize('NFD'), h), true);
  });

  test('malformed stored hashes verify nothing instead of throwing', async () => {
    for (const bad of ['', 'plain', 'scrypt$10$8$1$$', 'scrypt$99$8$1$AAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAA==', 'bcrypt$x']) {
      assert.equal(isPasswordHash(bad), false, bad);
      assert.equal(await verifySecret('x', bad), false);
    }
  });
});

describe('Backoff (per client, exponential)', () => {
  const OPTS = { freeFailures: 3, baseMs: 1_000, maxMs: 8_000, maxKeys: 100 };

  test('free tries, then each failure doubles the wait up to the cap', () => {
    let now = 0;
    const b = new Backoff(OPTS, () => now);
    const waits: number[] = [];
    for (let i = 0; i < 7; i++) {
      const c = b.check('screen');
      assert.equal(c.allowed, true, `try ${i + 1} is allowed once the wait is over`);
      b.fail('screen');
      const after = b.check('screen');
      waits.push(after.allowed ? 0 : after.retryAfterMs);
      now += after.allowed ? 0 : after.retryAfterMs;
    }
    assert.deepEqual(waits, [0, 0, 1_000, 2_000, 4_000, 8_000, 8_000]);
  });

  test('the attack: another client failing never slows this one down; there is no shared bucket', () => {
    const now = 0;
    const b = new Backoff(OPTS, () => now);
    for (let i = 0; i < 50; i++) b.fail(`attacker-${i % 5}`);
    assert.deepEqual(b.check('owner'), { allowed: true });
    assert.equal(b.check('attacker-0').allowed, false);
  });

  test('a success resets the key and never counts: 100 right answers in a row are all allowed', () => {
    const now = 0;
    const b = new Backoff(OPTS, () => now);
    b.fail('k');
    b.fail('k');
    b.reset('k');
    assert.equal(b.failures('k'), 0);
    for (let i = 0; i < 100; i++) {
      assert.deepEqual(b.check('k'), { allowed: true });
      b.fail('k'); // counted before verifying…
      b.reset('k'); // …and forgiven when right
    }
    assert.equal(b.size, 0);
  });

  test('memory stays bounded: quiet keys are forgotten, and past maxKeys the stalest go', () => {
    let now = 0;
    const b = new Backoff({ ...OPTS, maxKeys: 10 }, () => now);
    for (let i = 0; i < 50; i++) b.fail(`k${i}`);
    assert.equal(b.size, 10);
    assert.equal(b.failures('k49'), 1, 'the most recent keys are kept');
    now += 2 * OPTS.maxMs;
    b.fail('fresh');
    assert.equal(b.size, 1);
  });

  test('a clock stepping backwards does not extend a wait', () => {
    let now = 10_000;
    const b = new Backoff({ ...OPTS, freeFailures: 1 }, () => now);
    b.fail('k');
    assert.equal(b.check('k').allowed, false);
    now = 5_000;
    assert.deepEqual(b.check('k'), { allowed: true });
  });

  test('checkAll waits for the slowest back-off', () => {
    assert.deepEqual(checkAll([{ allowed: true }, { allowed: false, retryAfterMs: 5 }, { allowed: false, retryAfterMs: 9 }]), { allowed: false, retryAfterMs: 9 });
    assert.deepEqual(checkAll([{ allowed: true }]), { allowed: true });
  });
});

describe('SecretHasher', () => {
  test('the default cost is OWASP\'s scrypt advice (N = 2^17, r = 8, p = 1)', () => {
    assert.equal(defaultServerOptions.scryptLogN, OWASP_SCRYPT_LOG_N);
    assert.equal(OWASP_SCRYPT_LOG_N, 17);
  });

  test('an old, cheaper hash still verifies and asks to be re-hashed; a wrong secret never does', async () => {
    const old = await hashSecret('246810', COST);
    const hasher = new SecretHasher(COST + 1);
    assert.deepEqual(await hasher.verify('246810', old), { ok: true, rehash: true });
    assert.deepEqual(await hasher.verify('000000', old), { ok: false, rehash: false });
    const fresh = await hasher.hash('246810');
    assert.match(fresh, /^scrypt\$11\$8\$1\$/u);
    assert.deepEqual(await hasher.verify('246810', fresh), { ok: true, rehash: false });
    assert.equal(isWeakerThan(fresh, COST + 1), false);
    assert.equal(isWeakerThan(old, COST + 1), true);
  });

  test('hashes run one at a time, so a burst of logins cannot take the memory of many 128 MiB hashes at once', async () => {
    const hasher = new SecretHasher(COST);
    const results = await Promise.all(Array.from({ length: 5 }, (_, i) => hasher.hash(`secret ${i}`)));
    assert.equal(new Set(results).size, 5);
    for (let i = 0; i < 5; i++) assert.equal((await hasher.verify(`secret ${i}`, results[i]!)).ok, true);
  });
});

describe('RateGate', () => {
  test('admits one event per interval and counts drops; a clock stepping back does not block', () => {
    const g = RateGate.perSecond(10);
    assert.equal(g.admit(0), true);
    assert.equal(g.admit(50), false);
    assert.equal(g.admit(99), false);
    assert.equal(g.admit(100), true);
    assert.equal(g.admit(40), true, 'clock went backwards');
    assert.deepEqual([g.passed, g.dropped], [3, 2]);
  });
});

describe('session cookie', () => {
  test('is HttpOnly, SameSite=Strict, optionally Secure; reading tolerates other cookies and junk', () => {
    const c = sessionCookie('tok en/+', 3_600_000, true);
    assert.equal(c, 'kiosk_admin=tok%20en%2F%2B; Path=/; HttpOnly; SameSite=Strict; Max-Age=3600; Secure');
    assert.equal(readCookie('a=1; kiosk_admin=tok%20en%2F%2B; b', 'kiosk_admin'), 'tok en/+');
    assert.equal(readCookie('kiosk_admin="quoted"', 'kiosk_admin'), 'quoted');
    assert.equal(readCookie('kiosk_admin=%E0%A4%A', 'kiosk_admin'), null);
    assert.equal(readCookie(undefined, 'kiosk_admin'), null);
    assert.equal(readCookie('other=1', 'kiosk_admin'), null);
  });
});
