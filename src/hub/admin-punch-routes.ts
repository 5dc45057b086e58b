/**
 * The hub log's corrections: void a punch with a reason (as on the kiosk, same body), stored and
 * audited on the hub and sent down to the kiosk that owns the punch (see punch-corrections.ts).
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { apiError } from '../server/http-errors.ts';
import { okReply, voidBody } from '../server/routes/schemas.ts';
import { actorOf } from './admin-fleet-routes.ts';
import type { Pool } from './db.ts';
import { PunchCorrections } from './punch-corrections.ts';
import { uuid } from './protocol.ts';

export interface HubPunchRoutesDeps {
  pool: Pool;
  clock: () => number;
}

const punchParams = z.object({ id: uuid }).strict();

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
}
