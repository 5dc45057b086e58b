/**
 * Where the kiosk's decisions go: straight into SQLite while it takes writes; into the fsync'd
 * punch journal (punch-journal.ts) from the first refused write on, until a retry replays the
 * journal into SQLite. Each replayed entry's id is inserted in the same transaction as its row
 * (table journal_applied), so an entry lands exactly once even if the kiosk dies mid-replay.
 *
 * The state is what health reports: `recording: false` turns /healthz to 503, withholds the systemd
 * watchdog ping and puts "not recording: call an admin" on the kiosk screen.
 */
import { randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { KioskError, errorMessage, isKioskError } from '../errors.ts';
import { silentLogger, type Logger } from '../log.ts';
import type { AttendanceRepo } from './attendance-repo.ts';
import type { Db } from './db.ts';
import type { JournalEntry, PunchJournal } from './punch-journal.ts';
import type { Evidence, PunchDecision, RecordResult, SightingKind } from './types.ts';

export interface RecordingState {
  /** Decisions go into the database. */
  recording: boolean;
  /** When the state last changed (ms epoch). */
  since: number;
  /** Decisions waiting in the journal for the database. */
  pending: number;
  /** The database's refusal, while not recording. */
  error: string | null;
}

/** A punch kept in the journal: announced as checked in, in the log once the database takes writes. */
export type RecordOutcome = RecordResult | { logged: true; journaled: true };

export interface ReplayResult {
  applied: number;
  /** Already applied before (a replay that died before clearing the journal). */
  duplicates: number;
  /** Entries the database refuses for good (the person was erased meanwhile); logged, then dropped. */
  rejected: number;
  /** Unparsable lines in the journal file. */
  skipped: number;
}

export interface RecorderDeps {
  db: Db;
  attendance: AttendanceRepo;
  /** Null for a throwaway in-memory store: a refused write then throws as before. */
  journal: PunchJournal | null;
  retryMs: number;
  clock?: () => number;
  logger?: Logger;
}

export class DurableRecorder extends EventEmitter<{ state: [RecordingState] }> {
  readonly #d: RecorderDeps;
  readonly #clock: () => number;
  readonly #logger: Logger;
  #state: RecordingState;
  /** Punches in the journal, for the cooldown while the database is not written. */
  #pendingPunches: PunchDecision[] = [];
  #lastAttempt = 0;

  constructor(deps: RecorderDeps) {
    super();
    this.#d = deps;
    this.#clock = deps.clock ?? Date.now;
    this.#logger = (deps.logger ?? silentLogger).child({ stage: 'store.recorder' });
    this.#state = { recording: true, since: this.#clock(), pending: 0, error: null };
  }

  get state(): RecordingState {
    return { ...this.#state };
  }

  /**
   * Picks up a journal left by an earlier run and replays it. Returns what was replayed; when the
   * database still refuses, the kiosk starts not recording and the entries stay in the journal.
   */
  open(): ReplayResult | null {
    const journal = this.#d.journal;
    if (journal === null || !journal.exists) return null;
    const { entries } = journal.read();
    this.#pendingPunches = entries.flatMap((e) => (e.kind === 'punch' ? [e.decision] : []));
    if (entries.length > 0) this.#set({ recording: false, pending: entries.length, error: 'decisions from an earlier run wait in the journal' });
    return this.retry();
  }

  /** Logs a recognised person (with the cooldown); never loses it to a refused write. */
  recordPunch(decision: PunchDecision, cooldownMs: number): RecordOutcome {
    this.#retryIfPending();
    if (this.#state.recording) {
      try {
        return this.#d.attendance.record(decision, cooldownMs);
      } catch (err) {
        this.#fault(err);
      }
    }
    const near = this.#nearInJournalMode(decision, cooldownMs);
    if (near !== null) return { logged: false, reason: 'cooldown', lastPunchTs: near };
    this.#append({ id: randomUUID(), kind: 'punch', decision, cooldownMs });
    this.#pendingPunches.push(decision);
    return { logged: true, journaled: true };
  }

  /** An unknown or spoofed face, kept like a punch. Returns its row id, or null when it went to the journal. */
  recordSighting(kind: SightingKind, ts: number, kioskId: string, evidence: Evidence, count = 1): number | null {
    this.#retryIfPending();
    if (this.#state.recording) {
      try {
        return this.#d.attendance.recordSighting(kind, ts, kioskId, evidence, count);
      } catch (err) {
        this.#fault(err);
      }
    }
    this.#append({ id: randomUUID(), kind: 'sighting', sighting: kind, ts, kioskId, evidence, count });
    return null;
  }

  /** A write probe (the health check's heartbeat) failed: stop claiming to record before a punch is lost to it. */
  refused(error: string): void {
    if (this.#d.journal === null) return;
    this.#fault(new Error(error));
  }

  /** Called on every loop tick: retries the database at most every `retryMs` while not recording. */
  tick(now: number = this.#clock()): void {
    if (this.#state.recording || now - this.#lastAttempt < this.#d.retryMs) return;
    this.retry();
  }

  /**
   * Replays the journal into the database in one transaction; on success the journal is removed
   * and recording resumes. Returns null when the database still refuses.
   */
  retry(): ReplayResult | null {
    this.#lastAttempt = this.#clock();
    const journal = this.#d.journal;
    const { entries, skipped } = journal?.read() ?? { entries: [], skipped: 0 };
    const result: ReplayResult = { applied: 0, duplicates: 0, rejected: 0, skipped };
    const db = this.#d.db;
    const seen = db.prepare<[string], { id: string }>('SELECT id FROM journal_applied WHERE id = ?');
    const mark = db.prepare<[string, number]>('INSERT INTO journal_applied (id, applied_at) VALUES (?, ?)');
    try {
      db.transaction(() => {
        // Also the write probe when the journal is empty: recording resumes only on a committed write.
        db.prepare('INSERT INTO health_heartbeat (id, ts) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET ts = excluded.ts').run(this.#lastAttempt);
        for (const e of entries) {
          if (seen.get(e.id) !== undefined) {
            result.duplicates++;
            continue;
          }
          if (this.#apply(e)) result.applied++;
          else result.rejected++;
          mark.run(e.id, this.#lastAttempt);
        }
      }).immediate();
    } catch (err) {
      if (this.#state.recording) this.#fault(err);
      else this.#logger.debug({ err: errorMessage(err) }, 'database still refuses writes');
      return null;
    }
    // Committed: the journal may go. Its ids are kept until then, so a crash in between replays nothing twice.
    journal?.clear();
    try {
      db.prepare('DELETE FROM journal_applied').run();
    } catch (err) {
      this.#logger.warn({ err: errorMessage(err) }, 'could not prune replayed journal ids (harmless)');
    }
    this.#pendingPunches = [];
    if (entries.length + skipped > 0) this.#logger.warn({ ...result }, `replayed ${result.applied} decisions from the punch journal into the database`);
    if (!this.#state.recording) {
      this.#logger.warn({}, 'database takes writes again: recording resumed');
      this.#set({ recording: true, pending: 0, error: null });
    }
    return result;
  }

  /** True when applied; false when the database refuses this entry for good (the person is gone). */
  #apply(e: JournalEntry): boolean {
    try {
      if (e.kind === 'punch') this.#d.attendance.record(e.decision, e.cooldownMs);
      else this.#d.attendance.recordSighting(e.sighting, e.ts, e.kioskId, e.evidence, e.count);
      return true;
    } catch (err) {
      if (!isKioskError(err) || err.code !== 'USAGE') throw err;
      this.#logger.warn({ err: err.message, entry: e.id }, 'journal entry refused by the database; dropped');
      return false;
    }
  }

  #retryIfPending(): void {
    if (!this.#state.recording) this.tick();
  }

  #nearInJournalMode(d: PunchDecision, cooldownMs: number): number | null {
    const journaled = this.#pendingPunches.filter((p) => p.personId === d.personId && Math.abs(p.ts - d.ts) < cooldownMs).map((p) => p.ts);
    let stored: number | null = null;
    try {
      stored = this.#d.attendance.livePunchNear(d.personId, d.ts, cooldownMs);
    } catch {
      // The file may refuse reads too; the journal still keeps the punch.
    }
    const all = stored === null ? journaled : [...journaled, stored];
    if (all.length === 0) return null;
    return all.reduce((best, ts) => (Math.abs(ts - d.ts) < Math.abs(best - d.ts) ? ts : best));
  }

  #fault(err: unknown): void {
    // A bug in the caller is not a disk fault: it goes up as before.
    if (isKioskError(err) && err.code === 'USAGE') throw err;
    if (this.#d.journal === null) throw err;
    this.#lastAttempt = this.#clock();
    if (!this.#state.recording) return;
    const error = errorMessage(err);
    this.#logger.error({ err: error, journal: this.#d.journal.path }, 'the database refused a decision: NOT RECORDING; decisions go to the journal until it takes writes again');
    this.#set({ recording: false, pending: this.#state.pending, error });
  }

  #append(entry: JournalEntry): void {
    const journal = this.#d.journal;
    if (journal === null) throw new KioskError('STORE_FAILED', 'the database refused a decision and no journal is configured', { hint: 'check the disk' });
    try {
      journal.append(entry);
    } catch (err) {
      throw new KioskError('STORE_FAILED', `cannot keep a decision: the database and the journal ${journal.path} both refuse writes (${errorMessage(err)})`, {
        hint: 'free disk space or make the data directory writable, then restart the kiosk',
        context: { journal: journal.path },
        cause: err,
      });
    }
    this.#set({ recording: false, pending: this.#state.pending + 1, error: this.#state.error });
  }

  #set(next: Omit<RecordingState, 'since'>): void {
    const changed = next.recording !== this.#state.recording;
    this.#state = { ...next, since: changed ? this.#clock() : this.#state.since };
    this.emit('state', this.state);
  }
}
