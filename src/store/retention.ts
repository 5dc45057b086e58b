/**
 * Data kept no longer than allowed: sightings of unrecognised faces and punches older than their
 * retention are deleted, and so are removed people whose last punch went with them (they were only
 * kept so old punches still had a name). One transaction, one audit entry per run that deleted anything.
 */
import type { Db } from './db.ts';
import { AuditRepo } from './audit-repo.ts';
import { target } from './rows.ts';

export const MS_PER_DAY = 86_400_000;

/** Days to keep each kind of row; 0 keeps it forever. */
export interface RetentionPolicy {
  unknownSightingsDays: number;
  punchesDays: number;
}

export interface RetentionResult {
  sightingsDeleted: number;
  punchesDeleted: number;
  /** Removed (inactive) people deleted because no punch refers to them any more. */
  peopleDeleted: number;
  /** Rows older than these instants (ms epoch) were deleted; null = kept forever. */
  cutoffs: { sightings: number | null; punches: number | null };
}

/** The instant before which rows are expired, or null for "keep forever". */
export function retentionCutoff(now: number, days: number): number | null {
  return days > 0 ? now - days * MS_PER_DAY : null;
}

export function purgeExpired(db: Db, policy: RetentionPolicy, now: number, actor = 'retention'): RetentionResult {
  const cutoffs = { sightings: retentionCutoff(now, policy.unknownSightingsDays), punches: retentionCutoff(now, policy.punchesDays) };
  const audit = new AuditRepo(db, { listDefaultLimit: 1, listMaxLimit: 1 });
  return db.transaction((): RetentionResult => {
    const sightingsDeleted = cutoffs.sightings === null ? 0 : db.prepare('DELETE FROM sightings WHERE ts < ?').run(cutoffs.sightings).changes;
    const punchesDeleted = cutoffs.punches === null ? 0 : db.prepare('DELETE FROM punches WHERE ts < ?').run(cutoffs.punches).changes;
    const orphans = db
      .prepare<[], { id: number; name: string }>(
        'SELECT id, name FROM people WHERE active = 0 AND NOT EXISTS (SELECT 1 FROM punches WHERE person_id = people.id)',
      )
      .all();
    const del = db.prepare<[number]>('DELETE FROM people WHERE id = ?');
    for (const p of orphans) {
      del.run(p.id);
      audit.write({ ts: now, actor, action: 'person.purge', target: target.person(p.id), details: { name: p.name, reason: 'removed person; last punch expired' } });
    }
    const result = { sightingsDeleted, punchesDeleted, peopleDeleted: orphans.length, cutoffs };
    if (sightingsDeleted + punchesDeleted + orphans.length > 0) {
      audit.write({ ts: now, actor, action: 'retention.purge', target: 'store', details: { ...result, policy: { ...policy } } });
    }
    return result;
  }).immediate();
}
