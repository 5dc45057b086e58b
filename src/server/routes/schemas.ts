/** zod schemas of the HTTP API: request parts and replies, the replies checked against protocol.ts DTOs. */
import { z } from 'zod';
import { day, id, idParam, localDateTime, personName, pin, reason } from '../fields.ts';
import type {
  AdminAccountDto,
  AdminStatusDto,
  DisplayDto,
  PairingCodeDto,
  ApiErrorDto,
  AuditDto,
  AuthStateDto,
  DailyRowDto,
  HubLinkReplyDto,
  PersonDto,
  PunchDto,
  SettingsDto,
  SightingDto,
} from '../protocol.ts';
import { runtimeSettingsSchema } from '../settings.ts';

// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/u;

export const username = z
  .string()
  .transform((s) => s.normalize('NFC').trim())
  .pipe(z.string().min(1).max(64).refine((s) => !CONTROL.test(s), { message: 'contains control characters' }));

/** Upper bound only: the minimum length applies at setup (an option), not at login. */
export const password = z.string().min(1).max(256);

export const flag = z
  .enum(['true', 'false', '1', '0'])
  .transform((v) => v === 'true' || v === '1')
  .optional();

export const page = z.coerce.number().int().min(1).max(1_000_000).default(1);
export const pageSize = z.coerce.number().int().min(1).optional();

export const rangeQuery = z.object({ from: day, to: day, personId: idParam.optional() }).strict();

export const punchesQuery = rangeQuery.extend({ page, pageSize, includeVoided: flag }).strict();

export const exportQuery = rangeQuery.extend({ includeVoided: flag, lang: z.enum(['vi', 'en']).default('vi') }).strict();

export const sightingsQuery = z
  .object({ from: day, to: day, kind: z.enum(['unknown', 'spoof']).optional(), page, pageSize })
  .strict();

export const auditQuery = z.object({ from: day, to: day, page, pageSize }).strict();

export const peopleQuery = z.object({ search: z.string().max(100).optional(), includeInactive: flag }).strict();

export const idParams = z.object({ id: idParam }).strict();

export const voidBody = z.object({ reason }).strict();

export const manualPunchBody = z.object({ personId: id, at: localDateTime, reason }).strict();

export const loginBody = z.object({ username, password }).strict();

export const pinBody = z.object({ pin }).strict();

export const settingsBody = runtimeSettingsSchema;

export { personName };

// ---------- replies ----------

export const okReply = z.object({ ok: z.literal(true) });

export const apiErrorReply = z.object({
  error: z.string(),
  message: z.string(),
  issues: z.array(z.object({ path: z.string(), message: z.string() })).optional(),
  retryAfterMs: z.number().optional(),
}) satisfies z.ZodType<ApiErrorDto>;

export const authStateReply = z.object({
  setupNeeded: z.boolean(),
  authenticated: z.boolean(),
  username: z.string().nullable(),
  pinFromConfig: z.boolean(),
  pinResetRequired: z.boolean(),
}) satisfies z.ZodType<AuthStateDto>;

export const adminsReply = z.object({
  items: z.array(
    z.object({
      id: z.number(),
      username: z.string(),
      createdAt: z.number(),
      lastLoginAt: z.number().nullable(),
      disabled: z.boolean(),
      self: z.boolean(),
    }) satisfies z.ZodType<AdminAccountDto>,
  ),
});

export const displaysReply = z.object({
  items: z.array(
    z.object({ id: z.number(), name: z.string(), createdAt: z.number(), createdBy: z.string(), connected: z.number() }) satisfies z.ZodType<DisplayDto>,
  ),
});

export const pairingCodeReply = z.object({ code: z.string(), expiresAt: z.number() }) satisfies z.ZodType<PairingCodeDto>;

export const passwordChangeBody = z.object({ currentPassword: password, newPassword: password }).strict();

export const disabledBody = z.object({ disabled: z.boolean() }).strict();

export const pairingBody = z.object({ name: personName }).strict();

export const loggedInReply = z.object({ ok: z.literal(true), username: z.string() });

