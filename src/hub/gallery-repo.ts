/**
 * The hub's gallery: people, their site-sealed samples and crops, shifts, and erasures (tombstones),
 * each change stamped with the next gallery revision. Kiosks pull "changes since revision N".
 *
 * Conflict rules (tested in test/integration/hub/gallery-conflicts.test.ts):
 * - Identity is the uid a kiosk made when it enrolled the person. When a kiosk sends a new uid with
 *   an employee code the hub already knows (the same person enrolled at two kiosks while offline),
 *   the new uid becomes an alias of the existing person and its samples are kept under that person
 *   (re-sealed for its uid). Without an employee code two enrolments stay two people: a name alone
 *   does not identify anyone.
 * - An erasure is final for that uid: samples, crops, renames or reactivations arriving for an
 *   erased uid (or its aliases) afterwards are dropped (recorded as 'dropped-erased'); the tombstone
 *   wins the race with an enrolment. Erasing clears the employee code, so the person can be enrolled
 *   again later — as a new uid.
 */
import type { DescriptorCipher } from '../store/crypto.ts';
import { openSiteCrop, resealSiteCrop, resealSiteSample } from '../store/site-seal.ts';
import { GALLERY_LOCK } from './migrations.ts';
import { inTransaction, type Pool, type Tx } from './db.ts';
import { hubAudit } from './kiosks-repo.ts';
import type { GalleryReply, ManualPunchDown, PersonChange, PunchVoidDown, ShiftDown } from './protocol.ts';

interface PersonRow {
  uid: string;
  name: string;
  employee_code: string | null;
  active: boolean;
  shift_name: string | null;
  erased_at: number | null;
  rev: number;
}

interface SampleRow {
  person_uid: string;
  source_key: string;
  kind: string;
  model_version: string;
  dim: number;
  quality: number;
  sealed: Buffer;
  created_at: number;
}

interface CropRow {
  person_uid: string;
  source_key: string;
  sealed: Buffer;
  created_at: number;
}

/** A punch a hub admin made or voided, to send down to its kiosk. */
interface DownPunchRow {
  id: string;
  person_uid: string;
  ts: number;
  reason: string | null;
  made_by: string | null;
  voided_at: number | null;
  void_reason: string | null;
  voided_by: string | null;
  down_rev: number;
}

/** A person as the hub's admin page lists them. */
export interface HubPerson {
  uid: string;
  name: string;
  employeeCode: string | null;
  active: boolean;
  shiftName: string | null;
  /** The kiosk that first sent them (null: made on the hub). */
  originKiosk: string | null;
  samples: number;
  crops: number;
  updatedAt: number;
}

export type HubShift = ShiftDown & { people: number };

export type ShiftPut = { ok: true; rev: number } | { ok: false; reason: 'exists' | 'not-found' };
export type ShiftDeletion = { ok: true; rev: number } | { ok: false; reason: 'not-found' } | { ok: false; reason: 'in-use'; people: number };

export type ApplyOutcome = { status: 'applied'; detail?: string } | { status: 'orphan' | 'dropped-erased'; detail: string };

/** Takes the gallery writer lock: revisions then commit in the order they were taken. */
export async function lockGallery(tx: Tx): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock($1)', [GALLERY_LOCK]);
}

export async function nextRev(tx: Tx): Promise<number> {
  const { rows } = await tx.query<{ rev: number }>("SELECT nextval('hub_gallery_rev') AS rev");
  return rows[0]!.rev;
}

/** The uid a kiosk's uid stands for on the hub (itself unless merged as an alias). */
export async function resolveUid(tx: Tx, uid: string): Promise<string> {
  const { rows } = await tx.query<{ uid: string }>('SELECT uid FROM hub_person_aliases WHERE alias = $1', [uid]);
  return rows[0]?.uid ?? uid;
}

