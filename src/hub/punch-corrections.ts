/**
 * Corrections an admin makes to the log on the hub. A void is stored on the hub at once and stamped
 * with the next gallery revision (`down_rev`, under the gallery writer lock), so the kiosk that owns
 * the punch pulls it by its gallery cursor and voids its own copy: the two logs agree. The first
 * void of a punch is final, wherever it was made (see the ingest's 'punch.void').
 */
import { inTransaction, type Pool } from './db.ts';
import { lockGallery, nextRev } from './gallery-repo.ts';
import { hubAudit } from './kiosks-repo.ts';

export type VoidOutcome = { voided: true; rev: number } | { voided: false; reason: 'not-found' | 'already-voided' };

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
}
