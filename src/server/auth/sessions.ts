/**
 * Admin sessions: a random token in the cookie, its SHA-256 in the database. A session ends after
 * `idleMs` without use or `maxMs` after login, whichever comes first; each use pushes the idle
 * deadline forward. Expiry is decided here with the injected clock, not by SQLite.
 *
 * Checking a session only reads. Renewing it (and deleting an expired one) is housekeeping: when the
 * database refuses the write (full disk, read-only file) the request still goes through on the
 * session as it stands, so an administrator can read the log while the disk is being fixed.
 */
import { createHash, randomBytes } from 'node:crypto';
import { errorMessage } from '../../errors.ts';
import { silentLogger, type Logger } from '../../log.ts';
import type { AdminRepo } from '../../store/admin-repo.ts';

const TOKEN_BYTES = 32;

export interface AdminIdentity {
  adminId: number;
  username: string;
  /** SHA-256 of the cookie token: identifies the session without holding the secret. */
  sessionId: string;
}

export interface SessionTimes {
  idleMs: number;
  maxMs: number;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export class SessionManager {
  constructor(
    private readonly repo: AdminRepo,
    private readonly times: SessionTimes,
    private readonly clock: () => number,
    private readonly logger: Logger = silentLogger,
  ) {}

  /** A new session for the admin; returns the cookie token (shown once, never stored). */
  create(adminId: number): { token: string; maxAgeMs: number } {
    const now = this.clock();
    this.repo.deleteExpiredSessions(now);
    const token = randomBytes(TOKEN_BYTES).toString('base64url');
    this.repo.createSession({ tokenHash: hashToken(token), adminId, createdAt: now, expiresAt: now + Math.min(this.times.idleMs, this.times.maxMs) });
    return { token, maxAgeMs: this.times.maxMs };
  }

  /** The session's admin if it is alive (and renews it), else null; an expired one is deleted. */
  validate(token: string): AdminIdentity | null {
    if (token.length === 0 || token.length > 200) return null;
    const sessionId = hashToken(token);
    const row = this.repo.getSession(sessionId);
    if (row === null) return null;
    const now = this.clock();
    const hardEnd = row.createdAt + this.times.maxMs;
    if (now >= row.expiresAt || now >= hardEnd) {
      this.bestEffort('delete an expired session', () => this.repo.deleteSession(sessionId));
      return null;
    }
    this.bestEffort('renew a session', () => this.repo.touchSession(sessionId, now, Math.min(now + this.times.idleMs, hardEnd)));
    return { adminId: row.adminId, username: row.username, sessionId };
  }

  /** Same check without renewing: for pages that only ask "am I logged in?". */
  peek(token: string): AdminIdentity | null {
    if (token.length === 0 || token.length > 200) return null;
    const sessionId = hashToken(token);
    const row = this.repo.getSession(sessionId);
    if (row === null) return null;
    const now = this.clock();
    if (now >= row.expiresAt || now >= row.createdAt + this.times.maxMs) return null;
    return { adminId: row.adminId, username: row.username, sessionId };
  }

  private bestEffort(what: string, write: () => void): void {
    try {
      write();
    } catch (err) {
      this.logger.warn({ err: errorMessage(err) }, `could not ${what}: the database refuses writes; the request goes on without it`);
    }
  }

  destroy(sessionId: string): void {
    this.repo.deleteSession(sessionId);
  }
}
