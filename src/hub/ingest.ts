/**
 * A kiosk's push: records stored exactly once whatever the retries, acknowledged by id.
 *
 * In one transaction: every id goes into hub_records with ON CONFLICT (id) DO NOTHING; only the ids
 * that insert returns are new, and only those are applied (punches in bulk, other kinds in order).
 * Two hub processes given the same batch at once serialise on the primary key: the second waits for
 * the first to commit, then finds nothing new. Every id of the batch is then stored, so all of them
 * are acknowledged. A record the hub cannot apply (unknown kind, invalid payload, a sample for a
 * person it has never heard of) is kept with its payload and a status, and acknowledged too: a kiosk
 * must never wedge on one bad record.
 */
import type { DescriptorCipher } from '../store/crypto.ts';
import { judgeKiosk, judgeRecord, type ClockAnchor } from './clock-trust.ts';
import { inTransaction, type Pool, type Tx } from './db.ts';
import { GalleryWriter, lockGallery, resolveUid, type ApplyOutcome } from './gallery-repo.ts';
import type {
  auditPayload,
  cropPayload,
  evidencePayload,
  personPayload,
  personRemovePayload,
  punchPayload,
  samplePayload,
  sightingPayload,
  voidPayload} from './protocol.ts';
import {
  KNOWN_KINDS,
  payloadSchemas,
  type KnownKind,
  type OutboxRecordDto,
  type PushRequest,
} from './protocol.ts';
import type { z } from 'zod';

const GALLERY_KINDS: ReadonlySet<string> = new Set(['person', 'person.remove', 'sample', 'crop']);

export interface PushResult {
  acked: string[];
  /** Records applied for the first time by this request. */
  fresh: number;
  clock: { offsetMs: number; skewed: boolean };
}

type Outcome = ApplyOutcome | { status: 'unknown-kind' | 'invalid'; detail: string };

const isKnown = (k: string): k is KnownKind => (KNOWN_KINDS as readonly string[]).includes(k);

export class Ingest {
  constructor(
    private readonly pool: Pool,
    private readonly site: DescriptorCipher,
    private readonly opts: { maxSkewMs: number },
    private readonly clock: () => number = Date.now,
  ) {}

  async push(kioskId: string, req: PushRequest): Promise<PushResult> {
    const now = this.clock();
    const verdict = judgeKiosk(req.wallMs, now, this.opts.maxSkewMs);
    const fresh = await inTransaction(this.pool, async (tx) => {
      if (req.records.some((r) => GALLERY_KINDS.has(r.kind))) await lockGallery(tx);
      await tx.query(
        `INSERT INTO hub_clock_anchors (kiosk_id, boot_id, hub_ms, mono_ms) VALUES ($1, $2, $3, $4)
         ON CONFLICT (kiosk_id, boot_id) DO UPDATE SET hub_ms = excluded.hub_ms, mono_ms = excluded.mono_ms`,
        [kioskId, req.bootId, now, req.monoMs],
      );
      const fresh = await this.insertNew(tx, kioskId, req.records, now);
      if (fresh.length > 0) await this.apply(tx, kioskId, fresh, now);
      const lag = req.oldestPendingMs === null ? 0 : Math.max(0, req.wallMs - req.oldestPendingMs);
      await tx.query(
        `UPDATE hub_kiosks SET last_seen_at = $2, outbox_depth = $3, lag_ms = $4, clock_offset_ms = $5, clock_skewed = $6, boot_id = $7 WHERE id = $1`,
        [kioskId, now, req.outboxDepth, lag, verdict.offsetMs, verdict.skewed, req.bootId],
      );
      return fresh.length;
    });
    return { acked: req.records.map((r) => r.id), fresh, clock: verdict };
  }

  private async insertNew(tx: Tx, kioskId: string, records: readonly OutboxRecordDto[], now: number): Promise<OutboxRecordDto[]> {
    if (records.length === 0) return [];
    const { rows } = await tx.query<{ id: string }>(
      `INSERT INTO hub_records (id, kiosk_id, kind, wall_ms, received_at, status)
       SELECT id, $2, kind, wall_ms, $3, 'applied' FROM unnest($1::uuid[], $4::text[], $5::bigint[]) AS t(id, kind, wall_ms)
       ON CONFLICT (id) DO NOTHING RETURNING id`,
      [records.map((r) => r.id), kioskId, now, records.map((r) => r.kind), records.map((r) => r.wallMs)],
    );
    const fresh = new Set(rows.map((r) => r.id));
    // A batch repeating an id applies it once: the first occurrence wins.
    return records.filter((r) => fresh.delete(r.id));
  }