async function personRow(tx: Tx, uid: string): Promise<PersonRow | null> {
  const { rows } = await tx.query<PersonRow>('SELECT uid, name, employee_code, active, shift_name, erased_at, rev FROM hub_people WHERE uid = $1 FOR UPDATE', [uid]);
  return rows[0] ?? null;
}

export interface PersonInput {
  uid: string;
  name: string;
  employeeCode: string | null;
  active: boolean;
  shiftName: string | null;
}

/** Gallery writes of pushed records; the caller holds the gallery lock in `tx`. */
export class GalleryWriter {
  constructor(private readonly tx: Tx, private readonly site: DescriptorCipher, private readonly now: number, private readonly kioskId: string | null) {}

  async person(p: PersonInput): Promise<ApplyOutcome> {
    const uid = await resolveUid(this.tx, p.uid);
    const row = await personRow(this.tx, uid);
    if (row !== null) {
      if (row.erased_at !== null) return { status: 'dropped-erased', detail: `person ${uid} was erased` };
      let code = p.employeeCode ?? row.employee_code;
      let detail: string | undefined;
      if (code !== null && code !== row.employee_code) {
        const other = await this.tx.query<{ uid: string }>('SELECT uid FROM hub_people WHERE employee_code = $1 AND uid <> $2', [code, uid]);
        if (other.rows.length > 0) {
          detail = `employee code ${code} belongs to person ${other.rows[0]!.uid}; kept ${row.employee_code ?? 'none'}`;
          code = row.employee_code;
        }
      }
      await this.tx.query('UPDATE hub_people SET name = $2, employee_code = $3, active = $4, shift_name = $5, rev = $6, updated_at = $7 WHERE uid = $1', [
        uid, p.name, code, p.active, p.shiftName, await nextRev(this.tx), this.now,
      ]);
      return detail === undefined ? { status: 'applied' } : { status: 'applied', detail };
    }
    if (p.employeeCode !== null) {
      const same = await this.tx.query<{ uid: string }>('SELECT uid FROM hub_people WHERE employee_code = $1 FOR UPDATE', [p.employeeCode]);
      const existing = same.rows[0];
      if (existing !== undefined) {
        await this.tx.query('INSERT INTO hub_person_aliases (alias, uid) VALUES ($1, $2) ON CONFLICT (alias) DO NOTHING', [p.uid, existing.uid]);
        await this.tx.query('UPDATE hub_people SET rev = $2, updated_at = $3, active = active OR $4 WHERE uid = $1', [existing.uid, await nextRev(this.tx), this.now, p.active]);
        return { status: 'applied', detail: `merged into ${existing.uid} by employee code` };
      }
    }
    await this.tx.query(
      `INSERT INTO hub_people (uid, name, employee_code, active, shift_name, rev, created_at, updated_at, origin_kiosk)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8)`,
      [p.uid, p.name, p.employeeCode, p.active, p.shiftName, await nextRev(this.tx), this.now, this.kioskId],
    );
    return { status: 'applied' };
  }

  async sample(s: { personUid: string; sourceKey: string; kind: string; modelVersion: string; dim: number; quality: number; createdAt: number; sealed: Buffer }): Promise<ApplyOutcome> {
    const uid = await resolveUid(this.tx, s.personUid);
    const row = await personRow(this.tx, uid);
    if (row === null) return { status: 'orphan', detail: `no person ${s.personUid} on the hub` };
    if (row.erased_at !== null) return { status: 'dropped-erased', detail: `person ${uid} was erased` };
    const sealed = uid === s.personUid ? s.sealed : resealSiteSample(this.site, s.personUid, uid, s.kind, s.dim, s.sealed);
    await this.tx.query(
      `INSERT INTO hub_samples (person_uid, source_key, kind, model_version, dim, quality, sealed, created_at, origin_kiosk)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (person_uid, source_key, kind, model_version) DO UPDATE SET sealed = excluded.sealed, dim = excluded.dim, quality = excluded.quality`,
      [uid, s.sourceKey, s.kind, s.modelVersion, s.dim, s.quality, sealed, s.createdAt, this.kioskId],
    );
    await this.bump(uid);
    return { status: 'applied' };
  }

