/**
 * The kiosk's side of the transactional outbox (migration 009): turning on the outbox when the kiosk
 * joins a hub (with its history), reading the next batch in commit order, and deleting rows only
 * once the hub acknowledged their ids. Rows about people, samples and crops are read when sent, so
 * the hub gets the current state; samples and crops are opened with this kiosk's key and sealed with
 * the site key for the person's global uid, evidence photos for their punch's or sighting's uid.
 */
import type { OutboxRecordDto } from '../hub/protocol.ts';
import type { DescriptorCipher } from './crypto.ts';
import type { Db } from './db.ts';
import type { PeopleRepo } from './people-repo.ts';
import { sealSiteCrop, sealSiteEvidence, sealSiteSample } from './site-seal.ts';

interface OutboxRow {
  seq: number;
  id: string;
  kind: string;
  ref: number | null;
  payload: string;
  wall_ms: number;
  mono_ms: number | null;
  boot_id: string | null;
}

export interface Batch {
  records: OutboxRecordDto[];
  /** Rows whose subject is gone (a person deleted before it was sent): nothing to send, drop them on the next ack. */
  vacant: string[];
}

export class OutboxRepo {
  readonly #stmt;

  constructor(private readonly db: Db, private readonly people: PeopleRepo) {
    this.#stmt = {
      state: db.prepare<[string], { value: string }>('SELECT value FROM sync_state WHERE key = ?'),
      setState: db.prepare<[string, string]>('INSERT INTO sync_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value'),
      batch: db.prepare<[number], OutboxRow>('SELECT seq, id, kind, ref, payload, wall_ms, mono_ms, boot_id FROM outbox ORDER BY seq LIMIT ?'),
      depth: db.prepare<[], { n: number; oldest: number | null }>('SELECT count(*) AS n, min(wall_ms) AS oldest FROM outbox'),
      del: db.prepare<[string]>('DELETE FROM outbox WHERE id = ?'),
      person: db.prepare<[number], { uid: string; name: string; employee_code: string | null; active: number; shift_name: string | null }>(
        'SELECT p.uid, p.name, p.employee_code, p.active, s.name AS shift_name FROM people p LEFT JOIN shifts s ON s.id = p.shift_id WHERE p.id = ?',
      ),
      uidOf: db.prepare<[number], { uid: string }>('SELECT uid FROM people WHERE id = ?'),
      punchUid: db.prepare<[number], { uid: string }>('SELECT uid FROM punches WHERE id = ?'),
      sightingUid: db.prepare<[number], { uid: string }>('SELECT uid FROM sightings WHERE id = ?'),
    };
  }

  enabled(): boolean {
    return this.#stmt.state.get('outbox')?.value === 'on';
  }

  /** Last gallery revision applied from the hub. */
  cursor(): number {
    return Number(this.#stmt.state.get('gallery_cursor')?.value ?? 0);
  }

  /**
   * Turns the outbox on. The first time, the kiosk's history goes in too — active people with their
   * samples and crops, then every punch, void, sighting, evidence photo and audit entry — in one
   * transaction with the switch, so nothing made before or after the join is missed. History has no monotonic time:
   * the hub marks those punches as made before the clock was trusted.
   */
  enable(now: number): { history: number } {
    return this.db.transaction((): { history: number } => {
      if (this.enabled()) return { history: 0 };
      let history = 0;
      if (this.#stmt.state.get('history_enqueued')?.value !== '1') {
        const stamp = `${now}, NULL, NULL`;
        const steps = [
          `INSERT INTO outbox (id, kind, ref, wall_ms, mono_ms, boot_id) SELECT kiosk_uuid7(), 'person', id, ${stamp} FROM people WHERE active = 1 ORDER BY id`,
          `INSERT INTO outbox (id, kind, ref, wall_ms, mono_ms, boot_id)
             SELECT kiosk_uuid7(), 'sample', s.id, ${stamp} FROM face_samples s JOIN people p ON p.id = s.person_id WHERE p.active = 1 ORDER BY s.id`,
          `INSERT INTO outbox (id, kind, ref, payload, wall_ms, mono_ms, boot_id)
             SELECT kiosk_uuid7(), 'crop', c.person_id, json_object('sourceKey', c.source_key), ${stamp}
             FROM face_crops c JOIN people p ON p.id = c.person_id WHERE p.active = 1 ORDER BY c.person_id, c.source_key`,
          `INSERT INTO outbox (id, kind, ref, payload, wall_ms, mono_ms, boot_id)
             SELECT pu.uid, 'punch', pu.id,
                    json_object('personUid', pe.uid, 'personName', pe.name, 'ts', pu.ts, 'similarity', pu.similarity,
                                'manual', json(CASE WHEN pu.manual = 1 THEN 'true' ELSE 'false' END), 'evidence', json(pu.evidence),
                                'source', pu.source, 'review', json(CASE WHEN pu.review = 1 THEN 'true' ELSE 'false' END)),
                    pu.ts, NULL, NULL
             FROM punches pu JOIN people pe ON pe.id = pu.person_id ORDER BY pu.id`,
          `INSERT INTO outbox (id, kind, ref, payload, wall_ms, mono_ms, boot_id)
             SELECT kiosk_uuid7(), 'punch.void', id, json_object('punchId', uid, 'voidedAt', voided_at, 'reason', coalesce(void_reason, '')), voided_at, NULL, NULL
             FROM punches WHERE voided_at IS NOT NULL ORDER BY id`,
          `INSERT INTO outbox (id, kind, ref, payload, wall_ms, mono_ms, boot_id)
             SELECT uid, 'sighting', id, json_object('kind', kind, 'ts', ts, 'count', count, 'evidence', json(evidence)), ts, NULL, NULL
             FROM sightings ORDER BY id`,
          `INSERT INTO outbox (id, kind, ref, wall_ms, mono_ms, boot_id)
             SELECT kiosk_uuid7(), 'evidence', id, created_at, NULL, NULL FROM evidence_photos ORDER BY id`,
          `INSERT INTO outbox (id, kind, ref, payload, wall_ms, mono_ms, boot_id)
             SELECT kiosk_uuid7(), 'audit', id, json_object('ts', ts, 'actor', actor, 'action', action, 'target', target, 'details', json(details)), ts, NULL, NULL
             FROM audit ORDER BY id`,
        ];
        for (const sql of steps) history += this.db.prepare(sql).run().changes;
        this.#stmt.setState.run('history_enqueued', '1');
      }
      this.#stmt.setState.run('outbox', 'on');
      return { history };
    }).immediate();
  }

  /** Records waiting, and the wall time of the oldest (the kiosk's replication lag). */
  depth(): { records: number; oldestWallMs: number | null } {
    const r = this.#stmt.depth.get();
    return { records: r?.n ?? 0, oldestWallMs: r?.oldest ?? null };
  }

  /** The next `limit` rows in commit order, as wire records. */
  nextBatch(limit: number, site: DescriptorCipher): Batch {
    const records: OutboxRecordDto[] = [];
    const vacant: string[] = [];
    for (const row of this.#stmt.batch.all(limit)) {
      const payload = this.payloadOf(row, site);
      if (payload === null) vacant.push(row.id);
      else records.push({ id: row.id, kind: row.kind, wallMs: row.wall_ms, monoMs: row.mono_ms, bootId: row.boot_id, payload });
    }
    return { records, vacant };
  }

  /** Deletes acknowledged rows (and vacant ones); returns how many went. */
  ack(ids: readonly string[]): number {
    return this.db.transaction((): number => {
      let n = 0;
      for (const id of ids) n += this.#stmt.del.run(id).changes;
      return n;
    }).immediate();
  }

  private payloadOf(row: OutboxRow, site: DescriptorCipher): unknown {
    switch (row.kind) {
      case 'person': {
        const p = row.ref === null ? undefined : this.#stmt.person.get(row.ref);
        if (p === undefined) return null;
        return { uid: p.uid, name: p.name, employeeCode: p.employee_code, active: p.active === 1, shiftName: p.shift_name };
      }
      case 'sample': {
        const s = row.ref === null ? null : this.people.sampleForSync(row.ref);
        const uid = s === null ? undefined : this.#stmt.uidOf.get(s.personId)?.uid;
        if (s === null || uid === undefined) return null;
        try {
          const sealed = sealSiteSample(site, uid, s.kind, s.descriptor).toString('base64');
          return { personUid: uid, sourceKey: s.sourceKey, kind: s.kind, modelVersion: s.modelVersion, dim: s.dim, quality: s.quality, createdAt: s.createdAt, sealed };
        } finally {
          s.descriptor.fill(0);
        }
      }
      case 'crop': {
        const sourceKey = (JSON.parse(row.payload) as { sourceKey?: string }).sourceKey;
        const uid = row.ref === null ? undefined : this.#stmt.uidOf.get(row.ref)?.uid;
        const jpeg = row.ref === null || sourceKey === undefined ? null : this.people.crops.get(row.ref, sourceKey);
        if (uid === undefined || jpeg === null || sourceKey === undefined) return null;
        return { personUid: uid, sourceKey, createdAt: row.wall_ms, sealed: sealSiteCrop(site, uid, sourceKey, jpeg).toString('base64') };
      }
      case 'evidence': {
        const photo = row.ref === null ? null : this.people.evidence.byId(row.ref);
        if (photo === null) return null;
        try {
          const { owner } = photo;
          const uid = (owner.kind === 'punch' ? this.#stmt.punchUid : this.#stmt.sightingUid).get(owner.id)?.uid;
          if (uid === undefined) return null;
          return { owner: owner.kind, ownerId: uid, createdAt: photo.createdAt, sealed: sealSiteEvidence(site, owner.kind, uid, photo.jpeg).toString('base64') };
        } finally {
          photo.jpeg.fill(0);
        }
      }
      default:
        // Facts (punch, punch.void, sighting, audit, person.remove, and kinds added later) carry their payload.
        return JSON.parse(row.payload) as unknown;
    }
  }
}
