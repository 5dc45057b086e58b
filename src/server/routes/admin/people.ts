/** People list (accent-insensitive search, Vietnamese order), thumbnails when enabled, and removal. */
import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import type { ServerContext } from '../../context.ts';
import { apiError } from '../../http-errors.ts';
import { actorOf } from '../../plugins/admin-auth.ts';
import { idParams, okReply, peopleQuery, peopleReply, personPinBody } from '../schemas.ts';
import { sendPrivateJpeg } from '../../private-jpeg.ts';

export async function peopleRoutes(app: FastifyInstance, opts: { ctx: ServerContext }): Promise<void> {
  const { ctx } = opts;
  const thumbnails = ctx.options.snapshotsEnabled && ctx.snapshots !== null;

  app.get<{ Querystring: z.infer<typeof peopleQuery> }>('/people', { schema: { querystring: peopleQuery, response: { 200: peopleReply } } }, async (request) => {
    const q = request.query;
    const people = ctx.store.people.list({ search: q.search, includeInactive: q.includeInactive ?? false });
    return {
      items: people.map((p) => ({
        id: p.id,
        name: p.name,
        employeeCode: p.employeeCode,
        createdAt: p.createdAt,
        active: p.active,
        sampleCount: p.sampleCount,
        hasPin: p.hasPin,
        needsReenrollment: p.needsReenrollment,
        thumbnailUrl: thumbnails && p.sampleCount > 0 ? `/api/admin/people/${p.id}/thumbnail` : null,
      })),
      snapshotsEnabled: thumbnails,
    };
  });

  app.get<{ Params: z.infer<typeof idParams> }>('/people/:id/thumbnail', { schema: { params: idParams } }, async (request, reply) => {
    const jpeg = thumbnails && ctx.snapshots !== null ? await ctx.snapshots.thumbnail(request.params.id) : null;
    if (jpeg === null) return reply.code(404).send(apiError('not-found', 'no thumbnail (snapshots are disabled or none was kept)'));
    return sendPrivateJpeg(reply, jpeg);
  });

  // The personal PIN of the kiosk's "Not recognised?" fallback: only its scrypt hash is stored; audited.
  app.put<{ Params: z.infer<typeof idParams>; Body: z.infer<typeof personPinBody> }>(
    '/people/:id/pin',
    { schema: { params: idParams, body: personPinBody, response: { 200: okReply } } },
    async (request, reply) => {
      const person = ctx.store.people.get(request.params.id);
      if (person === null || !person.active) return reply.code(404).send(apiError('not-found', `no person ${request.params.id}`));
      if (person.employeeCode === null) return reply.code(409).send(apiError('no-employee-code', 'the fallback asks for the employee code: give the person one first'));
      const hash = await ctx.hasher.hash(request.body.pin);
      ctx.store.people.setPinHash(person.id, hash, actorOf(request));
      return { ok: true as const };
    },
  );

  app.delete<{ Params: z.infer<typeof idParams> }>('/people/:id/pin', { schema: { params: idParams, response: { 200: okReply } } }, async (request, reply) => {
    if (!ctx.store.people.setPinHash(request.params.id, null, actorOf(request))) return reply.code(404).send(apiError('not-found', `no person ${request.params.id}`));
    return { ok: true as const };
  });

  app.delete<{ Params: z.infer<typeof idParams> }>('/people/:id', { schema: { params: idParams, response: { 200: okReply } } }, async (request, reply) => {
    if (ctx.store.people.get(request.params.id) === null) return reply.code(404).send(apiError('not-found', `no person ${request.params.id}`));
    // Through the port, so the pipeline drops the person from its live gallery too.
    await ctx.kiosk.enrollment.remove(request.params.id, actorOf(request));
    ctx.live.logChanged();
    return { ok: true as const };
  });
}