  private async apply(tx: Tx, kioskId: string, records: readonly OutboxRecordDto[], now: number): Promise<void> {
    const anchors = await this.anchors(tx, kioskId, records);
    const writer = new GalleryWriter(tx, this.site, now, kioskId);
    let punches: { r: OutboxRecordDto; p: z.infer<typeof punchPayload> }[] = [];
    const flush = async (): Promise<void> => {
      if (punches.length > 0) await this.insertPunches(tx, kioskId, punches, anchors, now);
      punches = [];
    };
    for (const r of records) {
      if (!isKnown(r.kind)) {
        await flush();
        await this.mark(tx, r, { status: 'unknown-kind', detail: `kind ${r.kind} is not known to this hub version` });
        continue;
      }
      const parsed = payloadSchemas[r.kind].safeParse(r.payload);
      if (!parsed.success) {
        await flush();
        await this.mark(tx, r, { status: 'invalid', detail: parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') });
        continue;
      }
      if (r.kind === 'punch') {
        punches.push({ r, p: parsed.data as z.infer<typeof punchPayload> });
        continue;
      }
      await flush();
      const outcome = await this.applyOne(tx, kioskId, r, parsed.data, writer);
      if (outcome.status !== 'applied' || outcome.detail !== undefined) await this.mark(tx, r, outcome);
    }
    await flush();
  }

  private async applyOne(tx: Tx, kioskId: string, r: OutboxRecordDto, data: unknown, writer: GalleryWriter): Promise<Outcome> {
    switch (r.kind as Exclude<KnownKind, 'punch'>) {
      case 'punch.void': {
        const v = data as z.infer<typeof voidPayload>;
        // The first void is final: a later one (the kiosk's own racing a hub admin's, or a void the
        // hub sent down coming back up) changes nothing and is no error. Audits travel as their own records.
        const res = await tx.query('UPDATE hub_punches SET voided_at = $2, void_reason = $3 WHERE id = $1 AND voided_at IS NULL', [v.punchId, v.voidedAt, v.reason]);
        if (res.rowCount === 0) {
          const exists = await tx.query('SELECT 1 FROM hub_punches WHERE id = $1', [v.punchId]);
          if (exists.rowCount === 0) return { status: 'orphan', detail: `no punch ${v.punchId}` };
        }
        return { status: 'applied' };
      }
      case 'person':
        return writer.person(data as z.infer<typeof personPayload>);
      case 'person.remove':
        return writer.erase((data as z.infer<typeof personRemovePayload>).uid);
      case 'sample': {
        const s = data as z.infer<typeof samplePayload>;
        return writer.sample({ ...s, sealed: Buffer.from(s.sealed, 'base64') });
      }
      case 'crop': {
        const c = data as z.infer<typeof cropPayload>;
        return writer.crop({ ...c, sealed: Buffer.from(c.sealed, 'base64') });
      }
      case 'sighting': {
        const s = data as z.infer<typeof sightingPayload>;
        await tx.query(
          'INSERT INTO hub_sightings (id, kiosk_id, kind, ts, count, evidence, received_at) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING',
          [r.id, kioskId, s.kind, s.ts, s.count, JSON.stringify(s.evidence), this.clock()],
        );
        return { status: 'applied' };
      }
      case 'evidence':
        return this.evidence(tx, kioskId, r, data as z.infer<typeof evidencePayload>);
      case 'audit': {
        const a = data as z.infer<typeof auditPayload>;
        await tx.query(
          'INSERT INTO hub_audit (id, kiosk_id, ts, actor, action, target, details) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING',
          [r.id, kioskId, a.ts, a.actor, a.action, a.target, JSON.stringify(a.details)],
        );
        return { status: 'applied' };
      }
    }
  }

  /**
   * An evidence photo, kept sealed as it came (one per punch or sighting: a newer one replaces it).
   * A photo of an erased person's punch is dropped; the person's row is locked FOR SHARE so an
   * erasure running now either waits for this to commit (and deletes it) or has committed first.
   * There is no foreign key: a photo whose punch or sighting is not on the hub is stored anyway (the
   * kiosk sends a punch before its photo, so this is a record the hub could not apply, not a race).
   */
  private async evidence(tx: Tx, kioskId: string, r: OutboxRecordDto, e: z.infer<typeof evidencePayload>): Promise<Outcome> {
    let detail: string | undefined;
    if (e.owner === 'punch') {
      const { rows } = await tx.query<{ person_uid: string }>('SELECT person_uid FROM hub_punches WHERE id = $1', [e.ownerId]);
      if (rows[0] === undefined) detail = `stored without its punch ${e.ownerId}`;
      else {
        const uid = await resolveUid(tx, rows[0].person_uid);
        const person = await tx.query<{ erased_at: number | null }>('SELECT erased_at FROM hub_people WHERE uid = $1 FOR SHARE', [uid]);
        const erasedAt = person.rows[0]?.erased_at ?? null;
        if (erasedAt !== null) return { status: 'dropped-erased', detail: `person ${uid} was erased` };
      }
    } else {
      const { rowCount } = await tx.query('SELECT 1 FROM hub_sightings WHERE id = $1', [e.ownerId]);
      if (rowCount === 0) detail = `stored without its sighting ${e.ownerId}`;
    }
    const column = e.owner === 'punch' ? 'punch_id' : 'sighting_id';
    await tx.query(`DELETE FROM hub_evidence WHERE ${column} = $1 AND id <> $2`, [e.ownerId, r.id]);
    await tx.query(
      `INSERT INTO hub_evidence (id, ${column}, kiosk_id, sealed, created_at, received_at) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING`,
      [r.id, e.ownerId, kioskId, Buffer.from(e.sealed, 'base64'), e.createdAt, this.clock()],
    );
    return detail === undefined ? { status: 'applied' } : { status: 'applied', detail };
  }

  private async insertPunches(tx: Tx, kioskId: string, batch: { r: OutboxRecordDto; p: z.infer<typeof punchPayload> }[], anchors: Map<string, ClockAnchor>, now: number): Promise<void> {
    const verdicts = batch.map(({ r, p }) => judgeRecord({ wallMs: p.ts, monoMs: r.monoMs, bootId: r.bootId }, anchors, this.opts.maxSkewMs));
    await tx.query(
      `INSERT INTO hub_punches (id, kiosk_id, person_uid, person_name, ts, mono_ms, boot_id, received_at, similarity, manual, evidence, clock_trust, corrected_ts, source, review)
       SELECT id, $2, person_uid, person_name, ts, mono_ms, boot_id, $3, similarity, manual, evidence, clock_trust, corrected_ts, source, review
       FROM unnest($1::uuid[], $4::uuid[], $5::text[], $6::bigint[], $7::bigint[], $8::text[], $9::float8[], $10::bool[], $11::jsonb[], $12::text[], $13::bigint[], $14::text[], $15::bool[])
         AS t(id, person_uid, person_name, ts, mono_ms, boot_id, similarity, manual, evidence, clock_trust, corrected_ts, source, review)
       ON CONFLICT (id) DO NOTHING`,
      [
        batch.map(({ r }) => r.id),
        kioskId,
        now,
        batch.map(({ p }) => p.personUid),
        batch.map(({ p }) => p.personName),
        batch.map(({ p }) => p.ts),
        batch.map(({ r }) => r.monoMs),
        batch.map(({ r }) => r.bootId),
        batch.map(({ p }) => p.similarity),
        batch.map(({ p }) => p.manual),
        batch.map(({ p }) => JSON.stringify(p.evidence)),
        verdicts.map((v) => v.trust),
        verdicts.map((v) => (v.correctedMs === null ? null : Math.round(v.correctedMs))),
        batch.map(({ p }) => p.source),
        batch.map(({ p }) => p.review),
      ],
    );
  }

  private async anchors(tx: Tx, kioskId: string, records: readonly OutboxRecordDto[]): Promise<Map<string, ClockAnchor>> {
    const boots = [...new Set(records.map((r) => r.bootId).filter((b): b is string => b !== null))];
    const { rows } = await tx.query<{ boot_id: string; hub_ms: number; mono_ms: number }>(
      'SELECT boot_id, hub_ms, mono_ms FROM hub_clock_anchors WHERE kiosk_id = $1 AND boot_id = ANY($2)',
      [kioskId, boots],
    );
    return new Map(rows.map((a) => [a.boot_id, { bootId: a.boot_id, hubMs: a.hub_ms, monoMs: a.mono_ms }]));
  }

  private async mark(tx: Tx, r: OutboxRecordDto, o: Outcome): Promise<void> {
    const keep = o.status !== 'applied' && o.status !== 'dropped-erased';
    await tx.query('UPDATE hub_records SET status = $2, detail = $3, payload = $4 WHERE id = $1', [
      r.id,
      o.status,
      o.detail ?? null,
      keep ? JSON.stringify(r.payload ?? null) : null,
    ]);
  }
}
