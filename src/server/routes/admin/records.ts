/** Read-only records: unknown/spoof sightings and the audit trail. */
import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import type { ServerContext } from '../../context.ts';
import { auditDto, sightingDto } from '../../dto.ts';
import { dayRange } from '../../time.ts';
import { auditQuery, auditReply, sightingsQuery, sightingsReply } from '../schemas.ts';
import { pageWindow } from './paging.ts';

export async function recordRoutes(app: FastifyInstance, opts: { ctx: ServerContext }): Promise<void> {
  const { ctx } = opts;
  const o = ctx.options;

  app.get<{ Querystring: z.infer<typeof sightingsQuery> }>(
    '/sightings',
    { schema: { querystring: sightingsQuery, response: { 200: sightingsReply } } },
    async (request) => {
      const q = request.query;
      const w = pageWindow(q.page, q.pageSize, o);
      // One extra row tells whether a next page exists without counting.
      const rows = ctx.store.attendance.listSightings({ ...dayRange(q.from, q.to, o.timeZone, o.maxRangeDays), kind: q.kind, limit: w.pageSize + 1, offset: w.offset });
      return { items: rows.slice(0, w.pageSize).map(sightingDto), page: w.page, pageSize: w.pageSize, hasMore: rows.length > w.pageSize };
    },
  );

  app.get<{ Querystring: z.infer<typeof auditQuery> }>('/audit', { schema: { querystring: auditQuery, response: { 200: auditReply } } }, async (request) => {
    const q = request.query;
    const w = pageWindow(q.page, q.pageSize, o);
    const rows = ctx.store.audit.list({ ...dayRange(q.from, q.to, o.timeZone, o.maxRangeDays), limit: w.pageSize + 1, offset: w.offset });
    return { items: rows.slice(0, w.pageSize).map((a) => auditDto(a)), page: w.page, pageSize: w.pageSize, hasMore: rows.length > w.pageSize };
  });
}
