/**
 * The kiosk ⇄ hub wire protocol: zod schemas shared by the hub's routes and the kiosk's sync
 * client, so both ends validate the same shapes. The kiosk starts every exchange (no inbound port
 * on a kiosk): it pushes outbox records up and pulls gallery changes down by revision cursor.
 *
 * Records are extensible: `kind` is an open string. A hub that does not know a kind stores the
 * record as received (and acknowledges it), so a newer kiosk never wedges on an older hub.
 */
import { z } from 'zod';

export const uuid = z.string().regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/u, 'not a lower-case UUID');
const ms = z.number().int().min(0).max(8.64e15);
const text = (max: number) => z.string().max(max);
const b64 = z.string().max(8 * 1024 * 1024).regex(/^[A-Za-z0-9+/]*={0,2}$/u, 'not base64');
const jsonObject = z.record(z.string(), z.unknown());

/** The record kinds this hub applies; others are kept as received. */
export const KNOWN_KINDS = ['punch', 'punch.void', 'person', 'person.remove', 'sample', 'crop', 'sighting', 'audit', 'evidence'] as const;
export type KnownKind = (typeof KNOWN_KINDS)[number];

export const PUNCH_SOURCES = ['face', 'manual', 'fallback'] as const;
/**
 * source and review came with the kiosk's desk features (fallback punches); a kiosk from before
 * them sends neither, and its punches are face punches, or manual ones, never flagged for review.
 */
export const punchPayload = z
  .object({
    personUid: uuid,
    personName: text(200),
    ts: ms,
    similarity: z.number().finite().nullable(),
    manual: z.boolean(),
    evidence: jsonObject,
    source: z.enum(PUNCH_SOURCES).optional(),
    review: z.boolean().optional(),
  })
  .transform((p) => ({ ...p, source: p.source ?? (p.manual ? 'manual' : 'face'), review: p.review ?? false }));
export const voidPayload = z.object({ punchId: uuid, voidedAt: ms, reason: text(500) });
export const personPayload = z.object({
  uid: uuid,
  name: text(200).min(1),
  employeeCode: text(64).nullable(),
  active: z.boolean(),
  shiftName: text(100).nullable(),
});
export const personRemovePayload = z.object({ uid: uuid });
export const samplePayload = z.object({
  personUid: uuid,
  sourceKey: text(500).min(1),
  kind: text(32).min(1),
  modelVersion: text(100).min(1),
  dim: z.number().int().min(1).max(4096),
  quality: z.number().finite(),
  createdAt: ms,
  /** The descriptor sealed with the site key (see sync/site-seal.ts), base64. */
  sealed: b64,
});
export const cropPayload = z.object({ personUid: uuid, sourceKey: text(500).min(1), createdAt: ms, sealed: b64 });
export const sightingPayload = z.object({ kind: text(32), ts: ms, count: z.number().int().min(1), evidence: jsonObject });
/** The photo behind a punch (ownerId: the punch's uid) or a sighting (its record id), sealed with the site key (store/site-seal.ts). */
export const evidencePayload = z.object({ owner: z.enum(['punch', 'sighting']), ownerId: uuid, createdAt: ms, sealed: b64 });
export const auditPayload = z.object({ ts: ms, actor: text(200), action: text(100), target: text(200), details: jsonObject });

export const payloadSchemas: Record<KnownKind, z.ZodType> = {
  punch: punchPayload,
  'punch.void': voidPayload,
  person: personPayload,
  'person.remove': personRemovePayload,
  sample: samplePayload,
  crop: cropPayload,
  sighting: sightingPayload,
  audit: auditPayload,
  evidence: evidencePayload,
};

export const outboxRecord = z.object({
  id: uuid,
  kind: text(64).min(1),
  /** The kiosk's wall clock when the record was made (ms epoch). */
  wallMs: ms,
  /** ms since the kiosk booted (CLOCK_MONOTONIC) when it was made; null for history enqueued at join. */
  monoMs: ms.nullable(),
  /** /proc/sys/kernel/random/boot_id of that boot; monoMs means nothing without it. */
  bootId: text(64).nullable(),
  payload: z.unknown(),
});
export type OutboxRecordDto = z.infer<typeof outboxRecord>;

