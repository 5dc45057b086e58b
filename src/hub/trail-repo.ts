/**
 * The hub's trails in PostgreSQL, read for its admin pages: the audit trail (the hub's own admin
 * actions, kiosk_id NULL, and every kiosk's uploaded events) and the sightings (strangers and spoof
 * attempts), newest first with kiosk/site filters; and the evidence photo of a punch or sighting,
 * opened with the site key (it is stored site-sealed, bound to its record's id).
 */
import type { HubAuditDto, HubSightingDto } from './admin-dto.ts';
import type { Pool } from './db.ts';
import { auditDetails } from '../server/dto.ts';
import type { DescriptorCipher } from '../store/crypto.ts';
import { openSiteEvidence, type EvidenceOwnerKind } from '../store/site-seal.ts';

export interface TrailFilter {
  /** [from, to) in ms since the epoch (the kiosk's wall time for kiosk records). */
  from: number;
  to: number;
  kioskId?: string | undefined;
  site?: string | undefined;
  /** Only the hub's own entries (kiosk_id NULL); audit trail only. */
  hubOnly?: boolean | undefined;
  /** Sighting kind ('unknown', 'spoof'); sightings only. */
  kind?: string | undefined;
}

export interface TrailPage {
  limit: number;
  offset: number;
}

interface AuditRow {
  id: string;
  kiosk_id: string | null;
  site: string | null;
  ts: number;
  actor: string;
  action: string;
  target: string;
  details: unknown;
}

interface SightingRow {
  id: string;
  kiosk_id: string;
  site: string | null;
  kind: string;
  ts: number;
  count: number;
  has_photo: boolean;
}

/** WHERE clause over `x` (the trail table) joined to its kiosk `k`; a site filter leaves the hub's own rows out. */
function where(f: TrailFilter): { sql: string; params: unknown[] } {
  const params: unknown[] = [f.from, f.to];
  const parts = ['x.ts >= $1', 'x.ts < $2'];
  if (f.hubOnly === true) parts.push('x.kiosk_id IS NULL');
  if (f.kioskId !== undefined) parts.push(`x.kiosk_id = $${params.push(f.kioskId)}`);
  if (f.site !== undefined) parts.push(`k.site = $${params.push(f.site)}`);
  if (f.kind !== undefined) parts.push(`x.kind = $${params.push(f.kind)}`);
  return { sql: parts.join(' AND '), params };
}

export class TrailRepo {
  constructor(
    private readonly pool: Pool,
    private readonly siteKey: DescriptorCipher,
  ) {}

  async audit(f: TrailFilter, page: TrailPage): Promise<HubAuditDto[]> {
    const w = where(f);
    const { rows } = await this.pool.query<AuditRow>(
      `SELECT x.id, x.kiosk_id, k.site, x.ts, x.actor, x.action, x.target, x.details
       FROM hub_audit x LEFT JOIN hub_kiosks k ON k.id = x.kiosk_id
       WHERE ${w.sql} ORDER BY x.ts DESC, x.id DESC LIMIT $${w.params.length + 1} OFFSET $${w.params.length + 2}`,
      [...w.params, page.limit, page.offset],
    );
    return rows.map((r) => ({ id: r.id, kioskId: r.kiosk_id, site: r.site, ts: r.ts, actor: r.actor, action: r.action, target: r.target, details: auditDetails(r.details) }));
  }

  async sightings(f: TrailFilter, page: TrailPage): Promise<HubSightingDto[]> {
    const w = where(f);
    const { rows } = await this.pool.query<SightingRow>(
      `SELECT x.id, x.kiosk_id, k.site, x.kind, x.ts, x.count, EXISTS (SELECT 1 FROM hub_evidence e WHERE e.sighting_id = x.id) AS has_photo
       FROM hub_sightings x LEFT JOIN hub_kiosks k ON k.id = x.kiosk_id
       WHERE ${w.sql} ORDER BY x.ts DESC, x.id DESC LIMIT $${w.params.length + 1} OFFSET $${w.params.length + 2}`,
      [...w.params, page.limit, page.offset],
    );
    return rows.map((r) => ({ id: r.id, kioskId: r.kiosk_id, site: r.site ?? '', kind: r.kind, ts: r.ts, count: r.count, hasPhoto: r.has_photo }));
  }

  /** The JPEG behind a punch or sighting, opened; null when it has none. A blob the site key cannot open throws (KioskError). */
  async photo(owner: EvidenceOwnerKind, id: string): Promise<Buffer | null> {
    const column = owner === 'punch' ? 'punch_id' : 'sighting_id';
    const { rows } = await this.pool.query<{ sealed: Buffer }>(`SELECT sealed FROM hub_evidence WHERE ${column} = $1`, [id]);
    const row = rows[0];
    return row === undefined ? null : openSiteEvidence(this.siteKey, owner, id, row.sealed);
  }
}
