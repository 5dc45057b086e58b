/** Punches (with the cooldown that keeps one walk-past from logging twice), sightings and the daily report. */
import { KioskError } from '../errors.ts';
import type { Logger } from '../log.ts';
import { AuditRepo } from './audit-repo.ts';
import { sortDaily, summarizeDaily, type DailyPunch } from './daily.ts';
import type { Db } from './db.ts';
import { resolveDeps, type RepoDeps } from './repo-deps.ts';
import { clampLimit, parseJsonObject, target } from './rows.ts';
import type { StoreOptions } from './options.ts';
import type {
  DailyQuery,
  DailyRow,
  Evidence,
  FallbackPunch,
  Punch,
  PunchDecision,
  PunchPage,
  PunchQuery,
  PunchSource,
  RecordResult,
  SightingKind,
  VoidResult,
} from './types.ts';

interface PunchRow {
  id: number;
  person_id: number;
  person_name: string;
  ts: number;
  kiosk_id: string;
  similarity: number | null;
  evidence: string;
  voided_at: number | null;
  void_reason: string | null;
  manual: number;
  source: PunchSource;
  review: number;
  has_photo: number;
}

export interface Sighting {
  id: number;
  kind: SightingKind;
  ts: number;
  count: number;
  kioskId: string;
  evidence: Evidence;
  hasPhoto: boolean;
}

const PUNCH_SELECT = `SELECT pu.id, pu.person_id, pe.name AS person_name, pu.ts, pu.kiosk_id, pu.similarity, pu.evidence,
  pu.voided_at, pu.void_reason, pu.manual, pu.source, pu.review,
  EXISTS (SELECT 1 FROM evidence_photos ep WHERE ep.punch_id = pu.id) AS has_photo
  FROM punches pu JOIN people pe ON pe.id = pu.person_id`;
const PUNCH_FILTER = `WHERE pu.ts >= @from AND pu.ts < @to AND (@personId IS NULL OR pu.person_id = @personId)
  AND (@includeVoided = 1 OR pu.voided_at IS NULL)`;

type PunchFilter = { from: number; to: number; personId: number | null; includeVoided: number };

export class AttendanceRepo {
  private readonly logger: Logger;
  private readonly clock: () => number;
  private readonly options: StoreOptions;
  private readonly collator: Intl.Collator;
  private readonly audit: AuditRepo;
  private readonly stmt;

  constructor(
    private readonly db: Db,
    deps: RepoDeps = {},
  ) {
    const { logger, clock, options } = resolveDeps(deps, 'store.attendance');
    this.logger = logger;
    this.clock = clock;
    this.options = options;
    this.collator = new Intl.Collator(options.collationLocale);
    this.audit = new AuditRepo(db, options);
    this.stmt = {
      personExists: db.prepare<[number], { id: number }>('SELECT id FROM people WHERE id = ?'),
      // Nearest live punch strictly inside (ts − cooldown, ts + cooldown); served by the partial index.
      nearestLive: db.prepare<{ personId: number; ts: number; cooldown: number }, { ts: number }>(
        `SELECT ts FROM punches
         WHERE person_id = @personId AND voided_at IS NULL AND ts > @ts - @cooldown AND ts < @ts + @cooldown
         ORDER BY abs(ts - @ts), ts DESC LIMIT 1`,
      ),
      insertPunch: db.prepare<[number, number, string, number | null, string, number, PunchSource]>(
        'INSERT INTO punches (person_id, ts, kiosk_id, similarity, evidence, manual, source) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      insertFallback: db.prepare<[number, number, string, string]>(
        "INSERT INTO punches (person_id, ts, kiosk_id, similarity, evidence, manual, source, review) VALUES (?, ?, ?, NULL, ?, 0, 'fallback', 1)",
      ),
      insertFromHub: db.prepare<[number, number, string, string, string]>(
        "INSERT INTO punches (person_id, ts, kiosk_id, similarity, evidence, manual, source, uid) VALUES (?, ?, ?, NULL, ?, 1, 'manual', ?) ON CONFLICT (uid) DO NOTHING",
      ),
      byId: db.prepare<[number], PunchRow>(`${PUNCH_SELECT} WHERE pu.id = ?`),
      voidPunch: db.prepare<[number, string, number]>('UPDATE punches SET voided_at = ?, void_reason = ? WHERE id = ? AND voided_at IS NULL'),
      list: db.prepare<PunchFilter & { limit: number; offset: number }, PunchRow>(
        `${PUNCH_SELECT} ${PUNCH_FILTER} ORDER BY pu.ts DESC, pu.id DESC LIMIT @limit OFFSET @offset`,
      ),
      count: db.prepare<PunchFilter, { n: number }>(`SELECT count(*) AS n FROM punches pu ${PUNCH_FILTER}`),
      daily: db.prepare<PunchFilter, DailyPunch>(
        `SELECT pu.person_id AS personId, pe.name AS personName, pu.ts FROM punches pu JOIN people pe ON pe.id = pu.person_id
         ${PUNCH_FILTER} ORDER BY pu.person_id, pu.ts`,
      ),
      insertSighting: db.prepare<[string, number, number, string, string]>(
        'INSERT INTO sightings (kind, ts, count, kiosk_id, evidence) VALUES (?, ?, ?, ?, ?)',
      ),
      sightings: db.prepare<
        { from: number; to: number; kind: string | null; limit: number; offset: number },
        { id: number; kind: SightingKind; ts: number; count: number; kiosk_id: string; evidence: string; has_photo: number }
      >(
        `SELECT id, kind, ts, count, kiosk_id, evidence,
           EXISTS (SELECT 1 FROM evidence_photos ep WHERE ep.sighting_id = sightings.id) AS has_photo FROM sightings
         WHERE ts >= @from AND ts < @to AND (@kind IS NULL OR kind = @kind)
         ORDER BY ts DESC, id DESC LIMIT @limit OFFSET @offset`,
      ),
    };
  }