  async crop(c: { personUid: string; sourceKey: string; createdAt: number; sealed: Buffer }): Promise<ApplyOutcome> {
    const uid = await resolveUid(this.tx, c.personUid);
    const row = await personRow(this.tx, uid);
    if (row === null) return { status: 'orphan', detail: `no person ${c.personUid} on the hub` };
    if (row.erased_at !== null) return { status: 'dropped-erased', detail: `person ${uid} was erased` };
    const sealed = uid === c.personUid ? c.sealed : resealSiteCrop(this.site, c.personUid, uid, c.sourceKey, c.sealed);
    await this.tx.query(
      `INSERT INTO hub_crops (person_uid, source_key, sealed, created_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (person_uid, source_key) DO UPDATE SET sealed = excluded.sealed`,
      [uid, c.sourceKey, sealed, c.createdAt],
    );
    await this.bump(uid);
    return { status: 'applied' };
  }

  /** Erases a person everywhere: samples, crops and punch photos deleted, code cleared, tombstone revision. */
  async erase(anyUid: string): Promise<ApplyOutcome> {
    const uid = await resolveUid(this.tx, anyUid);
    const row = await personRow(this.tx, uid);
    if (row === null) return { status: 'orphan', detail: `no person ${anyUid} on the hub` };
    if (row.erased_at !== null) return { status: 'applied', detail: 'already erased' };
    await this.tx.query('DELETE FROM hub_samples WHERE person_uid = $1', [uid]);
    await this.tx.query('DELETE FROM hub_crops WHERE person_uid = $1', [uid]);
    // The photos behind their punches, whichever of their uids (aliases) a kiosk punched them under.
    await this.tx.query(
      `DELETE FROM hub_evidence WHERE punch_id IN (SELECT id FROM hub_punches WHERE person_uid = $1 OR person_uid IN (SELECT alias FROM hub_person_aliases WHERE uid = $1))`,
      [uid],
    );
    await this.tx.query('UPDATE hub_people SET erased_at = $2, active = false, employee_code = NULL, rev = $3, updated_at = $2 WHERE uid = $1', [uid, this.now, await nextRev(this.tx)]);
    return { status: 'applied' };
  }

  private async bump(uid: string): Promise<void> {
    await this.tx.query('UPDATE hub_people SET rev = $2, updated_at = $3 WHERE uid = $1', [uid, await nextRev(this.tx), this.now]);
  }
}

export class GalleryRepo {
  constructor(private readonly pool: Pool, private readonly site: DescriptorCipher, private readonly clock: () => number = Date.now) {}

  /** Newest revision committed (the push reply tells kiosks whether to pull). */
  async latestRev(): Promise<number> {
    const { rows } = await this.pool.query<{ rev: number | null }>(
      'SELECT greatest((SELECT max(rev) FROM hub_people), (SELECT max(rev) FROM hub_shifts), (SELECT max(down_rev) FROM hub_punches WHERE down_rev IS NOT NULL)) AS rev',
    );
    return rows[0]?.rev ?? 0;
  }

