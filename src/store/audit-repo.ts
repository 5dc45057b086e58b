/** Append-only audit trail of administrative changes; written inside the caller's transaction. */
import type { Db } from './db.ts';
import type { AuditEntry, Evidence } from './types.ts';
import { clampLimit, parseJsonObject, type ListLimits } from './rows.ts';

export interface AuditWrite {
  ts: number;
  actor: string;
  action: string;
  target: string;
  details?: Evidence;
}

interface AuditRow {
  id: number;
  ts: number;
  actor: string;
  action: string;
  target: string;
  details: string;
}

export class AuditRepo {
  private readonly insert;
  private readonly select;
  private readonly selectAboutPerson;

  constructor(
    db: Db,
    private readonly limits: ListLimits,
  ) {
    this.insert = db.prepare<[number, string, string, string, string]>(
      'INSERT INTO audit (ts, actor, action, target, details) VALUES (?, ?, ?, ?, ?)',
    );
    this.select = db.prepare<{ from: number; to: number; target: string | null; limit: number; offset: number }, AuditRow>(
      `SELECT id, ts, actor, action, target, details FROM audit
       WHERE ts >= @from AND ts < @to AND (@target IS NULL OR target = @target)
       ORDER BY ts DESC, id DESC LIMIT @limit OFFSET @offset`,
    );
    this.selectAboutPerson = db.prepare<{ target: string; personId: number }, AuditRow>(
      `SELECT id, ts, actor, action, target, details FROM audit
       WHERE target = @target OR (target LIKE 'punch:%' AND json_extract(details, '$.personId') = @personId)
       ORDER BY ts, id`,
    );
  }

  /** Every entry about a person and about their punches (void / manual entries carry details.personId), oldest first. */
  aboutPerson(personId: number): AuditEntry[] {
    return this.selectAboutPerson.all({ target: `person:${personId}`, personId }).map((r) => ({ ...r, details: parseJsonObject(r.details) }));
  }

  write(entry: AuditWrite): number {
    const info = this.insert.run(entry.ts, entry.actor, entry.action, entry.target, JSON.stringify(entry.details ?? {}));
    return Number(info.lastInsertRowid);
  }

  /** Newest first. `target` filters on the exact target string, e.g. 'person:12' or 'punch:40'. */
  list(q: { from?: number; to?: number; target?: string; limit?: number; offset?: number } = {}): AuditEntry[] {
    const rows = this.select.all({
      from: q.from ?? Number.MIN_SAFE_INTEGER,
      to: q.to ?? Number.MAX_SAFE_INTEGER,
      target: q.target ?? null,
      limit: clampLimit(q.limit, this.limits),
      offset: Math.max(0, Math.trunc(q.offset ?? 0)),
    });
    return rows.map((r) => ({ ...r, details: parseJsonObject(r.details) }));
  }
}
