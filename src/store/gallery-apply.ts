/**
 * Applies gallery changes pulled from the hub to this kiosk's SQLite, in one transaction with the
 * new cursor, with sync_state.applying = '1' so the outbox triggers do not echo them back.
 *
 * Matching a hub person to a local row: by uid, then by any of its aliases (this kiosk enrolled them
 * under another uid before the hub merged it), then by employee code; the local row then takes the
 * hub's uid. Samples arrive sealed with the site key and are stored sealed with this kiosk's own
 * key, as if enrolled here. An erased person (tombstone) loses samples, crops and employee code here
 * too; the row stays, inactive, for the punches that name them.
 *
 * Manual punches a hub admin booked at this kiosk are stored under the hub's id (their uid), once.
 * Punch voids made on the hub apply only to punches this kiosk holds (by uid) that are still live: the
 * first void of a punch is final here as on the hub. Like the rest, both are applied with
 * applying = '1', so nothing goes back up; the kiosk's audit trail records them, actor 'hub'.
 */
import { errorMessage } from '../errors.ts';
import type { Logger } from '../log.ts';
import type { GalleryReply, PersonChange } from '../hub/protocol.ts';
import type { DescriptorCipher } from './crypto.ts';
import type { Db } from './db.ts';
import type { AttendanceRepo } from './attendance-repo.ts';
import type { PeopleRepo } from './people-repo.ts';
import type { ShiftRepo } from './shift-repo.ts';
import { openSiteCrop, openSiteSample } from './site-seal.ts';
import { normalizeName, searchKey } from './text.ts';
import type { DescriptorKind, SampleInput } from './types.ts';

export interface ApplyResult {
  people: number;
  samplesAdded: number;
  erased: { id: number; name: string }[];
  shifts: number;
  /** Samples that could not be stored (wrong site key, dimension clash): logged, not fatal. */
  refused: number;
  /** Manual punches a hub admin booked at this kiosk. */
  manual: number;
  /** Punches of this kiosk voided by a hub admin. */
  voids: number;
  cursor: number;
}

/** Where pulled changes go: this kiosk's database and the repositories that write it. */
export interface GalleryTarget {
  db: Db;
  people: PeopleRepo;
  attendance: AttendanceRepo;
  shifts: ShiftRepo;
}