export const pushRequest = z.object({
  bootId: text(64).min(1),
  monoMs: ms,
  wallMs: ms,
  /** Records left in the kiosk's outbox once this batch is acknowledged. */
  outboxDepth: z.number().int().min(0),
  /** Kiosk wall time of the oldest record not yet acknowledged, this batch included (null: none); lag = wallMs − this. */
  oldestPendingMs: ms.nullable(),
  records: z.array(outboxRecord).max(10_000),
});
export type PushRequest = z.infer<typeof pushRequest>;

export const clockVerdict = z.object({
  /** Kiosk wall clock minus hub clock at this exchange, ms. */
  offsetMs: z.number().int(),
  skewed: z.boolean(),
});

export const pushReply = z.object({
  /** Every record of the batch now stored (first time or before): the kiosk may drop them. */
  acked: z.array(uuid),
  hubTime: ms,
  clock: clockVerdict,
  /** Newest gallery revision: the kiosk pulls when its cursor is behind. */
  galleryRev: z.number().int().min(0),
});
export type PushReply = z.infer<typeof pushReply>;

export const galleryQuery = z.object({
  since: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(10_000).default(100),
}).strict();

const sampleDown = samplePayload.omit({ personUid: true });
const cropDown = cropPayload.omit({ personUid: true });
export const personChange = z.object({
  uid: uuid,
  rev: z.number().int().min(1),
  name: text(200),
  employeeCode: text(64).nullable(),
  active: z.boolean(),
  /** Erased on the hub: the tombstone. Kiosks drop the samples and crops and keep the name for old punches. */
  erased: z.boolean(),
  shiftName: text(100).nullable(),
  /** Other uids kiosks made for this person (same employee code enrolled at two kiosks offline). */
  aliases: z.array(uuid),
  samples: z.array(sampleDown),
  crops: z.array(cropDown),
});
export type PersonChange = z.infer<typeof personChange>;

export const shiftDown = z.object({
  name: text(100).min(1),
  startMinute: z.number().int().min(0).max(1439),
  endMinute: z.number().int().min(0).max(1439),
  graceMinutes: z.number().int().min(0).max(240),
  workDays: z.number().int().min(0).max(127),
  rev: z.number().int().min(1),
  /** A tombstone: the hub deleted this shift, so the kiosk removes its copy (a kiosk before this field keeps it). */
  deleted: z.boolean().optional(),
});
export type ShiftDown = z.infer<typeof shiftDown>;

/** A punch of this kiosk voided on the hub (admin correction): the kiosk voids its own copy too. */
export const punchVoidDown = voidPayload.extend({
  rev: z.number().int().min(1),
  /** Who voided it on the hub (`admin:<username>`), for the kiosk's audit trail. */
  actor: text(200),
});
export type PunchVoidDown = z.infer<typeof punchVoidDown>;

/** A manual punch a hub admin booked at this kiosk: the kiosk stores it under the same id (its uid). */
export const manualPunchDown = z.object({
  punchId: uuid,
  rev: z.number().int().min(1),
  personUid: uuid,
  ts: ms,
  reason: text(500),
  actor: text(200),
});
export type ManualPunchDown = z.infer<typeof manualPunchDown>;

export const galleryReply = z.object({
  people: z.array(personChange),
  shifts: z.array(shiftDown),
  /** Absent from hubs before punch corrections; a kiosk before them ignores it (unknown keys are stripped). */
  punchVoids: z.array(punchVoidDown).optional(),
  /** Applied before punchVoids, so a manual punch made and voided on the hub arrives voided. */
  manualPunches: z.array(manualPunchDown).optional(),
  /** Cursor to ask from next time: the highest revision in this reply (or `since` when empty). */
  next: z.number().int().min(0),
  more: z.boolean(),
  hubTime: ms,
});
export type GalleryReply = z.infer<typeof galleryReply>;

export const pairRequest = z.object({ code: z.string().min(8).max(64) }).strict();
export const pairReply = z.object({
  kioskId: text(64),
  site: text(100),
  /** Secret the kiosk authenticates with from now on; the hub keeps only its hash. */
  credential: z.string().min(32).max(128),
  /** The site descriptor key, base64 (32 bytes). */
  siteKey: b64,
  hubTime: ms,
});
export type PairReply = z.infer<typeof pairReply>;

export const hubError = z.object({ error: z.string(), message: z.string() });

/** `Authorization: Bearer <kioskId>:<credential>`. */
export function bearer(kioskId: string, credential: string): string {
  return `Bearer ${kioskId}:${credential}`;
}