  /**
   * Changes after revision `since`, oldest first, from one snapshot. `kioskId` adds the corrections
   * made on the hub to that kiosk's own punches (voids, manual punches booked at it), and only those:
   * no kiosk learns another's punches. The cursor still moves past every revision, so a kiosk is not
   * sent back for corrections that were not its own.
   */
  async changesSince(since: number, limit: number, kioskId: string | null = null): Promise<GalleryReply> {
    const tx = await this.pool.connect();
    try {
      await tx.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const people = await tx.query<PersonRow>(
        'SELECT uid, name, employee_code, active, shift_name, erased_at, rev FROM hub_people WHERE rev > $1 ORDER BY rev LIMIT $2',
        [since, limit + 1],
      );
      const more = people.rows.length > limit;
      const rows = people.rows.slice(0, limit);
      const uids = rows.map((r) => r.uid);
      // One connection runs one query at a time: these go in sequence, inside the snapshot.
      const samples = await tx.query<SampleRow>(
        'SELECT person_uid, source_key, kind, model_version, dim, quality, sealed, created_at FROM hub_samples WHERE person_uid = ANY($1) ORDER BY person_uid, created_at, source_key',
        [uids],
      );
      const crops = await tx.query<CropRow>('SELECT person_uid, source_key, sealed, created_at FROM hub_crops WHERE person_uid = ANY($1)', [uids]);
      const aliases = await tx.query<{ alias: string; uid: string }>('SELECT alias, uid FROM hub_person_aliases WHERE uid = ANY($1)', [uids]);
      const lastPersonRev = rows[rows.length - 1]?.rev ?? since;
      const shiftRows = await tx.query<{ name: string; start_minute: number; end_minute: number; grace_minutes: number; work_days: number; rev: number; deleted_at: number | null }>(
        more ? 'SELECT * FROM hub_shifts WHERE rev > $1 AND rev <= $2 ORDER BY rev' : 'SELECT * FROM hub_shifts WHERE rev > $1 ORDER BY rev',
        more ? [since, lastPersonRev] : [since],
      );
      const punchRows = kioskId === null ? [] : (await tx.query<DownPunchRow>(
        `SELECT id, person_uid, ts, evidence->>'reason' AS reason, made_by, voided_at, void_reason, voided_by, down_rev FROM hub_punches
         WHERE kiosk_id = $1 AND down_rev > $2${more ? ' AND down_rev <= $3' : ''} ORDER BY down_rev`,
        more ? [kioskId, since, lastPersonRev] : [kioskId, since],
      )).rows;
      // Without more to come, the cursor reaches the newest revision of any kind, other kiosks' corrections included.
      const newest = more ? lastPersonRev : (await tx.query<{ rev: number | null }>('SELECT max(down_rev) AS rev FROM hub_punches WHERE down_rev IS NOT NULL')).rows[0]?.rev ?? 0;
      await tx.query('COMMIT');
      const manualPunches: ManualPunchDown[] = punchRows.flatMap((p) => (p.made_by === null ? [] : [{ punchId: p.id, rev: p.down_rev, personUid: p.person_uid, ts: p.ts, reason: p.reason ?? '', actor: p.made_by }]));
      const punchVoids: PunchVoidDown[] = punchRows.flatMap((p) => (p.voided_by === null || p.voided_at === null ? [] : [{ punchId: p.id, rev: p.down_rev, voidedAt: p.voided_at, reason: p.void_reason ?? '', actor: p.voided_by }]));
      const changes: PersonChange[] = rows.map((r) => ({
        uid: r.uid,
        rev: r.rev,
        name: r.name,
        employeeCode: r.employee_code,
        active: r.active,
        erased: r.erased_at !== null,
        shiftName: r.shift_name,
        aliases: aliases.rows.filter((a) => a.uid === r.uid).map((a) => a.alias),
        samples: samples.rows.filter((s) => s.person_uid === r.uid).map((s) => ({
          sourceKey: s.source_key, kind: s.kind, modelVersion: s.model_version, dim: s.dim, quality: s.quality, createdAt: s.created_at, sealed: s.sealed.toString('base64'),
        })),
        crops: crops.rows.filter((c) => c.person_uid === r.uid).map((c) => ({ sourceKey: c.source_key, createdAt: c.created_at, sealed: c.sealed.toString('base64') })),
      }));
      const shifts: ShiftDown[] = shiftRows.rows.map((s) => ({
        name: s.name, startMinute: s.start_minute, endMinute: s.end_minute, graceMinutes: s.grace_minutes, workDays: s.work_days, rev: s.rev,
        ...(s.deleted_at === null ? {} : { deleted: true }),
      }));
      const next = Math.max(lastPersonRev, ...shifts.map((s) => s.rev), ...punchRows.map((p) => p.down_rev), more ? since : newest, since);
      return { people: changes, shifts, manualPunches, punchVoids, next, more, hubTime: this.clock() };
    } catch (err) {
      await tx.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      tx.release();
    }
  }

