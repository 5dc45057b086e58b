/** Admin accounts, their login sessions and the settings edited from the admin pages. */
import { KioskError } from '../errors.ts';
import { AuditRepo } from './audit-repo.ts';
import type { Db } from './db.ts';
import { resolveDeps, type RepoDeps } from './repo-deps.ts';
import { normalizeName } from './text.ts';

export interface Admin {
  id: number;
  username: string;
  createdAt: number;
  lastLoginAt: number | null;
  /** Set while the admin is disabled: kept for the audit trail, unable to log in. */
  disabledAt: number | null;
}

/** Why an admin change was refused: expected outcomes, returned rather than thrown. */
export type AdminChange = { ok: true; endedSessions: string[] } | { ok: false; reason: 'not-found' | 'last-admin' };

export interface AdminSessionRow {
  adminId: number;
  username: string;
  createdAt: number;
  lastSeenAt: number;
  expiresAt: number;
}

export interface NewSession {
  tokenHash: string;
  adminId: number;
  createdAt: number;
  expiresAt: number;
}

export interface StoredSetting {
  value: unknown;
  updatedAt: number;
  updatedBy: string;
}

interface AdminRow {
  id: number;
  username: string;
  password_hash: string;
  created_at: number;
  last_login_at: number | null;
  disabled_at: number | null;
}

const ADMIN_COLS = 'id, username, password_hash, created_at, last_login_at, disabled_at';

/** User names are NFC and lower-case: "QUẢN TRỊ" typed on any keyboard logs into "quản trị" (NOCASE folds ASCII only). */
export function canonicalUsername(username: string): string {
  return normalizeName(username).toLowerCase();
}

export class AdminRepo {
  private readonly clock: () => number;
  private readonly audit: AuditRepo;
  private readonly stmt;

