/**
 * The punch journal and the recorder as faults: the database refuses writes (PRAGMA query_only, as a
 * read-only file does), decisions go to the fsync'd journal, and come into the log exactly once when
 * writes return, even when the kiosk dies between the replay's commit and clearing the journal.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { appendFileSync, copyFileSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { openRecorder, openStore, type Store } from '../../../src/store/store.ts';
import { DurableRecorder } from '../../../src/store/durable-recorder.ts';
import { journalPathFor, PunchJournal } from '../../../src/store/punch-journal.ts';
import { fakeClock, tempDir } from './helpers.ts';

const COOLDOWN = 300_000;

function setup(t: { after(fn: () => void): void }): { store: Store; clock: ReturnType<typeof fakeClock>; path: string; personId: number; dir: string } {
  const tmp = tempDir();
  const clock = fakeClock();
  const store = openStore({ dataDir: tmp.dir, reportTimeZone: 'UTC' }, { clock: clock.now });
  t.after(() => {
    store.close();
    tmp.cleanup();
  });
  const personId = store.people.upsert({ name: 'Tâm' }).person.id;
  return { store, clock, path: tmp.file(), personId, dir: tmp.dir };
}

function punch(personId: number, ts: number) {
  return { personId, ts, kioskId: 'door', similarity: 0.9, evidence: { votes: 5 } };
}

function readOnly(store: Store, on: boolean): void {
  store.db.pragma(`query_only = ${on ? 'ON' : 'OFF'}`);
}

function livePunches(store: Store): number[] {
  return store.attendance.list({ from: 0, to: Number.MAX_SAFE_INTEGER }).items.map((p) => p.ts).sort();
}

describe('DurableRecorder', () => {
  test('a refused write switches to the journal; the punch reaches the log once writes return', (t) => {
    const { store, clock, path, personId } = setup(t);
    const recorder = openRecorder(store, { journalRetryMs: 1_000 }, { clock: clock.now });
    const states: boolean[] = [];
    recorder.on('state', (s) => states.push(s.recording));

    assert.deepEqual(recorder.recordPunch(punch(personId, clock.now()), COOLDOWN), { logged: true, punchId: 1 });
    readOnly(store, true);
    clock.advance(COOLDOWN + 1);
    const during = clock.now();
    assert.deepEqual(recorder.recordPunch(punch(personId, during), COOLDOWN), { logged: true, journaled: true });
    recorder.recordSighting('unknown', during, 'door', { votes: 3 });
    assert.equal(recorder.state.recording, false);
    assert.equal(recorder.state.pending, 2);
    assert.match(recorder.state.error ?? '', /readonly/);
    assert.ok(existsSync(journalPathFor(path)), 'the journal lies beside the database');
    assert.equal(statSync(journalPathFor(path)).mode & 0o777, 0o600);
    assert.equal(readFileSync(journalPathFor(path), 'utf8').trim().split('\n').length, 2);

    // Still refused: the retry changes nothing and keeps the journal.
    clock.advance(1_000);
    recorder.tick();
    assert.equal(recorder.state.recording, false);
    assert.deepEqual(livePunches(store), [during - COOLDOWN - 1]);

    readOnly(store, false);
    clock.advance(1_000);
    recorder.tick();
    assert.equal(recorder.state.recording, true);
    assert.equal(recorder.state.pending, 0);
    assert.deepEqual(livePunches(store), [during - COOLDOWN - 1, during]);
    assert.equal(store.attendance.listSightings({ from: 0, to: Number.MAX_SAFE_INTEGER }).length, 1);
    assert.equal(existsSync(journalPathFor(path)), false, 'the journal is removed once replayed');
    assert.deepEqual(states.filter((s, i) => i === 0 || s !== states[i - 1]), [false, true]);
  });

  test('the cooldown still holds while punches go to the journal', (t) => {
    const { store, clock, personId } = setup(t);
    const recorder = openRecorder(store, { journalRetryMs: 60_000 }, { clock: clock.now });
    const first = clock.now();
    recorder.recordPunch(punch(personId, first), COOLDOWN);
    readOnly(store, true);
    clock.advance(10_000);
    assert.deepEqual(recorder.recordPunch(punch(personId, clock.now()), COOLDOWN), { logged: false, reason: 'cooldown', lastPunchTs: first });
    clock.advance(COOLDOWN);
    const journaled = clock.now();
    assert.deepEqual(recorder.recordPunch(punch(personId, journaled), COOLDOWN), { logged: true, journaled: true });
    clock.advance(5_000);
    assert.deepEqual(recorder.recordPunch(punch(personId, clock.now()), COOLDOWN), { logged: false, reason: 'cooldown', lastPunchTs: journaled });
    assert.equal(recorder.state.pending, 1);
  });

  test('a replay that died before clearing the journal applies nothing twice', (t) => {
    const { store, clock, path, personId } = setup(t);
    const recorder = openRecorder(store, { journalRetryMs: 1 }, { clock: clock.now });
    readOnly(store, true);
    recorder.recordPunch(punch(personId, clock.now()), COOLDOWN);
    const journal = journalPathFor(path);
    const copy = `${journal}.copy`;
    copyFileSync(journal, copy);
    readOnly(store, false);
    clock.advance(10);
    recorder.tick();
    assert.equal(livePunches(store).length, 1);

    // The same entries again, as after a crash between the commit and the unlink; plus a torn last line.
    copyFileSync(copy, journal);
    store.db.prepare("INSERT INTO journal_applied (id, applied_at) SELECT json_extract(?, '$.id'), 0").run(readFileSync(copy, 'utf8').trim());
    appendFileSync(journal, '{"id":"torn","kind":"pun');
    const next = new DurableRecorder({ db: store.db, attendance: store.attendance, journal: new PunchJournal(journal), retryMs: 1, clock: clock.now });
    const replay = next.open();
    assert.deepEqual(replay, { applied: 0, duplicates: 1, rejected: 0, skipped: 1 });
    assert.equal(livePunches(store).length, 1, 'exactly once');
    assert.equal(next.state.recording, true);
    assert.equal(existsSync(journal), false);
  });

  test('a journal left by an earlier run is replayed at start; while the database refuses, the kiosk starts not recording', (t) => {
    const { store, clock, path, personId } = setup(t);
    const journal = new PunchJournal(journalPathFor(path));
    journal.append({ id: 'a', kind: 'punch', decision: punch(personId, clock.now()), cooldownMs: COOLDOWN });
    journal.append({ id: 'b', kind: 'punch', decision: punch(999, clock.now()), cooldownMs: COOLDOWN });
    readOnly(store, true);
    const refused = openRecorder(store, { journalRetryMs: 1 }, { clock: clock.now });
    assert.equal(refused.state.recording, false);
    assert.equal(refused.state.pending, 2);
    assert.deepEqual(livePunches(store), []);
    readOnly(store, false);
    const started = openRecorder(store, { journalRetryMs: 1 }, { clock: clock.now });
    assert.equal(started.state.recording, true);
    assert.deepEqual(livePunches(store), [clock.now()]);
    assert.equal(journal.exists, false, 'the entry for a person erased meanwhile is dropped, not retried forever');
  });

  test('when the journal cannot be written either, the error says both refuse', (t) => {
    const { store, clock, dir, personId } = setup(t);
    const blocked = `${dir}/not-a-dir`;
    writeFileSync(blocked, '');
    const recorder = new DurableRecorder({ db: store.db, attendance: store.attendance, journal: new PunchJournal(`${blocked}/journal`), retryMs: 1, clock: clock.now });
    readOnly(store, true);
    assert.throws(() => recorder.recordPunch(punch(personId, clock.now()), COOLDOWN), /the database and the journal .* both refuse writes/);
  });

  test('the real fault: kiosk.db and its WAL made immutable (chattr +i) mid-run, then writable again', (t) => {
    const { store, clock, path, personId } = setup(t);
    const recorder = openRecorder(store, { journalRetryMs: 1_000 }, { clock: clock.now });
    recorder.recordPunch(punch(personId, clock.now()), COOLDOWN);
    const files = [path, `${path}-wal`];
    try {
      execFileSync('chattr', ['+i', ...files], { stdio: 'ignore' });
    } catch {
      t.skip('chattr +i is not available here (needs root and a filesystem with attributes)');
      return;
    }
    let locked = true;
    const unlock = (): void => {
      if (locked) execFileSync('chattr', ['-i', ...files], { stdio: 'ignore' });
      locked = false;
    };
    t.after(unlock);
    clock.advance(COOLDOWN + 1);
    const during = clock.now();
    assert.deepEqual(recorder.recordPunch(punch(personId, during), COOLDOWN), { logged: true, journaled: true });
    assert.equal(recorder.state.recording, false);
    unlock();
    clock.advance(1_000);
    recorder.tick();
    assert.equal(recorder.state.recording, true);
    assert.deepEqual(livePunches(store), [during - COOLDOWN - 1, during]);
  });
});
