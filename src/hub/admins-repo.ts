/**
 * Hub admin accounts and their sessions in PostgreSQL, so any hub process behind a load balancer
 * accepts a session made by another. Hashing (scrypt) and token hashing are the kiosk's own code
 * (src/server/auth); expiry is decided here with the injected clock, as on the kiosk.
 */
import { randomBytes } from 'node:crypto';
import { KioskError } from '../errors.ts';
import { hashToken, type SessionTimes } from '../server/auth/sessions.ts';
import { inTransaction, type Pool, type Tx } from './db.ts';
import { hubAudit } from './kiosks-repo.ts';

const TOKEN_BYTES = 32;

/** How a hub admin is named in hub_audit, as actor and as target (the kiosk's pages write the same form). */
export const hubAdminActor = (username: string): string => `admin:${username}`;

export interface HubAdminIdentity {
  adminId: number;
  username: string;
  /** SHA-256 of the cookie token. */
  sessionId: string;
}

export interface HubAdminCredentials {
  id: number;
  username: string;
  passwordHash: string;
  disabled: boolean;
}

/** One account as the admins list shows it (never its hash). */
export interface HubAdminAccount {
  id: number;
  username: string;
  createdAt: number;
  lastLoginAt: number | null;
  disabledAt: number | null;
}

/** An admin named by its id (the admin page) or its user name, case-insensitive (the CLI). */
export type HubAdminRef = { id: number } | { username: string };

/** Why an account change was refused: each is a value for the caller to word, not an exception. */
export type HubAdminRefusal = 'not-found' | 'last-admin' | 'self';

export type HubAdminChange = { ok: true; username: string; endedSessions: number } | { ok: false; reason: HubAdminRefusal };

/** The one line for a refusal, the same from the CLI and the admin API. */
export const HUB_ADMIN_REFUSALS: Record<HubAdminRefusal, string> = {
  'not-found': 'no such hub admin',
  'last-admin': 'the last enabled hub admin cannot be disabled; add or enable another admin first',
  self: 'you cannot disable your own account; ask another admin',
};

interface AccountRow {
  id: number;
  username: string;
  created_at: number;
  last_login_at: number | null;
  disabled_at: number | null;
}

interface SessionRow {
  admin_id: number;
  username: string;
  created_at: number;
  expires_at: number;
  disabled_at: number | null;
}

export class HubAdminsRepo {
  constructor(
    private readonly pool: Pool,
    private readonly clock: () => number = Date.now,
  ) {}

  /** A new admin (audited); a taken name (case-insensitive) is a usage error. */
  async create(username: string, passwordHash: string, actor: string): Promise<{ id: number }> {
    const now = this.clock();
    try {
      return await inTransaction(this.pool, async (tx) => {
        const { rows } = await tx.query<{ id: number }>('INSERT INTO hub_admins (username, password_hash, created_at) VALUES ($1, $2, $3) RETURNING id', [username, passwordHash, now]);
        await hubAudit(tx, now, actor, 'admin.create', hubAdminActor(username), {});
        return { id: rows[0]!.id };
      });
    } catch (err) {
      if ((err as { code?: unknown }).code === '23505') throw new KioskError('USAGE', `a hub admin "${username}" exists already`, { hint: 'choose another user name' });
      throw err;
    }
  }

  async findCredentials(username: string): Promise<HubAdminCredentials | null> {
    const { rows } = await this.pool.query<{ id: number; username: string; password_hash: string; disabled_at: number | null }>(
      'SELECT id, username, password_hash, disabled_at FROM hub_admins WHERE lower(username) = lower($1)',
      [username],
    );
    const r = rows[0];
    return r === undefined ? null : { id: r.id, username: r.username, passwordHash: r.password_hash, disabled: r.disabled_at !== null };
  }

  async count(): Promise<number> {
    const { rows } = await this.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM hub_admins');
    return rows[0]!.n;
  }

  /** Every account, by user name. */
  async list(): Promise<HubAdminAccount[]> {
    const { rows } = await this.pool.query<AccountRow>('SELECT id, username, created_at, last_login_at, disabled_at FROM hub_admins ORDER BY lower(username)');
    return rows.map((r) => ({ id: r.id, username: r.username, createdAt: r.created_at, lastLoginAt: r.last_login_at, disabledAt: r.disabled_at }));
  }

  /**
   * Disables or enables an account (audited). Disabling ends the admin's sessions at once; it is
   * refused for `selfId` (the admin asking) and for the last enabled admin. The enabled rows are
   * locked first, so two admins disabling each other at the same moment cannot both succeed.
   */
  async setDisabled(ref: HubAdminRef, disabled: boolean, actor: string, selfId: number | null = null): Promise<HubAdminChange> {
    const now = this.clock();
    return inTransaction(this.pool, async (tx) => {
      const enabled = await tx.query<{ id: number }>('SELECT id FROM hub_admins WHERE disabled_at IS NULL ORDER BY id FOR UPDATE');
      const row = await lockAdmin(tx, ref);
      if (row === null) return { ok: false, reason: 'not-found' };
      if (disabled && row.id === selfId) return { ok: false, reason: 'self' };
      if (disabled && row.disabled_at === null && enabled.rows.every((r) => r.id === row.id)) return { ok: false, reason: 'last-admin' };
      if ((row.disabled_at !== null) === disabled) return { ok: true, username: row.username, endedSessions: 0 };
      await tx.query('UPDATE hub_admins SET disabled_at = $2 WHERE id = $1', [row.id, disabled ? now : null]);
      const ended = disabled ? (await tx.query('DELETE FROM hub_admin_sessions WHERE admin_id = $1', [row.id])).rowCount ?? 0 : 0;
      await hubAudit(tx, now, actor, disabled ? 'admin.disable' : 'admin.enable', hubAdminActor(row.username), disabled ? { endedSessions: ended } : {});
      return { ok: true, username: row.username, endedSessions: ended };
    });
  }