  /** Hub admin: erase a person (by uid, alias or employee code) at every kiosk. */
  async erase(who: string, actor: string): Promise<{ uid: string } | null> {
    const now = this.clock();
    return inTransaction(this.pool, async (tx) => {
      await lockGallery(tx);
      const byCode = await tx.query<{ uid: string }>('SELECT uid FROM hub_people WHERE employee_code = $1', [who]);
      const uid = byCode.rows[0]?.uid ?? (/^[0-9a-f-]{36}$/u.test(who) ? await resolveUid(tx, who) : null);
      if (uid === null) return null;
      const out = await new GalleryWriter(tx, this.site, now, null).erase(uid);
      if (out.status !== 'applied') return null;
      await hubAudit(tx, now, actor, 'person.erase', `person:${uid}`, { who });
      return { uid };
    });
  }

  /** Hub admin page: everyone not erased, by name, with how many samples and crops the hub holds. */
  async people(): Promise<HubPerson[]> {
    const { rows } = await this.pool.query<PersonRow & { origin_kiosk: string | null; updated_at: number; samples: number; crops: number }>(
      `SELECT p.uid, p.name, p.employee_code, p.active, p.shift_name, p.erased_at, p.rev, p.origin_kiosk, p.updated_at,
              (SELECT count(*)::int FROM hub_samples s WHERE s.person_uid = p.uid) AS samples,
              (SELECT count(*)::int FROM hub_crops c WHERE c.person_uid = p.uid) AS crops
       FROM hub_people p WHERE p.erased_at IS NULL ORDER BY lower(p.name), p.uid`,
    );
    return rows.map((r) => ({
      uid: r.uid, name: r.name, employeeCode: r.employee_code, active: r.active, shiftName: r.shift_name,
      originKiosk: r.origin_kiosk, samples: r.samples, crops: r.crops, updatedAt: r.updated_at,
    }));
  }

  /** The newest face crop of a person, opened with the site key (JPEG); null when the hub holds none. */
  async photo(uid: string): Promise<Buffer | null> {
    const { rows } = await this.pool.query<{ source_key: string; sealed: Buffer }>(
      'SELECT source_key, sealed FROM hub_crops WHERE person_uid = $1 ORDER BY created_at DESC, source_key LIMIT 1',
      [uid],
    );
    const row = rows[0];
    return row === undefined ? null : openSiteCrop(this.site, uid, row.source_key, row.sealed);
  }

  /** Hub admin: a person's shift (null: none); the new revision carries it to every kiosk. */
  async setShift(anyUid: string, shiftName: string | null, actor: string): Promise<{ ok: true; rev: number } | { ok: false; reason: 'no-person' | 'no-shift' }> {
    const now = this.clock();
    return inTransaction(this.pool, async (tx) => {
      await lockGallery(tx);
      const uid = await resolveUid(tx, anyUid);
      const row = await personRow(tx, uid);
      if (row === null || row.erased_at !== null) return { ok: false, reason: 'no-person' };
      if (shiftName !== null) {
        const known = await tx.query('SELECT 1 FROM hub_shifts WHERE name = $1 AND deleted_at IS NULL', [shiftName]);
        if (known.rows.length === 0) return { ok: false, reason: 'no-shift' };
      }
      const rev = await nextRev(tx);
      await tx.query('UPDATE hub_people SET shift_name = $2, rev = $3, updated_at = $4 WHERE uid = $1', [uid, shiftName, rev, now]);
      await hubAudit(tx, now, actor, 'person.shift', `person:${uid}`, { from: row.shift_name, to: shiftName });
      return { ok: true, rev };
    });
  }