  constructor(
    private readonly db: Db,
    deps: RepoDeps = {},
  ) {
    const { clock, options } = resolveDeps(deps, 'store.admin');
    this.clock = clock;
    this.audit = new AuditRepo(db, options);
    this.stmt = {
      count: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM admins'),
      countEnabled: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM admins WHERE disabled_at IS NULL'),
      all: db.prepare<[], AdminRow>(`SELECT ${ADMIN_COLS} FROM admins ORDER BY id`),
      setHash: db.prepare<[string, number]>('UPDATE admins SET password_hash = ? WHERE id = ?'),
      setDisabled: db.prepare<[number | null, number]>('UPDATE admins SET disabled_at = ? WHERE id = ?'),
      remove: db.prepare<[number]>('DELETE FROM admins WHERE id = ?'),
      sessionsOf: db.prepare<[number], { token_hash: string }>('SELECT token_hash FROM admin_sessions WHERE admin_id = ?'),
      byName: db.prepare<[string], AdminRow>(`SELECT ${ADMIN_COLS} FROM admins WHERE username = ?`),
      byId: db.prepare<[number], AdminRow>(`SELECT ${ADMIN_COLS} FROM admins WHERE id = ?`),
      insert: db.prepare<[string, string, number]>('INSERT INTO admins (username, password_hash, created_at) VALUES (?, ?, ?)'),
      login: db.prepare<[number, number]>('UPDATE admins SET last_login_at = ? WHERE id = ?'),
      insertSession: db.prepare<[string, number, number, number, number]>(
        'INSERT INTO admin_sessions (token_hash, admin_id, created_at, last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?)',
      ),
      session: db.prepare<[string], { admin_id: number; username: string; created_at: number; last_seen_at: number; expires_at: number }>(
        `SELECT s.admin_id, a.username, s.created_at, s.last_seen_at, s.expires_at
         FROM admin_sessions s JOIN admins a ON a.id = s.admin_id WHERE s.token_hash = ? AND a.disabled_at IS NULL`,
      ),
      touch: db.prepare<[number, number, string]>('UPDATE admin_sessions SET last_seen_at = ?, expires_at = ? WHERE token_hash = ?'),
      deleteSession: db.prepare<[string]>('DELETE FROM admin_sessions WHERE token_hash = ?'),
      deleteExpired: db.prepare<[number]>('DELETE FROM admin_sessions WHERE expires_at <= ?'),
      getSetting: db.prepare<[string], { value: string; updated_at: number; updated_by: string }>(
        'SELECT value, updated_at, updated_by FROM settings WHERE key = ?',
      ),
      upsertSetting: db.prepare<[string, string, number, string]>(
        `INSERT INTO settings (key, value, updated_at, updated_by) VALUES (?, ?, ?, ?)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
      ),
    };
  }

  count(): number {
    return this.stmt.count.get()?.n ?? 0;
  }

  countEnabled(): number {
    return this.stmt.countEnabled.get()?.n ?? 0;
  }

  list(): Admin[] {
    return this.stmt.all.all().map(toAdmin);
  }

  /**
   * A new password hash. `reason` 'changed' (by the admin) ends the admin's other sessions;
   * 'upgraded' is the same password re-hashed at today's cost after a successful login.
   */
  setPasswordHash(adminId: number, passwordHash: string, actor: string, reason: 'changed' | 'upgraded', keepSession: string | null = null): AdminChange {
    return this.db.transaction((): AdminChange => {
      if (this.stmt.byId.get(adminId) === undefined) return { ok: false, reason: 'not-found' };
      this.stmt.setHash.run(passwordHash, adminId);
      const ended = reason === 'changed' ? this.endSessions(adminId, keepSession) : [];
      this.audit.write({ ts: this.clock(), actor, action: reason === 'changed' ? 'admin.password' : 'admin.hash-upgrade', target: `admin:${adminId}` });
      return { ok: true, endedSessions: ended };
    }).immediate();
  }

  /** Disables or re-enables an admin; the last enabled admin cannot be disabled. Ends a disabled admin's sessions. */
  setDisabled(adminId: number, disabled: boolean, actor: string): AdminChange {
    return this.db.transaction((): AdminChange => {
      const row = this.stmt.byId.get(adminId);
      if (row === undefined) return { ok: false, reason: 'not-found' };
      if (disabled && row.disabled_at === null && this.countEnabled() <= 1) return { ok: false, reason: 'last-admin' };
      const now = this.clock();
      this.stmt.setDisabled.run(disabled ? (row.disabled_at ?? now) : null, adminId);
      const ended = disabled ? this.endSessions(adminId, null) : [];
      this.audit.write({ ts: now, actor, action: disabled ? 'admin.disable' : 'admin.enable', target: `admin:${adminId}`, details: { username: row.username } });
      return { ok: true, endedSessions: ended };
    }).immediate();
  }

  /** Removes an admin (their audit entries stay); the last enabled admin cannot be removed. */
  remove(adminId: number, actor: string): AdminChange {
    return this.db.transaction((): AdminChange => {
      const row = this.stmt.byId.get(adminId);
      if (row === undefined) return { ok: false, reason: 'not-found' };
      if (row.disabled_at === null && this.countEnabled() <= 1) return { ok: false, reason: 'last-admin' };
      const ended = this.endSessions(adminId, null);
      this.stmt.remove.run(adminId);
      this.audit.write({ ts: this.clock(), actor, action: 'admin.remove', target: `admin:${adminId}`, details: { username: row.username } });
      return { ok: true, endedSessions: ended };
    }).immediate();
  }

  /**
   * Creates the first admin, or returns null when one exists already. Check and insert share one
   * write transaction, so two browsers racing through first-run setup cannot both succeed.
   */
  createFirst(username: string, passwordHash: string): Admin | null {
    return this.db.transaction((): Admin | null => (this.count() > 0 ? null : this.insert(username, passwordHash, 'setup'))).immediate();
  }

  /** Another admin, created by a logged-in one; a taken user name (case-insensitive) is a USAGE error. */
  create(username: string, passwordHash: string, actor: string): Admin {
    return this.db.transaction((): Admin => this.insert(username, passwordHash, actor)).immediate();
  }

  get(id: number): Admin | null {
    const row = this.stmt.byId.get(id);
    return row === undefined ? null : toAdmin(row);
  }

  /** The account and its stored hash, for the login check only. */
  findCredentials(username: string): { admin: Admin; passwordHash: string } | null {
    const row = this.stmt.byName.get(canonicalUsername(username));
    return row === undefined ? null : { admin: toAdmin(row), passwordHash: row.password_hash };
  }

  recordLogin(adminId: number, ts: number): void {
    this.db.transaction(() => {
      this.stmt.login.run(ts, adminId);
      this.audit.write({ ts, actor: `admin:${adminId}`, action: 'admin.login', target: `admin:${adminId}` });
    }).immediate();
  }

  createSession(s: NewSession): void {
    this.stmt.insertSession.run(s.tokenHash, s.adminId, s.createdAt, s.createdAt, s.expiresAt);
  }

  getSession(tokenHash: string): AdminSessionRow | null {
    const r = this.stmt.session.get(tokenHash);
    if (r === undefined) return null;
    return { adminId: r.admin_id, username: r.username, createdAt: r.created_at, lastSeenAt: r.last_seen_at, expiresAt: r.expires_at };
  }

  touchSession(tokenHash: string, lastSeenAt: number, expiresAt: number): void {
    this.stmt.touch.run(lastSeenAt, expiresAt, tokenHash);
  }

  deleteSession(tokenHash: string): void {
    this.stmt.deleteSession.run(tokenHash);
  }

  /** Deletes the admin's sessions but `keep`; returns the ended session ids (token hashes). */
  private endSessions(adminId: number, keep: string | null): string[] {
    const ended = this.stmt.sessionsOf.all(adminId).map((r) => r.token_hash).filter((h) => h !== keep);
    for (const h of ended) this.stmt.deleteSession.run(h);
    return ended;
  }

  deleteExpiredSessions(now: number): number {
    return this.stmt.deleteExpired.run(now).changes;
  }

  getSetting(key: string): StoredSetting | null {
    const r = this.stmt.getSetting.get(key);
    if (r === undefined) return null;
    return { value: JSON.parse(r.value) as unknown, updatedAt: r.updated_at, updatedBy: r.updated_by };
  }

  /** Writes one setting and its audit entry together; `auditValue` lets secrets (the PIN hash) stay out of the audit log. */
  setSetting(key: string, value: unknown, actor: string, auditValue: unknown = value): void {
    const now = this.clock();
    this.db.transaction(() => {
      const before = this.getSetting(key);
      this.stmt.upsertSetting.run(key, JSON.stringify(value), now, actor);
      const from = before === null ? null : auditValue === value ? before.value : '(hidden)';
      this.audit.write({ ts: now, actor, action: 'settings.update', target: `setting:${key}`, details: { from, to: auditValue } });
    }).immediate();
  }

  private insert(username: string, passwordHash: string, actor: string): Admin {
    const name = canonicalUsername(username);
    if (name.length === 0) throw new KioskError('USAGE', 'admin user name is empty', { hint: 'choose a user name' });
    if (this.stmt.byName.get(name) !== undefined) {
      throw new KioskError('USAGE', `an admin named "${name}" exists already`, { hint: 'choose another user name', context: { username: name } });
    }
    const now = this.clock();
    const id = Number(this.stmt.insert.run(name, passwordHash, now).lastInsertRowid);
    this.audit.write({ ts: now, actor, action: 'admin.create', target: `admin:${id}`, details: { username: name } });
    const row = this.stmt.byId.get(id);
    if (row === undefined) throw new KioskError('STORE_FAILED', `admin ${id} vanished during write`, { context: { id } });
    return toAdmin(row);
  }
}

function toAdmin(r: AdminRow): Admin {
  return { id: r.id, username: r.username, createdAt: r.created_at, lastLoginAt: r.last_login_at, disabledAt: r.disabled_at };
}
