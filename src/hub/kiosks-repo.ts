/**
 * Kiosks known to the hub: creation with a one-time pairing code, the exchange of that code for the
 * kiosk's own credential, authentication of every sync request, revocation, and what each kiosk last
 * reported (for /metrics). Only SHA-256 hashes of codes and credentials are stored: both are 80+
 * random bits, so a slow hash buys nothing and every request can be checked against PostgreSQL
 * directly — which is what makes a revocation take effect at the very next request, on every hub.
 */
import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { KioskError } from '../errors.ts';
import type { HubKioskStatusDto } from './admin-dto.ts';
import { inTransaction, type Pool, type Tx } from './db.ts';

/** A kiosk id: lower-case letters, digits, dot, dash, underscore (the hub_kiosks CHECK says the same). */
export const KIOSK_ID_PATTERN = /^[a-z0-9][a-z0-9._-]{0,62}$/u;

const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';
const CODE_LENGTH = 16;

export const sha256 = (s: string): string => createHash('sha256').update(s, 'utf8').digest('hex');

/** 16 characters of a 32-letter alphabet (80 bits), shown as four groups: "K7QP-2MXD-…". */
export function newPairingCode(): string {
  const bytes = randomBytes(CODE_LENGTH);
  const chars = [...bytes].map((b) => CODE_ALPHABET[b % CODE_ALPHABET.length]).join('');
  return chars.match(/.{4}/gu)!.join('-');
}

/** Typing slack: case, spaces and dashes do not matter. */
export function normalizeCode(code: string): string {
  return code.toUpperCase().replace(/[\s-]/gu, '');
}

/** A kiosk as the hub knows it: what the admin page's Kiosks tab shows, bar the state derived from it. */
export type HubKiosk = Omit<HubKioskStatusDto, 'state'>;

interface KioskRow {
  id: string;
  name: string;
  site: string;
  created_at: number;
  paired_at: number | null;
  revoked_at: number | null;
  last_seen_at: number | null;
  outbox_depth: number;
  lag_ms: number;
  clock_offset_ms: number | null;
  clock_skewed: boolean;
  pairing_hash: string | null;
  pairing_expires_at: number | null;
}

/** Where a kiosk stands with the hub, as the CLI and the admin page show it. */
export type KioskState = 'paired' | 'waiting' | 'code-expired' | 'revoked';

export function kioskState(k: Pick<HubKiosk, 'revokedAt' | 'pairedAt' | 'pairingPending'>): KioskState {
  if (k.revokedAt !== null) return 'revoked';
  if (k.pairedAt !== null) return 'paired';
  return k.pairingPending ? 'waiting' : 'code-expired';
}

export type AuthResult = { ok: true; kioskId: string; site: string } | { ok: false; reason: 'unknown' | 'revoked' | 'bad-credential' };

export class KiosksRepo {
  constructor(private readonly pool: Pool, private readonly clock: () => number = Date.now) {}