  /** A new password (audited): the admin's sessions end, all but `keepSession` (the one that changed it). */
  async setPassword(ref: HubAdminRef, passwordHash: string, actor: string, keepSession: string | null = null): Promise<HubAdminChange> {
    const now = this.clock();
    return inTransaction(this.pool, async (tx) => {
      const row = await lockAdmin(tx, ref);
      if (row === null) return { ok: false, reason: 'not-found' };
      await tx.query('UPDATE hub_admins SET password_hash = $2 WHERE id = $1', [row.id, passwordHash]);
      const ended = (await tx.query('DELETE FROM hub_admin_sessions WHERE admin_id = $1 AND token_hash IS DISTINCT FROM $2', [row.id, keepSession])).rowCount ?? 0;
      await hubAudit(tx, now, actor, 'admin.password', hubAdminActor(row.username), { endedSessions: ended });
      return { ok: true, username: row.username, endedSessions: ended };
    });
  }

  /** Today's-cost hash after a login with an older, cheaper one. */
  async setPasswordHash(id: number, passwordHash: string): Promise<void> {
    await this.pool.query('UPDATE hub_admins SET password_hash = $2 WHERE id = $1', [id, passwordHash]);
  }

  /** A successful login: recorded on the account and in hub_audit. */
  async recordLogin(id: number, username: string, client: string): Promise<void> {
    const now = this.clock();
    await inTransaction(this.pool, async (tx) => {
      await tx.query('UPDATE hub_admins SET last_login_at = $2 WHERE id = $1', [id, now]);
      await hubAudit(tx, now, hubAdminActor(username), 'admin.login', hubAdminActor(username), { client });
    });
  }

  async recordLogout(username: string): Promise<void> {
    await inTransaction(this.pool, (tx) => hubAudit(tx, this.clock(), hubAdminActor(username), 'admin.logout', hubAdminActor(username), {}));
  }

  // ---------- sessions ----------

  /** A new session; returns the cookie token (never stored). Expired sessions are swept on the way. */
  async createSession(adminId: number, times: SessionTimes): Promise<{ token: string; maxAgeMs: number }> {
    const now = this.clock();
    await this.pool.query('DELETE FROM hub_admin_sessions WHERE expires_at <= $1 OR created_at <= $2', [now, now - times.maxMs]);
    const token = randomBytes(TOKEN_BYTES).toString('base64url');
    await this.pool.query('INSERT INTO hub_admin_sessions (token_hash, admin_id, created_at, last_used, expires_at) VALUES ($1, $2, $3, $3, $4)', [
      hashToken(token),
      adminId,
      now,
      now + Math.min(times.idleMs, times.maxMs),
    ]);
    return { token, maxAgeMs: times.maxMs };
  }

  /** The session's admin when alive; `renew` pushes the idle deadline forward. A disabled admin has none. */
  async validateSession(token: string, times: SessionTimes, renew: boolean): Promise<HubAdminIdentity | null> {
    if (token.length === 0 || token.length > 200) return null;
    const sessionId = hashToken(token);
    const { rows } = await this.pool.query<SessionRow>(
      'SELECT s.admin_id, a.username, s.created_at, s.expires_at, a.disabled_at FROM hub_admin_sessions s JOIN hub_admins a ON a.id = s.admin_id WHERE s.token_hash = $1',
      [sessionId],
    );
    const row = rows[0];
    if (row === undefined) return null;
    const now = this.clock();
    const hardEnd = row.created_at + times.maxMs;
    if (now >= row.expires_at || now >= hardEnd || row.disabled_at !== null) {
      if (renew) await this.deleteSession(sessionId);
      return null;
    }
    if (renew) await this.pool.query('UPDATE hub_admin_sessions SET last_used = $2, expires_at = $3 WHERE token_hash = $1', [sessionId, now, Math.min(now + times.idleMs, hardEnd)]);
    return { adminId: row.admin_id, username: row.username, sessionId };
  }

  async deleteSession(sessionId: string): Promise<void> {
    await this.pool.query('DELETE FROM hub_admin_sessions WHERE token_hash = $1', [sessionId]);
  }
}

async function lockAdmin(tx: Tx, ref: HubAdminRef): Promise<{ id: number; username: string; disabled_at: number | null } | null> {
  const { rows } = 'id' in ref
    ? await tx.query<{ id: number; username: string; disabled_at: number | null }>('SELECT id, username, disabled_at FROM hub_admins WHERE id = $1 FOR UPDATE', [ref.id])
    : await tx.query<{ id: number; username: string; disabled_at: number | null }>('SELECT id, username, disabled_at FROM hub_admins WHERE lower(username) = lower($1) FOR UPDATE', [ref.username]);
  return rows[0] ?? null;
}