  /**
   * Logs a recognised person unless a live (non-voided) punch of theirs lies within `cooldownMs` of
   * `decision.ts`: being seen twice on the way in is one arrival. The check and the insert share one
   * write transaction, so two kiosks on the same file cannot both log the same walk-past.
   */
  record(decision: PunchDecision, cooldownMs: number = this.options.cooldownMs): RecordResult {
    checkTs(decision.ts);
    if (!Number.isFinite(decision.similarity)) {
      throw usage(`similarity ${decision.similarity} is not a finite number`, { personId: decision.personId });
    }
    if (!Number.isFinite(cooldownMs) || cooldownMs < 0) throw usage(`cooldown ${cooldownMs} ms is not a non-negative number`, {});
    const result = this.db.transaction((): RecordResult => {
      this.requirePerson(decision.personId);
      const near = this.stmt.nearestLive.get({ personId: decision.personId, ts: decision.ts, cooldown: cooldownMs });
      if (near !== undefined) return { logged: false, reason: 'cooldown', lastPunchTs: near.ts };
      const info = this.stmt.insertPunch.run(
        decision.personId,
        decision.ts,
        decision.kioskId,
        decision.similarity,
        JSON.stringify(decision.evidence),
        0,
        'face',
      );
      return { logged: true, punchId: Number(info.lastInsertRowid) };
    }).immediate();
    this.logger.debug({ personId: decision.personId, ts: decision.ts, ...result }, 'punch');
    return result;
  }

  /** The live punch of this person nearest to `ts` within the cooldown, if any: a read, so it works on a read-only file. */
  livePunchNear(personId: number, ts: number, cooldownMs: number = this.options.cooldownMs): number | null {
    return this.stmt.nearestLive.get({ personId, ts, cooldown: cooldownMs })?.ts ?? null;
  }

  /** An unrecognised or spoofed face; `count` lets the caller fold a track's frames into one row. */
  recordSighting(kind: SightingKind, ts: number, kioskId: string, evidence: Evidence, count = 1): number {
    checkTs(ts);
    if (!Number.isSafeInteger(count) || count < 1) throw usage(`sighting count ${count} is not a positive integer`, { kind });
    return Number(this.stmt.insertSighting.run(kind, ts, count, kioskId, JSON.stringify(evidence)).lastInsertRowid);
  }

  get(punchId: number): Punch | null {
    const row = this.stmt.byId.get(punchId);
    return row === undefined ? null : toPunch(row);
  }

  /** Punches with `from <= ts < to`, newest first; voided ones only when asked for. */
  list(q: PunchQuery): PunchPage {
    const filter = this.filter(q);
    const items = this.stmt.list.all({ ...filter, limit: clampLimit(q.limit, this.options), offset: Math.max(0, Math.trunc(q.offset ?? 0)) });
    return { items: items.map(toPunch), total: this.stmt.count.get(filter)?.n ?? 0 };
  }

  listSightings(q: { from: number; to: number; kind?: SightingKind; limit?: number; offset?: number }): Sighting[] {
    return this.stmt.sightings
      .all({ from: q.from, to: q.to, kind: q.kind ?? null, limit: clampLimit(q.limit, this.options), offset: Math.max(0, Math.trunc(q.offset ?? 0)) })
      .map((r) => ({ id: r.id, kind: r.kind, ts: r.ts, count: r.count, kioskId: r.kiosk_id, evidence: parseJsonObject(r.evidence), hasPhoto: r.has_photo === 1 }));
  }

  /**
   * First in, last out and hours per person per local day of `timeZone`, from live punches in
   * `[from, to)`. Pass local-midnight bounds (localDayBounds) so the edge days are whole.
   */
  daily(q: DailyQuery): DailyRow[] {
    const timeZone = q.timeZone ?? this.options.reportTimeZone;
    const rows = summarizeDaily(this.stmt.daily.iterate(this.filter({ ...q, includeVoided: false })), timeZone);
    return sortDaily(rows, (a, b) => this.collator.compare(a, b));
  }