export function applyGallery(target: GalleryTarget, reply: GalleryReply, site: DescriptorCipher, now: number, logger: Logger): ApplyResult {
  const { db, people } = target;
  const q = {
    setState: db.prepare<[string, string]>('INSERT INTO sync_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value'),
    byUid: db.prepare<[string], { id: number; name: string }>('SELECT id, name FROM people WHERE uid = ?'),
    byCode: db.prepare<[string], { id: number; name: string }>('SELECT id, name FROM people WHERE employee_code = ?'),
    shiftId: db.prepare<[string], { id: number }>('SELECT id FROM shifts WHERE name = ?'),
    insert: db.prepare<[string, string, string | null, number, number, string, number | null]>(
      'INSERT INTO people (name, name_search, employee_code, created_at, active, uid, shift_id) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ),
    update: db.prepare<[string, string, string | null, number, string, number | null, number]>(
      'UPDATE people SET name = ?, name_search = ?, employee_code = ?, active = ?, uid = ?, shift_id = ? WHERE id = ?',
    ),
    clearCode: db.prepare<[string, number]>('UPDATE people SET employee_code = NULL WHERE employee_code = ? AND id <> ?'),
    eraseSamples: db.prepare<[number]>('DELETE FROM face_samples WHERE person_id = ?'),
    eraseCrops: db.prepare<[number]>('DELETE FROM face_crops WHERE person_id = ?'),
    tombstone: db.prepare<[string, number]>('UPDATE people SET active = 0, employee_code = NULL, uid = ? WHERE id = ?'),
    audit: db.prepare<[number, string, string, string]>("INSERT INTO audit (ts, actor, action, target, details) VALUES (?, 'hub', ?, ?, ?)"),
    voidPunch: db.prepare<[number, string, string], { id: number; person_id: number; ts: number }>('UPDATE punches SET voided_at = ?, void_reason = ? WHERE uid = ? AND voided_at IS NULL RETURNING id, person_id, ts'),
    upsertShift: db.prepare<[string, number, number, number, number, number, number]>(
      `INSERT INTO shifts (name, start_minute, end_minute, grace_minutes, overnight, work_days, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (name) DO UPDATE SET start_minute = excluded.start_minute, end_minute = excluded.end_minute,
         grace_minutes = excluded.grace_minutes, overnight = excluded.overnight, work_days = excluded.work_days`,
    ),
    onShift: db.prepare<[number], { id: number }>('SELECT id FROM people WHERE shift_id = ?'),
  };
  /**
   * The hub deleted the shift: people here still on it (assigned before the hub knew) go to none, then
   * it goes, through the shift repository as an admin's change would (audited, actor 'hub').
   */
  const deleteShift = (name: string): void => {
    const local = q.shiftId.get(name);
    if (local === undefined) return;
    for (const p of q.onShift.all(local.id)) target.shifts.assign(p.id, null, 'hub');
    target.shifts.remove(local.id, 'hub');
  };
  const result: ApplyResult = { people: 0, samplesAdded: 0, erased: [], shifts: 0, refused: 0, manual: 0, voids: 0, cursor: reply.next };

  const findLocal = (p: PersonChange): { id: number; name: string } | undefined => {
    for (const uid of [p.uid, ...p.aliases]) {
      const hit = q.byUid.get(uid);
      if (hit !== undefined) return hit;
    }
    return p.employeeCode === null ? undefined : q.byCode.get(p.employeeCode);
  };

  db.transaction(() => {
    q.setState.run('applying', '1');
    for (const s of reply.shifts) {
      if (s.deleted === true) deleteShift(s.name);
      else q.upsertShift.run(s.name, s.startMinute, s.endMinute, s.graceMinutes, s.endMinute < s.startMinute ? 1 : 0, s.workDays, now);
      result.shifts++;
    }
    for (const p of reply.people) {
      const local = findLocal(p);
      result.people++;
      if (p.erased) {
        if (local === undefined) continue;
        q.eraseSamples.run(local.id);
        q.eraseCrops.run(local.id);
        q.tombstone.run(p.uid, local.id);
        q.audit.run(now, 'person.erase', `person:${local.id}`, JSON.stringify({ name: local.name, uid: p.uid, by: 'hub' }));
        result.erased.push(local);
        continue;
      }
      const name = normalizeName(p.name);
      const shiftId = p.shiftName === null ? null : (q.shiftId.get(p.shiftName)?.id ?? null);
      // The hub is the authority on codes: a stale local holder of this code gives it up.
      if (p.employeeCode !== null) q.clearCode.run(p.employeeCode, local?.id ?? -1);
      let id: number;
      if (local === undefined) {
        id = Number(q.insert.run(name, searchKey(name), p.employeeCode, now, p.active ? 1 : 0, p.uid, shiftId).lastInsertRowid);
      } else {
        id = local.id;
        q.update.run(name, searchKey(name), p.employeeCode, p.active ? 1 : 0, p.uid, shiftId, id);
      }
      const crops = new Map(p.crops.map((c) => [c.sourceKey, c]));
      for (const s of p.samples) {
        if (people.hasSample(id, s.sourceKey, s.kind as DescriptorKind, s.modelVersion)) continue;
        try {
          const descriptor = openSiteSample(site, p.uid, s.kind, s.dim, Buffer.from(s.sealed, 'base64'));
          const c = crops.get(s.sourceKey);
          const input: SampleInput = { descriptor, kind: s.kind as DescriptorKind, modelVersion: s.modelVersion, quality: s.quality, sourceKey: s.sourceKey, beside: true };
          if (c !== undefined) input.crop = openSiteCrop(site, p.uid, c.sourceKey, Buffer.from(c.sealed, 'base64'));
          // A savepoint of its own: one sample refused leaves the rest of the pull applied.
          result.samplesAdded += people.addSamples(id, [input], 'hub').added;
          descriptor.fill(0);
          crops.delete(s.sourceKey);
        } catch (err) {
          result.refused++;
          logger.warn({ person: p.uid, sourceKey: s.sourceKey, err: errorMessage(err) }, 'gallery sample from the hub refused');
        }
      }
      for (const c of crops.values()) {
        if (people.crops.get(id, c.sourceKey) !== null) continue;
        try {
          people.crops.put(id, c.sourceKey, openSiteCrop(site, p.uid, c.sourceKey, Buffer.from(c.sealed, 'base64')), c.createdAt);
        } catch (err) {
          logger.warn({ person: p.uid, sourceKey: c.sourceKey, err: errorMessage(err) }, 'face crop from the hub refused');
        }
      }
    }
    for (const m of reply.manualPunches ?? []) {
      const person = q.byUid.get(m.personUid);
      if (person === undefined) {
        logger.warn({ punch: m.punchId, person: m.personUid }, 'manual punch from the hub names a person this kiosk does not hold; skipped');
        continue;
      }
      if (target.attendance.addFromHub({ uid: m.punchId, personId: person.id, ts: m.ts, reason: m.reason, actor: m.actor })) result.manual++;
    }
    for (const v of reply.punchVoids ?? []) {
      const hit = q.voidPunch.get(v.voidedAt, v.reason, v.punchId);
      if (hit === undefined) continue;
      q.audit.run(now, 'punch.void', `punch:${hit.id}`, JSON.stringify({ reason: v.reason, personId: hit.person_id, ts: hit.ts, uid: v.punchId, by: v.actor }));
      result.voids++;
    }
    q.setState.run('gallery_cursor', String(reply.next));
    q.setState.run('applying', '0');
  }).immediate();
  return result;
}
