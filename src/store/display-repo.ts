/**
 * Kiosk screens paired with the server (beyond the device's own screen, which is paired by being
 * local). Each holds a random token; only its SHA-256 is stored. Pairing and unpairing are audited.
 */
import { AuditRepo } from './audit-repo.ts';
import type { Db } from './db.ts';
import { resolveDeps, type RepoDeps } from './repo-deps.ts';

export interface Display {
  id: number;
  name: string;
  createdAt: number;
  createdBy: string;
}

interface DisplayRow {
  id: number;
  name: string;
  created_at: number;
  created_by: string;
}

const COLS = 'id, name, created_at, created_by';

export class DisplayRepo {
  private readonly clock: () => number;
  private readonly audit: AuditRepo;
  private readonly stmt;

  constructor(
    private readonly db: Db,
    deps: RepoDeps = {},
  ) {
    const { clock, options } = resolveDeps(deps, 'store.displays');
    this.clock = clock;
    this.audit = new AuditRepo(db, options);
    this.stmt = {
      insert: db.prepare<[string, string, number, string]>('INSERT INTO displays (name, token_hash, created_at, created_by) VALUES (?, ?, ?, ?)'),
      byToken: db.prepare<[string], DisplayRow>(`SELECT ${COLS} FROM displays WHERE token_hash = ?`),
      byId: db.prepare<[number], DisplayRow>(`SELECT ${COLS} FROM displays WHERE id = ?`),
      all: db.prepare<[], DisplayRow>(`SELECT ${COLS} FROM displays ORDER BY id`),
      remove: db.prepare<[number]>('DELETE FROM displays WHERE id = ?'),
    };
  }

  /** Records a newly paired screen; `issuedBy` is the admin who issued the pairing code. */
  add(name: string, tokenHash: string, issuedBy: string): Display {
    return this.db.transaction((): Display => {
      const now = this.clock();
      const id = Number(this.stmt.insert.run(name, tokenHash, now, issuedBy).lastInsertRowid);
      this.audit.write({ ts: now, actor: issuedBy, action: 'display.pair', target: `display:${id}`, details: { name } });
      return { id, name, createdAt: now, createdBy: issuedBy };
    }).immediate();
  }

  byTokenHash(tokenHash: string): Display | null {
    const r = this.stmt.byToken.get(tokenHash);
    return r === undefined ? null : toDisplay(r);
  }

  list(): Display[] {
    return this.stmt.all.all().map(toDisplay);
  }

  /** Unpairs a screen; false when there is no such screen. */
  remove(id: number, actor: string): boolean {
    return this.db.transaction((): boolean => {
      const row = this.stmt.byId.get(id);
      if (row === undefined) return false;
      this.stmt.remove.run(id);
      this.audit.write({ ts: this.clock(), actor, action: 'display.unpair', target: `display:${id}`, details: { name: row.name } });
      return true;
    }).immediate();
  }

  /** Audits that a pairing code was issued (the code itself is never stored). */
  recordCodeIssued(name: string, actor: string, expiresAt: number): void {
    this.db.transaction(() => {
      this.audit.write({ ts: this.clock(), actor, action: 'display.pairing-code', target: 'display:new', details: { name, expiresAt } });
    }).immediate();
  }
}

function toDisplay(r: DisplayRow): Display {
  return { id: r.id, name: r.name, createdAt: r.created_at, createdBy: r.created_by };
}
