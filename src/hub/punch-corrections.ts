/**
 * Corrections an admin makes to the log on the hub. A void or a manual punch is stored on the hub at
 * once and stamped with the next gallery revision (`down_rev`, under the gallery writer lock), so the
 * kiosk that owns the punch pulls it by its gallery cursor: the two logs agree. The first void of a
 * punch is final, wherever it was made (see the ingest's 'punch.void'). A manual punch gets a UUIDv7
 * as a kiosk's punch does, booked at the kiosk the admin names (so site filters and timesheets count
 * it there); its id also goes into hub_records, so if that kiosk ever sends it back it is a duplicate.
 */
import { v7 as uuidv7 } from 'uuid';
import { inTransaction, type Pool } from './db.ts';
import { lockGallery, nextRev, resolveUid } from './gallery-repo.ts';
import { hubAudit } from './kiosks-repo.ts';

export type VoidOutcome = { voided: true; rev: number } | { voided: false; reason: 'not-found' | 'already-voided' };

export interface ManualPunchInput {
  /** The person's uid on the hub, or any alias of it. */
  personUid: string;
  kioskId: string;
  ts: number;
  reason: string;
  actor: string;
}

export type ManualOutcome = { added: true; id: string; rev: number } | { added: false; reason: 'no-person' | 'no-kiosk' | 'kiosk-revoked' };

export class PunchCorrections {
  constructor(private readonly pool: Pool, private readonly clock: () => number) {}

  async void(punchId: string, reason: string, actor: string): Promise<VoidOutcome> {
    const now = this.clock();
    return inTransaction(this.pool, async (tx): Promise<VoidOutcome> => {
      await lockGallery(tx);
      const { rows } = await tx.query<{ kiosk_id: string; person_name: string; ts: number; voided_at: number | null }>(
        'SELECT kiosk_id, person_name, ts, voided_at FROM hub_punches WHERE id = $1 FOR UPDATE',
        [punchId],
      );
      const row = rows[0];
      if (row === undefined) return { voided: false, reason: 'not-found' };
      if (row.voided_at !== null) return { voided: false, reason: 'already-voided' };
      const rev = await nextRev(tx);
      await tx.query('UPDATE hub_punches SET voided_at = $2, void_reason = $3, voided_by = $4, down_rev = $5 WHERE id = $1', [punchId, now, reason, actor, rev]);
      await hubAudit(tx, now, actor, 'punch.void', `punch:${punchId}`, { reason, kioskId: row.kiosk_id, personName: row.person_name, ts: row.ts });
      return { voided: true, rev };
    });
  }

  async addManual(m: ManualPunchInput): Promise<ManualOutcome> {
    const now = this.clock();
    return inTransaction(this.pool, async (tx): Promise<ManualOutcome> => {
      await lockGallery(tx);
      const uid = await resolveUid(tx, m.personUid);
      const person = (await tx.query<{ name: string; erased_at: number | null }>('SELECT name, erased_at FROM hub_people WHERE uid = $1 FOR SHARE', [uid])).rows[0];
      if (person === undefined || person.erased_at !== null) return { added: false, reason: 'no-person' };
      const kiosk = (await tx.query<{ revoked_at: number | null }>('SELECT revoked_at FROM hub_kiosks WHERE id = $1', [m.kioskId])).rows[0];
      if (kiosk === undefined) return { added: false, reason: 'no-kiosk' };
      if (kiosk.revoked_at !== null) return { added: false, reason: 'kiosk-revoked' };
      const id = uuidv7();
      const rev = await nextRev(tx);
      await tx.query(
        "INSERT INTO hub_records (id, kiosk_id, kind, wall_ms, received_at, status, detail) VALUES ($1, $2, 'punch', $3, $3, 'applied', $4)",
        [id, m.kioskId, now, `manual punch made on the hub by ${m.actor}`],
      );
      // The hub's clock dates it (an admin chose the time): nothing to correct.
      await tx.query(
        `INSERT INTO hub_punches (id, kiosk_id, person_uid, person_name, ts, received_at, similarity, manual, evidence, clock_trust, source, made_by, down_rev)
         VALUES ($1, $2, $3, $4, $5, $6, NULL, true, $7, 'confirmed', 'manual', $8, $9)`,
        [id, m.kioskId, uid, person.name, m.ts, now, JSON.stringify({ reason: m.reason, actor: m.actor }), m.actor, rev],
      );
      await hubAudit(tx, now, m.actor, 'punch.manual', `punch:${id}`, { personUid: uid, personName: person.name, kioskId: m.kioskId, ts: m.ts, reason: m.reason });
      return { added: true, id, rev };
    });
  }
}
