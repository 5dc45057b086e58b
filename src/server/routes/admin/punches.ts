/** Attendance log, daily summary, corrections (void, manual punch) and the CSV export. */
import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import type { Punch } from '../../../store/types.ts';
import type { ServerContext } from '../../context.ts';
import { dailyDto, punchDto } from '../../dto.ts';
import { punchesCsv } from '../../export.ts';
import { apiError } from '../../http-errors.ts';
import { actorOf } from '../../plugins/admin-auth.ts';
import { exportAuditEntry } from '../../export-audit.ts';
import { dayRange, localDateTimeToEpoch } from '../../time.ts';
import { addedReply, createdReply, dailyReply, exportQuery, idParams, manualPunchBody, okReply, punchPageReply, punchesQuery, rangeQuery, voidBody } from '../schemas.ts';
import { pageWindow } from './paging.ts';
import { sendPrivateJpeg } from '../../private-jpeg.ts';

export async function punchRoutes(app: FastifyInstance, opts: { ctx: ServerContext }): Promise<void> {
  const { ctx } = opts;
  const o = ctx.options;
  const range = (q: { from: string; to: string }): { from: number; to: number } => dayRange(q.from, q.to, o.timeZone, o.maxRangeDays);

  app.get<{ Querystring: z.infer<typeof punchesQuery> }>(
    '/punches',
    { schema: { querystring: punchesQuery, response: { 200: punchPageReply } } },
    async (request) => {
      const q = request.query;
      const w = pageWindow(q.page, q.pageSize, o);
      const r = ctx.store.attendance.list({ ...range(q), personId: q.personId, limit: w.pageSize, offset: w.offset, includeVoided: q.includeVoided ?? true });
      return { items: r.items.map(punchDto), total: r.total, page: w.page, pageSize: w.pageSize };
    },
  );

  app.post<{ Body: z.infer<typeof manualPunchBody> }>(
    '/punches',
    { schema: { body: manualPunchBody, response: { 201: createdReply } } },
    async (request, reply) => {
      const b = request.body;
      if (ctx.store.people.get(b.personId) === null) return reply.code(404).send(apiError('not-found', `no person ${b.personId}`));
      const ts = localDateTimeToEpoch(b.at, o.timeZone);
      const { punchId } = ctx.store.attendance.addManual(b.personId, ts, actorOf(request), b.reason);
      ctx.live.logChanged();
      return reply.code(201).send({ ok: true as const, id: punchId });
    },
  );

  app.post<{ Params: z.infer<typeof idParams>; Body: z.infer<typeof voidBody> }>(
    '/punches/:id/void',
    { schema: { params: idParams, body: voidBody, response: { 200: okReply } } },
    async (request, reply) => {
      const r = ctx.store.attendance.void(request.params.id, request.body.reason, actorOf(request));
      if (!r.voided && r.reason === 'not-found') return reply.code(404).send(apiError('not-found', `no punch ${request.params.id}`));
      if (!r.voided) return reply.code(409).send(apiError('already-voided', `punch ${request.params.id} is already voided`));
      ctx.live.logChanged();
      return { ok: true as const };
    },
  );

  // Evidence photos: the aligned face crop behind a punch or sighting, decrypted for this admin only.
  app.get<{ Params: z.infer<typeof idParams> }>('/punches/:id/photo', { schema: { params: idParams } }, async (request, reply) => {
    const jpeg = ctx.store.people.evidence.get({ kind: 'punch', id: request.params.id });
    if (jpeg === null) return reply.code(404).send(apiError('not-found', `punch ${request.params.id} has no photo`));
    return sendPrivateJpeg(reply, jpeg);
  });

  app.get<{ Params: z.infer<typeof idParams> }>('/sightings/:id/photo', { schema: { params: idParams } }, async (request, reply) => {
    const jpeg = ctx.store.people.evidence.get({ kind: 'sighting', id: request.params.id });
    if (jpeg === null) return reply.code(404).send(apiError('not-found', `sighting ${request.params.id} has no photo`));
    return sendPrivateJpeg(reply, jpeg);
  });

  // "Add this photo to the person's samples": from a correct (live) punch of an active person; audited.
  app.post<{ Params: z.infer<typeof idParams> }>(
    '/punches/:id/add-to-samples',
    { schema: { params: idParams, response: { 200: addedReply } } },
    async (request, reply) => {
      const punch = ctx.store.attendance.get(request.params.id);
      if (punch === null) return reply.code(404).send(apiError('not-found', `no punch ${request.params.id}`));
      if (punch.voidedAt !== null) return reply.code(409).send(apiError('voided', 'a voided punch may show someone else: its photo is not added'));
      if (ctx.store.people.get(punch.personId)?.active !== true) return reply.code(409).send(apiError('not-active', `${punch.personName} was removed`));
      const jpeg = ctx.store.people.evidence.get({ kind: 'punch', id: punch.id });
      if (jpeg === null) return reply.code(404).send(apiError('not-found', `punch ${punch.id} has no photo`));
      const actor = actorOf(request);
      const r = await ctx.kiosk.evidence.addSample(punch.personId, jpeg, `punch:${punch.id}`, actor);
      ctx.store.audit.write({ ts: ctx.clock(), actor, action: 'punch.photo.add-to-samples', target: `punch:${punch.id}`, details: { personId: punch.personId, added: r.added } });
      return { ok: true as const, added: r.added };
    },
  );

  app.get<{ Querystring: z.infer<typeof rangeQuery> }>('/daily', { schema: { querystring: rangeQuery, response: { 200: dailyReply } } }, async (request) => {
    const q = request.query;
    return { items: ctx.store.attendance.daily({ ...range(q), personId: q.personId, timeZone: o.timeZone }).map(dailyDto) };
  });

  app.get<{ Querystring: z.infer<typeof exportQuery> }>('/export.csv', { schema: { querystring: exportQuery } }, async (request, reply) => {
    const q = request.query;
    const bounds = range(q);
    const filter = { ...bounds, personId: q.personId, includeVoided: q.includeVoided ?? true };
    const rows = ctx.store.attendance.list({ ...filter, limit: 1 }).total;
    if (rows > o.exportMaxRows) {
      return reply.code(400).send(apiError('too-many-rows', `the range holds ${rows} punches, more than ${o.exportMaxRows}; choose a shorter range`));
    }
    const punches: Punch[] = [];
    // The store caps one page; walk pages until the total is read.
    for (let offset = 0; ; ) {
      const r = ctx.store.attendance.list({ ...filter, limit: o.pageSizeMax, offset });
      punches.push(...r.items);
      offset += r.items.length;
      if (r.items.length === 0 || offset >= r.total) break;
    }
    // Oldest first reads naturally in a spreadsheet.
    punches.sort((a, b) => a.ts - b.ts || a.id - b.id);
    const codes = new Map(ctx.store.people.list({ includeInactive: true }).map((p) => [p.id, p.employeeCode] as const));
    // An export takes names and times off the kiosk: audited before anything is sent.
    ctx.store.audit.write({ ts: ctx.clock(), actor: actorOf(request), ...exportAuditEntry('attendance', q, punches.length, 'csv') });
    const filename = `attendance-${q.from}-to-${q.to}.csv`;
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${filename}"`)
      .header('cache-control', 'no-store')
      .send(punchesCsv(punches, codes, o.timeZone, q.lang));
  });
}