export const punchReply = z.object({
  id: z.number(),
  personId: z.number(),
  personName: z.string(),
  ts: z.number(),
  kioskId: z.string(),
  similarity: z.number().nullable(),
  manual: z.boolean(),
  manualReason: z.string().nullable(),
  voidedAt: z.number().nullable(),
  voidReason: z.string().nullable(),
  source: z.enum(['face', 'manual', 'fallback']),
  review: z.boolean(),
  hasPhoto: z.boolean(),
  vote: z
    .object({
      tallies: z.array(z.object({ name: z.string().nullable(), count: z.number(), meanSimilarity: z.number() })),
      unknownCount: z.number(),
      winnerShare: z.number().nullable(),
      winnerMeanMargin: z.number().nullable(),
      framesUsed: z.number().nullable(),
      reason: z.string().nullable(),
    })
    .nullable(),
}) satisfies z.ZodType<PunchDto>;

export const personPinBody = z.object({ pin }).strict();

export const addedReply = z.object({ ok: z.literal(true), added: z.number() });

export const punchPageReply = z.object({ items: z.array(punchReply), total: z.number(), page: z.number(), pageSize: z.number() });

export const createdReply = z.object({ ok: z.literal(true), id: z.number() });

/** Person ids are numbers on a kiosk and uids on the hub. */
export function dailyReplyOf<Id extends z.ZodNumber | z.ZodString>(personId: Id) {
  return z.object({
    items: z.array(z.object({ personId, personName: z.string(), day: z.string(), firstIn: z.number(), lastOut: z.number(), hours: z.number(), punches: z.number() })),
  });
}

export const dailyReply = dailyReplyOf(z.number()) satisfies z.ZodType<{ items: DailyRowDto[] }>;

export const peopleReply = z.object({
  items: z.array(
    z.object({
      id: z.number(),
      name: z.string(),
      employeeCode: z.string().nullable(),
      createdAt: z.number(),
      active: z.boolean(),
      sampleCount: z.number(),
      hasPin: z.boolean(),
      needsReenrollment: z.boolean(),
      thumbnailUrl: z.string().nullable(),
    }) satisfies z.ZodType<PersonDto>,
  ),
  snapshotsEnabled: z.boolean(),
});

export const sightingsReply = z.object({
  items: z.array(
    z.object({ id: z.number(), kind: z.enum(['unknown', 'spoof']), ts: z.number(), count: z.number(), kioskId: z.string(), hasPhoto: z.boolean() }) satisfies z.ZodType<SightingDto>,
  ),
  page: z.number(),
  pageSize: z.number(),
  hasMore: z.boolean(),
});

export const auditReply = z.object({
  items: z.array(
    z.object({ id: z.number(), ts: z.number(), actor: z.string(), action: z.string(), target: z.string(), details: z.string() }) satisfies z.ZodType<AuditDto>,
  ),
  page: z.number(),
  pageSize: z.number(),
  hasMore: z.boolean(),
});

export const settingsReply = z.object({
  settings: runtimeSettingsSchema,
  defaults: runtimeSettingsSchema,
  updatedAt: z.number().nullable(),
  updatedBy: z.string().nullable(),
  timeZone: z.string(),
  snapshotsEnabled: z.boolean(),
}) satisfies z.ZodType<SettingsDto>;

const cameraReply = z.object({ state: z.enum(['starting', 'running', 'reconnecting', 'lost', 'ended']), reason: z.string(), since: z.number() });

export const statusReply = z.object({
  camera: cameraReply,
  backend: z.string(),
  descriptor: z.string(),
  fps: z.number(),
  enrolledPeople: z.number(),
  socket: z.object({
    kioskClients: z.number(),
    adminClients: z.number(),
    malformed: z.number(),
    oversized: z.number(),
    unknownEvents: z.number(),
    unauthorized: z.number(),
    previewSent: z.number(),
    previewDropped: z.number(),
  }),
}) satisfies z.ZodType<AdminStatusDto>;

const hubClockReply = z.union([
  z.object({ state: z.literal('synchronised'), offsetMs: z.number() }),
  z.object({ state: z.literal('not-synchronised'), reason: z.literal('skewed'), offsetMs: z.number() }),
  z.object({ state: z.literal('not-synchronised'), reason: z.literal('hub-not-reached-since-boot') }),
]);

export const hubLinkReply = z.object({
  hub: z
    .object({
      hubUrl: z.string(),
      kioskId: z.string(),
      site: z.string(),
      state: z.enum(['idle', 'backing-off', 'refused']),
      lastSuccessAt: z.number().nullable(),
      lastError: z.string().nullable(),
      failures: z.number(),
      outboxDepth: z.number(),
      clock: hubClockReply,
      maxSkewMs: z.number(),
    })
    .nullable(),
}) satisfies z.ZodType<HubLinkReplyDto>;

export const healthReply = z.object({ ok: z.boolean(), camera: cameraReply.shape.state });