  /** A new kiosk and its one-time pairing code (shown once; only its hash is kept). */
  async create(input: { id: string; name?: string; site?: string; pairingMs: number; actor: string }): Promise<{ kioskId: string; code: string; expiresAt: number }> {
    const code = newPairingCode();
    const now = this.clock();
    const expiresAt = now + input.pairingMs;
    try {
      await inTransaction(this.pool, async (tx) => {
        await tx.query(
          `INSERT INTO hub_kiosks (id, name, site, pairing_hash, pairing_expires_at, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
          [input.id, input.name ?? input.id, input.site ?? 'main', sha256(normalizeCode(code)), expiresAt, now],
        );
        await hubAudit(tx, now, input.actor, 'kiosk.create', `kiosk:${input.id}`, { name: input.name ?? input.id, site: input.site ?? 'main' });
      });
    } catch (err) {
      const pgCode = (err as { code?: string }).code;
      if (pgCode === '23505') throw new KioskError('USAGE', `a kiosk named ${input.id} already exists on the hub`, { hint: 'pick another id, or `kiosk hub pair-code <id>` for a new code' });
      if (pgCode === '23514') throw new KioskError('USAGE', `kiosk id "${input.id}" is not allowed`, { hint: 'use lower-case letters, digits, dot, dash or underscore (up to 63), e.g. door-2' });
      throw err;
    }
    return { kioskId: input.id, code, expiresAt };
  }

  /** A fresh pairing code for an existing kiosk (a replaced box); the next exchange replaces its credential. */
  async newCode(id: string, pairingMs: number, actor: string): Promise<{ code: string; expiresAt: number }> {
    const code = newPairingCode();
    const now = this.clock();
    const expiresAt = now + pairingMs;
    const changed = await inTransaction(this.pool, async (tx) => {
      const r = await tx.query('UPDATE hub_kiosks SET pairing_hash = $2, pairing_expires_at = $3, revoked_at = NULL WHERE id = $1', [id, sha256(normalizeCode(code)), expiresAt]);
      if (r.rowCount === 1) await hubAudit(tx, now, actor, 'kiosk.pair-code', `kiosk:${id}`, {});
      return r.rowCount === 1;
    });
    if (!changed) throw new KioskError('USAGE', `no kiosk ${id} on the hub`, { hint: '`kiosk hub kiosks` lists them' });
    return { code, expiresAt };
  }

  /** Exchanges a pairing code for a credential; null when the code is unknown, used or expired. */
  async pair(code: string): Promise<{ kioskId: string; site: string; credential: string } | null> {
    const credential = randomBytes(32).toString('base64url');
    const now = this.clock();
    return inTransaction(this.pool, async (tx) => {
      const { rows } = await tx.query<{ id: string; site: string }>(
        `UPDATE hub_kiosks SET credential_hash = $2, pairing_hash = NULL, pairing_expires_at = NULL, paired_at = $3, revoked_at = NULL
         WHERE pairing_hash = $1 AND pairing_expires_at > $3 RETURNING id, site`,
        [sha256(normalizeCode(code)), sha256(credential), now],
      );
      const row = rows[0];
      if (row === undefined) return null;
      await hubAudit(tx, now, `kiosk:${row.id}`, 'kiosk.pair', `kiosk:${row.id}`, {});
      return { kioskId: row.id, site: row.site, credential };
    });
  }

  /** Checks `Authorization: Bearer <id>:<credential>` against PostgreSQL (no cache: revocation is immediate). */
  async authenticate(header: string | undefined): Promise<AuthResult> {
    const m = /^Bearer ([a-z0-9][a-z0-9._-]{0,62}):([A-Za-z0-9_-]{32,128})$/u.exec(header ?? '');
    if (m === null) return { ok: false, reason: 'bad-credential' };
    const [, id, credential] = m as unknown as [string, string, string];
    const { rows } = await this.pool.query<{ credential_hash: string | null; revoked_at: number | null; site: string }>(
      'SELECT credential_hash, revoked_at, site FROM hub_kiosks WHERE id = $1',
      [id],
    );
    const row = rows[0];
    if (row === undefined) return { ok: false, reason: 'unknown' };
    if (row.revoked_at !== null) return { ok: false, reason: 'revoked' };
    if (row.credential_hash === null) return { ok: false, reason: 'bad-credential' };
    const given = Buffer.from(sha256(credential), 'hex');
    const stored = Buffer.from(row.credential_hash, 'hex');
    if (given.length !== stored.length || !timingSafeEqual(given, stored)) return { ok: false, reason: 'bad-credential' };
    return { ok: true, kioskId: id, site: row.site };
  }

  async revoke(id: string, actor: string): Promise<boolean> {
    const now = this.clock();
    return inTransaction(this.pool, async (tx) => {
      const r = await tx.query('UPDATE hub_kiosks SET revoked_at = $2, credential_hash = NULL, pairing_hash = NULL WHERE id = $1 AND revoked_at IS NULL', [id, now]);
      if (r.rowCount === 1) await hubAudit(tx, now, actor, 'kiosk.revoke', `kiosk:${id}`, {});
      return r.rowCount === 1;
    });
  }

  async list(): Promise<HubKiosk[]> {
    const { rows } = await this.pool.query<KioskRow>('SELECT * FROM hub_kiosks ORDER BY site, id');
    const now = this.clock();
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      site: r.site,
      createdAt: r.created_at,
      pairedAt: r.paired_at,
      revokedAt: r.revoked_at,
      lastSeenAt: r.last_seen_at,
      outboxDepth: r.outbox_depth,
      lagMs: r.lag_ms,
      clockOffsetMs: r.clock_offset_ms,
      clockSkewed: r.clock_skewed,
      pairingPending: r.pairing_hash !== null && (r.pairing_expires_at ?? 0) > now,
    }));
  }
}

/** One audit entry for an action taken on the hub itself (kiosk_id NULL), inside the caller's transaction or on its own. */
export async function hubAudit(tx: Tx | Pool, ts: number, actor: string, action: string, target: string, details: Record<string, unknown>): Promise<void> {
  await tx.query('INSERT INTO hub_audit (id, kiosk_id, ts, actor, action, target, details) VALUES ($1, NULL, $2, $3, $4, $5, $6)', [
    randomUUID(),
    ts,
    actor,
    action,
    target,
    JSON.stringify(details),
  ]);
}
