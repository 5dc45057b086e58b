import { test, describe, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { AttendanceRepo } from '../../../src/store/attendance-repo.ts';
import { PeopleRepo } from '../../../src/store/people-repo.ts';
import { AuditRepo } from '../../../src/store/audit-repo.ts';
import { defaultStoreOptions } from '../../../src/store/options.ts';
import { localDayBounds } from '../../../src/store/zoned-time.ts';
import type { Db } from '../../../src/store/db.ts';
import type { PunchDecision } from '../../../src/store/types.ts';
import { isKioskError } from '../../../src/errors.ts';
import { fakeClock, freshDb } from './helpers.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const HCM = 'Asia/Ho_Chi_Minh';
const iso = (s: string): number => Date.parse(s);

let env: ReturnType<typeof freshDb>;
let db: Db;
let repo: AttendanceRepo;
let alice: number;
let bao: number;
const clock = fakeClock(iso('2024-03-05T00:00:00Z'));

function decision(personId: number, ts: number, similarity = 0.82): PunchDecision {
  return { personId, ts, kioskId: 'kiosk-1', similarity, evidence: { votes: 5, trackId: 7 } };
}

beforeEach(() => {
  env = freshDb();
  db = env.db;
  const people = new PeopleRepo(db);
  alice = people.upsert({ name: 'Alice' }).person.id;
  bao = people.upsert({ name: 'Bảo' }).person.id;
  repo = new AttendanceRepo(db, { clock: clock.now, options: { reportTimeZone: 'UTC' } });
});
afterEach(() => env.done());

describe('AttendanceRepo.record cooldown', () => {
  const t0 = iso('2024-03-04T01:00:00Z');

  test('within the cooldown is not logged twice; at and after it is', () => {
    const first = repo.record(decision(alice, t0));
    assert.equal(first.logged, true);
    assert.deepEqual(repo.record(decision(alice, t0 + 4 * MIN)), { logged: false, reason: 'cooldown', lastPunchTs: t0 });
    const after = repo.record(decision(alice, t0 + 5 * MIN));
    assert.equal(after.logged, true, 'exactly the cooldown later is a new punch');
    assert.deepEqual(repo.record(decision(alice, t0 + 6 * MIN)), { logged: false, reason: 'cooldown', lastPunchTs: t0 + 5 * MIN });
    assert.equal(repo.list({ from: 0, to: Number.MAX_SAFE_INTEGER }).total, 2);
  });

  test('the cooldown is per person', () => {
    assert.equal(repo.record(decision(alice, t0)).logged, true);
    assert.equal(repo.record(decision(bao, t0 + MIN)).logged, true);
  });

  test('a voided punch does not hold the cooldown', () => {
    const first = repo.record(decision(alice, t0));
    assert.ok(first.logged);
    assert.deepEqual(repo.void(first.punchId, 'wrong person', 'admin'), { voided: true });
    const again = repo.record(decision(alice, t0 + MIN));
    assert.equal(again.logged, true);
  });

  test('an explicit cooldown overrides the configured one; 0 disables it', () => {
    assert.equal(repo.record(decision(alice, t0), 0).logged, true);
    assert.equal(repo.record(decision(alice, t0 + 1), 0).logged, true);
    assert.deepEqual(repo.record(decision(alice, t0 + 10 * MIN), HOUR), { logged: false, reason: 'cooldown', lastPunchTs: t0 + 1 });
  });

  test('an out-of-order decision inside the window of a later punch is not logged', () => {
    assert.equal(repo.record(decision(alice, t0)).logged, true);
    assert.deepEqual(repo.record(decision(alice, t0 - 2 * MIN)), { logged: false, reason: 'cooldown', lastPunchTs: t0 });
  });

  test('stores similarity, kiosk and evidence', () => {
    const r = repo.record(decision(alice, t0, 0.91));
    assert.ok(r.logged);
    const p = repo.get(r.punchId);
    assert.equal(p?.personName, 'Alice');
    assert.equal(p?.similarity, 0.91);
    assert.equal(p?.kioskId, 'kiosk-1');
    assert.deepEqual(p?.evidence, { votes: 5, trackId: 7 });
    assert.equal(p?.manual, false);
  });

  test('rejects bad input with USAGE', () => {
    const usage = (e: unknown): boolean => isKioskError(e) && e.code === 'USAGE';
    assert.throws(() => repo.record(decision(alice, Number.NaN)), usage);
    assert.throws(() => repo.record(decision(alice, t0, Number.NaN)), usage);
    assert.throws(() => repo.record(decision(9999, t0)), usage);
    assert.equal(repo.list({ from: 0, to: Number.MAX_SAFE_INTEGER }).total, 0);
  });
});

describe('AttendanceRepo.void and addManual', () => {
  test('void is audited and reports missing or already-voided punches as values', () => {
    const r = repo.record(decision(alice, iso('2024-03-04T01:00:00Z')));
    assert.ok(r.logged);
    assert.deepEqual(repo.void(r.punchId, '  misidentified ', 'admin'), { voided: true });
    assert.deepEqual(repo.void(r.punchId, 'again', 'admin'), { voided: false, reason: 'already-voided' });
    assert.deepEqual(repo.void(r.punchId + 100, 'x', 'admin'), { voided: false, reason: 'not-found' });
    const p = repo.get(r.punchId);
    assert.equal(p?.voidedAt, clock.now());
    assert.equal(p?.voidReason, 'misidentified');
    const audit = new AuditRepo(db, defaultStoreOptions).list({ target: `punch:${r.punchId}` });
    assert.deepEqual(
      audit.map((a) => [a.action, a.actor, a.details['reason']]),
      [['punch.void', 'admin', 'misidentified']],
    );
    assert.throws(() => repo.void(r.punchId, ' ', 'admin'), (e: unknown) => isKioskError(e) && e.code === 'USAGE');
  });

  test('a manual punch bypasses the cooldown, is marked and audited', () => {
    const t = iso('2024-03-04T01:00:00Z');
    assert.ok(repo.record(decision(alice, t)).logged);
    const { punchId } = repo.addManual(alice, t + MIN, 'admin', 'camera missed the exit');
    const p = repo.get(punchId);
    assert.equal(p?.manual, true);
    assert.equal(p?.similarity, null);
    assert.equal(p?.kioskId, defaultStoreOptions.kioskId);
    const audit = new AuditRepo(db, defaultStoreOptions).list({ target: `punch:${punchId}` });
    assert.equal(audit[0]?.action, 'punch.manual');
    assert.equal(audit[0]?.details['reason'], 'camera missed the exit');
    assert.throws(() => repo.addManual(9999, t, 'admin', 'x'), (e: unknown) => isKioskError(e) && e.code === 'USAGE');
  });
});

describe('AttendanceRepo.list', () => {
  test('filters by [from, to) and person, newest first, paginates, hides voided unless asked', () => {
    const base = iso('2024-03-04T00:00:00Z');
    const ids: number[] = [];
    for (let i = 0; i < 5; i++) {
      const r = repo.record(decision(alice, base + i * HOUR));
      assert.ok(r.logged);
      ids.push(r.punchId);
    }
    const b = repo.record(decision(bao, base + HOUR));
    assert.ok(b.logged);
    repo.void(ids[4]!, 'test', 'admin');

    const all = repo.list({ from: base, to: base + 10 * HOUR });
    assert.equal(all.total, 5);
    assert.deepEqual(all.items.slice(0, 2).map((p) => p.ts), [base + 3 * HOUR, base + 2 * HOUR]);

    const aliceOnly = repo.list({ from: base + HOUR, to: base + 4 * HOUR, personId: alice });
    assert.deepEqual(aliceOnly.items.map((p) => p.id), [ids[3], ids[2], ids[1]]);

    const page = repo.list({ from: base, to: base + 10 * HOUR, personId: alice, limit: 2, offset: 2 });
    assert.equal(page.total, 4);
    assert.deepEqual(page.items.map((p) => p.id), [ids[1], ids[0]]);

    const withVoided = repo.list({ from: base, to: base + 10 * HOUR, includeVoided: true });
    assert.equal(withVoided.total, 6);
    assert.equal(withVoided.items[0]?.voidReason, 'test');
  });
});

describe('AttendanceRepo.daily', () => {
  test('splits days at local midnight in Asia/Ho_Chi_Minh, not UTC', () => {
    const punches: [number, string][] = [
      [alice, '2024-03-01T23:30:00Z'], // 06:30 on 2 March in Hanoi, still 1 March in UTC
      [alice, '2024-03-02T04:00:00Z'], // 11:00
      [alice, '2024-03-02T10:15:00Z'], // 17:15
      [bao, '2024-03-02T16:59:00Z'], //   23:59 on 2 March
      [bao, '2024-03-02T17:01:00Z'], //   00:01 on 3 March
    ];
    for (const [person, at] of punches) assert.ok(repo.record(decision(person, iso(at)), 0).logged);
    const voided = repo.record(decision(alice, iso('2024-03-02T14:00:00Z')), 0);
    assert.ok(voided.logged);
    repo.void(voided.punchId, 'duplicate', 'admin'); // would stretch Alice's day to 21:00 if counted

    const range = { from: localDayBounds('2024-03-02', HCM).from, to: localDayBounds('2024-03-03', HCM).to };
    const rows = repo.daily({ ...range, timeZone: HCM });
    assert.deepEqual(
      rows.map((r) => [r.personName, r.day, r.punches, r.hours]),
      [
        ['Alice', '2024-03-02', 3, 10.75],
        ['Bảo', '2024-03-02', 1, 0],
        ['Bảo', '2024-03-03', 1, 0],
      ],
    );
    assert.equal(rows[0]?.firstIn, iso('2024-03-01T23:30:00Z'));
    assert.equal(rows[0]?.lastOut, iso('2024-03-02T10:15:00Z'));

    // The same punches in UTC days: Alice's morning punch falls on 1 March.
    const utc = repo.daily({ ...range }); // repo configured with reportTimeZone UTC
    assert.deepEqual(
      utc.map((r) => [r.personName, r.day, r.punches]),
      [
        ['Alice', '2024-03-01', 1],
        ['Alice', '2024-03-02', 2],
        ['Bảo', '2024-03-02', 2],
      ],
    );
    assert.equal(repo.daily({ ...range, timeZone: HCM, personId: bao }).length, 2);
  });
});

describe('AttendanceRepo sightings', () => {
  test('records and lists unknown and spoof sightings', () => {
    const t = iso('2024-03-04T01:00:00Z');
    const a = repo.recordSighting('unknown', t, 'kiosk-1', { bestSimilarity: 0.3 }, 4);
    repo.recordSighting('spoof', t + MIN, 'kiosk-1', { antispoof: 0.1 });
    const spoofs = repo.listSightings({ from: t, to: t + HOUR, kind: 'spoof' });
    assert.deepEqual(spoofs.map((s) => [s.kind, s.count, s.evidence['antispoof']]), [['spoof', 1, 0.1]]);
    const all = repo.listSightings({ from: t, to: t + HOUR });
    assert.deepEqual(all.map((s) => s.kind), ['spoof', 'unknown']);
    assert.equal(all[1]?.id, a);
    assert.equal(all[1]?.count, 4);
    assert.throws(() => repo.recordSighting('unknown', t, 'k', {}, 0), (e: unknown) => isKioskError(e) && e.code === 'USAGE');
  });
});
