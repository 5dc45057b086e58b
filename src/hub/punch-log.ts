/** The punch log of every kiosk, read from PostgreSQL: filters by time, kiosk, site and voided. */
import type { HubClockTrust, HubPunchDto } from './admin-dto.ts';
import type { Pool } from './db.ts';

export interface PunchLogFilter {
  /** [from, to) in ms since the epoch, on the kiosk's wall time. */
  from: number;
  to: number;
  kioskId?: string | undefined;
  site?: string | undefined;
  includeVoided: boolean;
}

interface Row {
  id: string;
  kiosk_id: string;
  site: string | null;
  person_name: string;
  employee_code: string | null;
  ts: number;
  corrected_ts: number | null;
  received_at: number;
  clock_trust: HubClockTrust;
  similarity: number | null;
  manual: boolean;
  voided_at: number | null;
  void_reason: string | null;
  manual_reason: string | null;
  has_photo: boolean;
}

function where(f: PunchLogFilter): { sql: string; params: unknown[] } {
  const params: unknown[] = [f.from, f.to];
  const parts = ['p.ts >= $1', 'p.ts < $2'];
  if (f.kioskId !== undefined) parts.push(`p.kiosk_id = $${params.push(f.kioskId)}`);
  if (f.site !== undefined) parts.push(`k.site = $${params.push(f.site)}`);
  if (!f.includeVoided) parts.push('p.voided_at IS NULL');
  return { sql: parts.join(' AND '), params };
}

const FROM = 'FROM hub_punches p LEFT JOIN hub_kiosks k ON k.id = p.kiosk_id';

export class PunchLog {
  constructor(private readonly pool: Pool) {}

  async count(f: PunchLogFilter): Promise<number> {
    const w = where(f);
    const { rows } = await this.pool.query<{ n: number }>(`SELECT count(*)::int AS n ${FROM} WHERE ${w.sql}`, w.params);
    return rows[0]!.n;
  }

  /** Newest first, or oldest first for exports. */
  async list(f: PunchLogFilter, page: { limit: number; offset: number }, order: 'newest' | 'oldest' = 'newest'): Promise<{ items: HubPunchDto[]; total: number }> {
    const w = where(f);
    const dir = order === 'newest' ? 'DESC' : 'ASC';
    // A person a kiosk knew by another uid (merged on the hub by employee code) is found through the alias.
    const { rows } = await this.pool.query<Row>(
      `SELECT p.id, p.kiosk_id, k.site, p.person_name, pe.employee_code, p.ts, p.corrected_ts, p.received_at, p.clock_trust,
              p.similarity, p.manual, p.voided_at, p.void_reason,
              CASE WHEN p.manual AND jsonb_typeof(p.evidence->'reason') = 'string' THEN p.evidence->>'reason' END AS manual_reason,
              EXISTS (SELECT 1 FROM hub_evidence e WHERE e.punch_id = p.id) AS has_photo
       ${FROM}
       LEFT JOIN hub_person_aliases a ON a.alias = p.person_uid
       LEFT JOIN hub_people pe ON pe.uid = coalesce(a.uid, p.person_uid)
       WHERE ${w.sql}
       ORDER BY p.ts ${dir}, p.id ${dir}
       LIMIT $${w.params.length + 1} OFFSET $${w.params.length + 2}`,
      [...w.params, page.limit, page.offset],
    );
    return { items: rows.map(toDto), total: await this.count(f) };
  }
}

function toDto(r: Row): HubPunchDto {
  return {
    id: r.id,
    kioskId: r.kiosk_id,
    site: r.site ?? '',
    personName: r.person_name,
    employeeCode: r.employee_code,
    ts: r.ts,
    correctedTs: r.corrected_ts,
    receivedAt: r.received_at,
    clockTrust: r.clock_trust,
    similarity: r.similarity,
    manual: r.manual,
    voidedAt: r.voided_at,
    voidReason: r.void_reason,
    manualReason: r.manual_reason,
    hasPhoto: r.has_photo,
  };
}
