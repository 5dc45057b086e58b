/**
 * The hub log's corrections, as on the kiosk: void a punch with a reason (same body), and a manual
 * punch (the kiosk's body, with the person's uid and the kiosk it is booked at). Stored and audited on
 * the hub, and sent down to the kiosk that owns the punch (see punch-corrections.ts).
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { apiError } from '../server/http-errors.ts';
import { manualPunchBody, okReply, voidBody } from '../server/routes/schemas.ts';
import { localDateTimeToEpoch } from '../server/time.ts';
import { actorOf, kioskIdField } from './admin-fields.ts';
import type { Pool } from './db.ts';
import { PunchCorrections } from './punch-corrections.ts';
import { uuid } from './protocol.ts';

export interface HubPunchRoutesDeps {
  pool: Pool;
  clock: () => number;
  /** The hub's zone: the manual punch's local time is read in it, as the log shows it. */
  timeZone: string;
}

const punchParams = z.object({ id: uuid }).strict();
export const hubManualPunchBody = manualPunchBody.extend({ personId: uuid, kioskId: kioskIdField });
const createdReply = z.object({ ok: z.literal(true), id: z.string() });
const MANUAL_REFUSED = {
  'no-person': [404, 'not-found', 'no such person on the hub (erased?)'],
  'no-kiosk': [404, 'unknown-kiosk', 'no such kiosk on the hub'],
  'kiosk-revoked': [409, 'kiosk-revoked', 'that kiosk was revoked; book the punch at a kiosk in service'],
} as const;

export async function hubPunchRoutes(app: FastifyInstance, deps: HubPunchRoutesDeps): Promise<void> {
  const corrections = new PunchCorrections(deps.pool, deps.clock);

  app.post<{ Params: z.infer<typeof punchParams>; Body: z.infer<typeof voidBody> }>(
    '/punches/:id/void',
    { schema: { params: punchParams, body: voidBody, response: { 200: okReply } } },
    async (request, reply) => {
      const r = await corrections.void(request.params.id, request.body.reason, actorOf(request));
      if (!r.voided && r.reason === 'not-found') return reply.code(404).send(apiError('not-found', `no punch ${request.params.id}`));
      if (!r.voided) return reply.code(409).send(apiError('already-voided', `punch ${request.params.id} is already voided`));
      request.log.info({ punch: request.params.id, rev: r.rev }, 'punch voided on the hub');
      return { ok: true as const };
    },
  );

  app.post<{ Body: z.infer<typeof hubManualPunchBody> }>(
    '/punches',
    { schema: { body: hubManualPunchBody, response: { 201: createdReply } } },
    async (request, reply) => {
      const b = request.body;
      const r = await corrections.addManual({ personUid: b.personId, kioskId: b.kioskId, ts: localDateTimeToEpoch(b.at, deps.timeZone), reason: b.reason, actor: actorOf(request) });
      if (!r.added) {
        const [code, error, message] = MANUAL_REFUSED[r.reason];
        return reply.code(code).send(apiError(error, message));
      }
      request.log.info({ punch: r.id, kioskId: b.kioskId, rev: r.rev }, 'manual punch made on the hub');
      return reply.code(201).send({ ok: true as const, id: r.id });
    },
  );
}
