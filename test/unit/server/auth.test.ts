import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readCookie, sessionCookie } from '../../../src/server/auth/cookie.ts';
import { hashSecret, isPasswordHash, verifySecret } from '../../../src/server/auth/password.ts';
import { checkAll, FailureLimiter } from '../../../src/server/auth/rate-limit.ts';
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

describe('FailureLimiter', () => {
  test('refuses after maxFailures within the window, until the window ends', () => {
    let now = 1_000;
    const lim = new FailureLimiter({ maxFailures: 3, windowMs: 10_000 }, () => now);
    for (let i = 0; i < 3; i++) {
      assert.deepEqual(lim.check('ip'), { allowed: true });
      lim.fail('ip');
    }
    assert.deepEqual(lim.check('ip'), { allowed: false, retryAfterMs: 10_000 });
    assert.deepEqual(lim.check('other'), { allowed: true }, 'keys are separate');
    now += 4_000;
    assert.deepEqual(lim.check('ip'), { allowed: false, retryAfterMs: 6_000 });
    now += 6_000;
    assert.deepEqual(lim.check('ip'), { allowed: true });
  });

  test('a success resets the key; expired keys are pruned', () => {
    let now = 0;
    const lim = new FailureLimiter({ maxFailures: 2, windowMs: 100 }, () => now);
    lim.fail('a');
    lim.reset('a');
    lim.fail('a');
    assert.deepEqual(lim.check('a'), { allowed: true });
    for (let i = 0; i < 50; i++) lim.fail(`k${i}`);
    now = 200;
    lim.fail('fresh');
    assert.equal(lim.size, 1);
  });

  test('checkAll waits for the slowest limiter', () => {
    assert.deepEqual(checkAll([{ allowed: true }, { allowed: false, retryAfterMs: 5 }, { allowed: false, retryAfterMs: 9 }]), { allowed: false, retryAfterMs: 9 });
    assert.deepEqual(checkAll([{ allowed: true }]), { allowed: true });
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