  /** The shared shifts, with how many people (not erased) are on each. */
  async shifts(): Promise<HubShift[]> {
    const { rows } = await this.pool.query<{ name: string; start_minute: number; end_minute: number; grace_minutes: number; work_days: number; rev: number; people: number }>(
      `SELECT s.name, s.start_minute, s.end_minute, s.grace_minutes, s.work_days, s.rev,
              (SELECT count(*)::int FROM hub_people p WHERE p.shift_name = s.name AND p.erased_at IS NULL) AS people
       FROM hub_shifts s WHERE s.deleted_at IS NULL ORDER BY s.start_minute, s.name`,
    );
    return rows.map((s) => ({ name: s.name, startMinute: s.start_minute, endMinute: s.end_minute, graceMinutes: s.grace_minutes, workDays: s.work_days, rev: s.rev, people: s.people }));
  }

  /**
   * Hub admin: create or change a shift (sent to every kiosk, which match shifts by name). The CLI
   * creates or changes alike; the admin page says which it means (`expect`), so a second "new" shift
   * with a taken name is refused instead of overwriting the first.
   */
  async putShift(s: Omit<ShiftDown, 'rev'>, actor: string): Promise<{ ok: true; rev: number }>;
  async putShift(s: Omit<ShiftDown, 'rev'>, actor: string, expect: 'new' | 'existing'): Promise<ShiftPut>;
  async putShift(s: Omit<ShiftDown, 'rev'>, actor: string, expect?: 'new' | 'existing'): Promise<ShiftPut> {
    const now = this.clock();
    return inTransaction(this.pool, async (tx): Promise<ShiftPut> => {
      await lockGallery(tx);
      if (expect !== undefined) {
        const known = (await tx.query('SELECT 1 FROM hub_shifts WHERE name = $1 AND deleted_at IS NULL', [s.name])).rows.length > 0;
        if (expect === 'new' && known) return { ok: false, reason: 'exists' };
        if (expect === 'existing' && !known) return { ok: false, reason: 'not-found' };
      }
      const rev = await nextRev(tx);
      await tx.query(
        `INSERT INTO hub_shifts (name, start_minute, end_minute, grace_minutes, work_days, rev) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (name) DO UPDATE SET start_minute = excluded.start_minute, end_minute = excluded.end_minute,
           grace_minutes = excluded.grace_minutes, work_days = excluded.work_days, rev = excluded.rev, deleted_at = NULL`,
        [s.name, s.startMinute, s.endMinute, s.graceMinutes, s.workDays, rev],
      );
      await hubAudit(tx, now, actor, 'shift.put', `shift:${s.name}`, { ...s });
      return { ok: true, rev };
    });
  }

  /**
   * Hub admin: delete a shift nobody (not erased) is on. It stays as a tombstone at a new revision, so
   * every kiosk pulls the deletion and removes its copy; making the name again revives it.
   */
  async deleteShift(name: string, actor: string): Promise<ShiftDeletion> {
    const now = this.clock();
    return inTransaction(this.pool, async (tx): Promise<ShiftDeletion> => {
      await lockGallery(tx);
      const row = (await tx.query<{ start_minute: number; end_minute: number }>('SELECT start_minute, end_minute FROM hub_shifts WHERE name = $1 AND deleted_at IS NULL FOR UPDATE', [name])).rows[0];
      if (row === undefined) return { ok: false, reason: 'not-found' };
      const people = (await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM hub_people WHERE shift_name = $1 AND erased_at IS NULL', [name])).rows[0]!.n;
      if (people > 0) return { ok: false, reason: 'in-use', people };
      const rev = await nextRev(tx);
      await tx.query('UPDATE hub_shifts SET deleted_at = $2, rev = $3 WHERE name = $1', [name, now, rev]);
      await hubAudit(tx, now, actor, 'shift.delete', `shift:${name}`, { startMinute: row.start_minute, endMinute: row.end_minute });
      return { ok: true, rev };
    });
  }
}