  /**
   * A punch let in by employee code + personal PIN at the kiosk (the face was not recognised):
   * stored as source `fallback`, flagged for review, audited. No cooldown: the person asked for it,
   * and the earlier punch may just have been voided as "not me". `inTransaction` stores the photo
   * of the face in front of the camera in the same transaction.
   */
  recordFallback(p: FallbackPunch, inTransaction: (punchId: number) => void = () => undefined): { punchId: number } {
    checkTs(p.ts);
    return this.db.transaction(() => {
      this.requirePerson(p.personId);
      const info = this.stmt.insertFallback.run(p.personId, p.ts, p.kioskId ?? this.options.kioskId, JSON.stringify({ reason: 'code + PIN at the kiosk', actor: p.actor }));
      const punchId = Number(info.lastInsertRowid);
      inTransaction(punchId);
      this.audit.write({ ts: this.clock(), actor: p.actor, action: 'punch.fallback', target: target.punch(punchId), details: { personId: p.personId, ts: p.ts } });
      return { punchId };
    }).immediate();
  }

  /** Voids a punch (kept for the record, ignored by reports and cooldown). */
  void(punchId: number, reason: string, actor: string): VoidResult {
    const why = reason.trim();
    if (why.length === 0) throw usage('a void needs a reason', { punchId });
    return this.db.transaction((): VoidResult => {
      const row = this.stmt.byId.get(punchId);
      if (row === undefined) return { voided: false, reason: 'not-found' };
      if (row.voided_at !== null) return { voided: false, reason: 'already-voided' };
      const now = this.clock();
      this.stmt.voidPunch.run(now, why, punchId);
      this.audit.write({ ts: now, actor, action: 'punch.void', target: target.punch(punchId), details: { reason: why, personId: row.person_id, ts: row.ts } });
      return { voided: true };
    }).immediate();
  }

  /** A punch entered by an administrator (forgotten badge-in, camera down); bypasses the cooldown. */
  addManual(personId: number, ts: number, actor: string, reason: string): { punchId: number } {
    checkTs(ts);
    const why = reason.trim();
    if (why.length === 0) throw usage('a manual punch needs a reason', { personId });
    return this.db.transaction(() => {
      this.requirePerson(personId);
      const info = this.stmt.insertPunch.run(personId, ts, this.options.kioskId, null, JSON.stringify({ reason: why, actor }), 1, 'manual');
      const punchId = Number(info.lastInsertRowid);
      this.audit.write({ ts: this.clock(), actor, action: 'punch.manual', target: target.punch(punchId), details: { personId, ts, reason: why } });
      return { punchId };
    }).immediate();
  }

  /**
   * A manual punch a hub admin booked at this kiosk (pulled with the gallery), stored under the hub's id
   * as its uid; false when this kiosk already holds that uid. Runs inside the caller's transaction.
   */
  addFromHub(m: { uid: string; personId: number; ts: number; reason: string; actor: string }): boolean {
    checkTs(m.ts);
    const info = this.stmt.insertFromHub.run(m.personId, m.ts, this.options.kioskId, JSON.stringify({ reason: m.reason, actor: m.actor }), m.uid);
    if (info.changes === 0) return false;
    this.audit.write({ ts: this.clock(), actor: 'hub', action: 'punch.manual', target: target.punch(Number(info.lastInsertRowid)), details: { personId: m.personId, ts: m.ts, reason: m.reason, uid: m.uid, by: m.actor } });
    return true;
  }

  private filter(q: { from: number; to: number; personId?: number; includeVoided?: boolean }): PunchFilter {
    return { from: q.from, to: q.to, personId: q.personId ?? null, includeVoided: q.includeVoided === true ? 1 : 0 };
  }

  private requirePerson(personId: number): void {
    if (this.stmt.personExists.get(personId) === undefined) throw usage(`person ${personId} does not exist`, { personId });
  }
}

function checkTs(ts: number): void {
  if (!Number.isSafeInteger(ts) || ts < 0) throw usage(`timestamp ${ts} is not a whole number of ms since the epoch`, { ts });
}

function usage(message: string, context: Record<string, unknown>): KioskError {
  return new KioskError('USAGE', message, { hint: 'this is a bug in the caller; check the value passed to the store', context });
}

function toPunch(r: PunchRow): Punch {
  return {
    id: r.id,
    personId: r.person_id,
    personName: r.person_name,
    ts: r.ts,
    kioskId: r.kiosk_id,
    similarity: r.similarity,
    evidence: parseJsonObject(r.evidence),
    voidedAt: r.voided_at,
    voidReason: r.void_reason,
    manual: r.manual === 1,
    source: r.source,
    review: r.review === 1,
    hasPhoto: r.has_photo === 1,
  };
}
