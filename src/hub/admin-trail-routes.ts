/**
 * The hub admin page's trails, inside the authenticated /api/admin scope (admin-routes.ts):
 *   /admins, /password             the hub's admin accounts (admin-accounts-routes.ts)
 *   GET /audit                     the hub's audit trail: its own admin actions and every kiosk's
 *   GET /sightings                 strangers and spoof attempts from every kiosk
 *   GET /evidence/:owner/:id       the photo behind a punch or a sighting, opened with the site key;
 *                                  one route for both owners, never cached
 * Lists are newest first and paged, with the kiosk/site filters of the log (kioskId, site; hub=true:
 * only the hub's own audit entries).
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { errorMessage } from '../errors.ts';
import { SecretHasher } from '../server/auth/password.ts';
import { day } from '../server/fields.ts';
import { apiError } from '../server/http-errors.ts';
import { pageWindow } from '../server/routes/admin/paging.ts';
import { flag, page, pageSize } from '../server/routes/schemas.ts';
import { defaultServerOptions } from '../server/options.ts';
import { dayRange } from '../server/time.ts';
import type { DescriptorCipher } from '../store/crypto.ts';
import type { HubAuditDto, HubSightingDto, HubTrailPageDto } from './admin-dto.ts';
import { hubAccountRoutes } from './admin-accounts-routes.ts';
import { kioskIdField, siteField } from './admin-fields.ts';
import type { HubAdminsRepo } from './admins-repo.ts';
import type { Pool } from './db.ts';
import type { HubOptions } from './options.ts';
import { TrailRepo, type TrailFilter } from './trail-repo.ts';
import { sendPrivateJpeg } from '../server/private-jpeg.ts';

const scope = { from: day, to: day, kioskId: kioskIdField.optional(), site: siteField.optional(), page, pageSize };
export const hubAuditQuery = z.object({ ...scope, hub: flag }).strict();
export const hubSightingsQuery = z.object({ ...scope, kind: z.enum(['unknown', 'spoof']).optional() }).strict();
const evidenceParams = z.object({ owner: z.enum(['punch', 'sighting']), id: z.string().uuid({ message: 'not a record id' }) }).strict();

const trailPage = <T extends z.ZodTypeAny>(item: T): z.ZodObject<{ items: z.ZodArray<T>; page: z.ZodNumber; pageSize: z.ZodNumber; hasMore: z.ZodBoolean }> =>
  z.object({ items: z.array(item), page: z.number(), pageSize: z.number(), hasMore: z.boolean() });
const auditReply = trailPage(z.object({
  id: z.string(), kioskId: z.string().nullable(), site: z.string().nullable(), ts: z.number(), actor: z.string(), action: z.string(), target: z.string(), details: z.string(),
}) satisfies z.ZodType<HubAuditDto>) satisfies z.ZodType<HubTrailPageDto<HubAuditDto>>;
const sightingsReply = trailPage(z.object({
  id: z.string(), kind: z.string(), ts: z.number(), count: z.number(), kioskId: z.string(), site: z.string(), hasPhoto: z.boolean(),
}) satisfies z.ZodType<HubSightingDto>) satisfies z.ZodType<HubTrailPageDto<HubSightingDto>>;

export interface HubTrailDeps {
  pool: Pool;
  admins: HubAdminsRepo;
  siteKey: DescriptorCipher;
  options: HubOptions;
  clock: () => number;
}

export async function hubAdminTrailRoutes(app: FastifyInstance, deps: HubTrailDeps): Promise<void> {
  const o = deps.options;
  const trail = new TrailRepo(deps.pool, deps.siteKey);
  await app.register(hubAccountRoutes, { admins: deps.admins, hasher: new SecretHasher(o.scryptLogN), options: o, clock: deps.clock });

  /** The filter and the page window of a list query; one row more than the page tells whether another follows. */
  const window = (q: z.infer<typeof hubAuditQuery> | z.infer<typeof hubSightingsQuery>): { filter: TrailFilter; page: number; pageSize: number; limit: number; offset: number } => {
    const w = pageWindow(q.page, q.pageSize, defaultServerOptions);
    const filter = { ...dayRange(q.from, q.to, o.timeZone, defaultServerOptions.maxRangeDays), kioskId: q.kioskId, site: q.site };
    return { filter, page: w.page, pageSize: w.pageSize, limit: w.pageSize + 1, offset: w.offset };
  };
  const paged = <T>(w: { page: number; pageSize: number }, rows: T[]): HubTrailPageDto<T> => ({ items: rows.slice(0, w.pageSize), page: w.page, pageSize: w.pageSize, hasMore: rows.length > w.pageSize });

  app.get<{ Querystring: z.infer<typeof hubAuditQuery> }>('/audit', { schema: { querystring: hubAuditQuery, response: { 200: auditReply } } }, async (request) => {
    const w = window(request.query);
    return paged(w, await trail.audit({ ...w.filter, hubOnly: request.query.hub }, w));
  });

  app.get<{ Querystring: z.infer<typeof hubSightingsQuery> }>('/sightings', { schema: { querystring: hubSightingsQuery, response: { 200: sightingsReply } } }, async (request) => {
    const w = window(request.query);
    return paged(w, await trail.sightings({ ...w.filter, kind: request.query.kind }, w));
  });

  app.get<{ Params: z.infer<typeof evidenceParams> }>('/evidence/:owner/:id', { schema: { params: evidenceParams } }, async (request, reply) => {
    const { owner, id } = request.params;
    let jpeg: Buffer | null;
    try {
      jpeg = await trail.photo(owner, id);
    } catch (err) {
      request.log.warn({ owner, id, err: errorMessage(err) }, 'evidence photo cannot be opened');
      return reply.code(500).send(apiError('evidence-unreadable', 'this photo cannot be opened with the hub\'s site key (hub.siteKeyFile must be the same on every hub process)'));
    }
    if (jpeg === null) return reply.code(404).send(apiError('not-found', `${owner} ${id} has no photo`));
    return sendPrivateJpeg(reply, jpeg);
  });
}
