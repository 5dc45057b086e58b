/**
 * The hub's admin pages and their API: one log of every kiosk's punches. By Fastify encapsulation,
 * inside `hubAdminRoutes` every request must name this hub in Host and Origin (as on the kiosk), and
 *   /api/auth/state, /api/auth/login   public (login backs off per user and address, kiosk code)
 *   /api/admin/*                       session cookie required: logout, settings, kiosks, punches, export.csv;
 *                                      kiosks, people and shifts management (admin-fleet-routes.ts);
 *                                      timesheet, daily summary, board and presence (admin-timesheet-routes.ts);
 *                                      accounts, audit, sightings, evidence photos (admin-trail-routes.ts);
 *                                      punch corrections sent down to their kiosk (admin-punch-routes.ts)
 *   /admin, /assets/*                  the built hub admin page (only when the hub has a UI folder)
 * The sync API (/api/sync/*) stays outside: kiosks are not browsers and carry their own credential.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { checkAll, Backoff } from '../server/auth/backoff.ts';
import { clearedSessionCookie, readCookie, sessionCookie, SESSION_COOKIE } from '../server/auth/cookie.ts';
import { SecretHasher } from '../server/auth/password.ts';
import type { SessionTimes } from '../server/auth/sessions.ts';
import { day } from '../server/fields.ts';
import { HostGuard } from '../server/host-check.ts';
import { apiError } from '../server/http-errors.ts';
import { tooMany } from '../server/routes/auth.ts';
import { flag, loggedInReply, loginBody, okReply, page, pageSize } from '../server/routes/schemas.ts';
import { uiRoutes } from '../server/routes/ui.ts';
import { defaultServerOptions } from '../server/options.ts';
import { dayRange } from '../server/time.ts';
import { actorOf, hubAdminOf, scopeFields, scopeLabel } from './admin-fields.ts';
import { exportAuditEntry } from '../server/export-audit.ts';
import type { DescriptorCipher } from '../store/crypto.ts';
import { hubFleetRoutes } from './admin-fleet-routes.ts';
import { hubAdminTrailRoutes } from './admin-trail-routes.ts';
import { hubPunchRoutes } from './admin-punch-routes.ts';
import type { HubAdminStateDto, HubKioskDto, HubPunchDto, HubPunchPageDto, HubSettingsDto } from './admin-dto.ts';
import { HubAdminsRepo, type HubAdminIdentity } from './admins-repo.ts';
import type { Pool } from './db.ts';
import { hubTimesheetRoutes } from './admin-timesheet-routes.ts';
import { hubPunchesCsv } from './export.ts';
import { hubAudit, KiosksRepo } from './kiosks-repo.ts';
import type { HubOptions } from './options.ts';
import { PunchLog, type PunchLogFilter } from './punch-log.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the hub admin hook; null elsewhere. */
    hubAdmin: HubAdminIdentity | null;
  }
}

// Paging and range limits are the kiosk admin's.
const LIMITS = { pageSizeDefault: defaultServerOptions.pageSizeDefault, pageSizeMax: defaultServerOptions.pageSizeMax, maxRangeDays: defaultServerOptions.maxRangeDays, exportMaxRows: defaultServerOptions.exportMaxRows };

const logFilter = { from: day, to: day, ...scopeFields, includeVoided: flag };
export const hubPunchesQuery = z.object({ ...logFilter, page, pageSize }).strict();
export const hubExportQuery = z.object({ ...logFilter, lang: z.enum(['vi', 'en']).default('vi') }).strict();

const hubPunchReply = z.object({
  id: z.string(),
  kioskId: z.string(),
  site: z.string(),
  personName: z.string(),
  employeeCode: z.string().nullable(),
  ts: z.number(),
  correctedTs: z.number().nullable(),
  receivedAt: z.number(),
  clockTrust: z.enum(['confirmed', 'skewed', 'unconfirmed']),
  similarity: z.number().nullable(),
  manual: z.boolean(),
  voidedAt: z.number().nullable(),
  voidReason: z.string().nullable(),
  manualReason: z.string().nullable(),
  hasPhoto: z.boolean(),
}) satisfies z.ZodType<HubPunchDto>;
const hubPunchPageReply = z.object({ items: z.array(hubPunchReply), total: z.number(), page: z.number(), pageSize: z.number() }) satisfies z.ZodType<HubPunchPageDto>;
const hubKiosksReply = z.object({
  items: z.array(z.object({ id: z.string(), name: z.string(), site: z.string(), revoked: z.boolean(), clockSkewed: z.boolean() }) satisfies z.ZodType<HubKioskDto>),
});
const hubStateReply = z.object({ authenticated: z.boolean(), username: z.string().nullable() }) satisfies z.ZodType<HubAdminStateDto>;
const hubSettingsReply = z.object({ timeZone: z.string(), language: z.enum(['vi', 'en']) }) satisfies z.ZodType<HubSettingsDto>;

export interface HubAdminDeps {
  pool: Pool;
  options: HubOptions;
  clock: () => number;
  /** Built UI folder (kiosk-ui/dist); without it only the API is served. */
  uiDir?: string | undefined;
  /** The hub serves HTTPS itself: the cookie is Secure. */
  tls: boolean;
  /** The site key: the People tab's face thumbnails are site-sealed. */
  siteKey: DescriptorCipher;
}

type Filter = z.infer<typeof hubPunchesQuery> | z.infer<typeof hubExportQuery>;

export async function hubAdminRoutes(app: FastifyInstance, deps: HubAdminDeps): Promise<void> {
  const o = deps.options;
  const admins = new HubAdminsRepo(deps.pool, deps.clock);
  const log = new PunchLog(deps.pool);
  const kiosks = new KiosksRepo(deps.pool, deps.clock);
  const hasher = new SecretHasher(o.scryptLogN);
  const hosts = new HostGuard(o.host, o.allowedHosts);
  const times: SessionTimes = { idleMs: o.adminSessionIdleMs, maxMs: o.adminSessionMaxMs };
  const cookieSecure = o.cookieSecure || deps.tls;
  const login = new Backoff(o.loginBackoff, deps.clock);
  // One address may try several names, so it gets a few more free tries than one name does.
  const loginAddress = new Backoff({ ...o.loginBackoff, freeFailures: o.loginBackoff.freeFailures * 2 }, deps.clock);
  let dummyHash: Promise<string> | null = null;
  const dummy = (): Promise<string> => (dummyHash ??= hasher.hash('not a password'));

  app.decorateRequest('hubAdmin', null);
  // A request that does not name this hub (DNS rebinding, another site's page) gets nothing.
  app.addHook('onRequest', async (request, reply) => {
    if (!hosts.allowsHost(request.headers.host)) {
      request.log.warn({ host: request.headers.host, client: request.ip }, 'admin request for another host refused');
      return reply.code(421).send(apiError('bad-host', 'this hub does not answer to that host name (see hub.allowedHosts)'));
    }
    if (!hosts.allowsOrigin(request.headers.origin)) {
      request.log.warn({ origin: request.headers.origin, client: request.ip }, 'cross-origin admin request refused');
      return reply.code(403).send(apiError('bad-origin', 'requests from other sites are refused'));
    }
  });
  app.addHook('onSend', async (_request, reply) => {
    reply.header('referrer-policy', 'no-referrer');
    reply.header('x-frame-options', 'DENY');
  });

  const filterOf = (q: Filter): PunchLogFilter => ({ ...dayRange(q.from, q.to, o.timeZone, LIMITS.maxRangeDays), kioskId: q.kioskId, site: q.site, includeVoided: q.includeVoided ?? true });

  app.register(async (auth) => {
    auth.get('/state', { schema: { response: { 200: hubStateReply } } }, async (request) => {
      const token = readCookie(request.headers.cookie, SESSION_COOKIE);
      const who = token === null ? null : await admins.validateSession(token, times, false);
      return { authenticated: who !== null, username: who?.username ?? null };
    });

    auth.post<{ Body: z.infer<typeof loginBody> }>('/login', { schema: { body: loginBody, response: { 200: loggedInReply } } }, async (request, reply) => {
      const client = request.ip;
      const userKey = `${request.body.username.toLowerCase()}\u0000${client}`;
      const check = checkAll([login.check(userKey), loginAddress.check(client)]);
      if (!check.allowed) return tooMany(reply, check, 'too many failed logins from this address; wait and try again');
      // Counted before verifying and forgiven on success, so parallel guesses cannot exceed the limit.
      login.fail(userKey);
      loginAddress.fail(client);
      const found = await admins.findCredentials(request.body.username);
      const r = await hasher.verify(request.body.password, found?.passwordHash ?? (await dummy()));
      if (found === null || !r.ok || found.disabled) {
        request.log.warn({ client, username: request.body.username }, 'failed hub admin login');
        return reply.code(401).send(apiError('bad-credentials', 'wrong user name or password'));
      }
      login.reset(userKey);
      loginAddress.reset(client);
      if (r.rehash) await admins.setPasswordHash(found.id, await hasher.hash(request.body.password));
      await admins.recordLogin(found.id, found.username, client);
      const { token, maxAgeMs } = await admins.createSession(found.id, times);
      reply.header('set-cookie', sessionCookie(token, maxAgeMs, cookieSecure));
      return { ok: true as const, username: found.username };
    });
  }, { prefix: '/api/auth' });

  app.register(async (admin) => {
    admin.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
      const token = readCookie(request.headers.cookie, SESSION_COOKIE);
      const who = token === null ? null : await admins.validateSession(token, times, true);
      if (who === null) return reply.code(401).send(apiError('unauthorized', 'log in first (or the session expired)'));
      request.hubAdmin = who;
    });

    admin.post('/logout', { schema: { response: { 200: okReply } } }, async (request, reply) => {
      const who = hubAdminOf(request);
      await admins.deleteSession(who.sessionId);
      await admins.recordLogout(who.username);
      reply.header('set-cookie', clearedSessionCookie(cookieSecure));
      return { ok: true as const };
    });

    await admin.register(hubFleetRoutes, { pool: deps.pool, siteKey: deps.siteKey, options: o, clock: deps.clock });
    await admin.register(hubAdminTrailRoutes, { pool: deps.pool, admins, siteKey: deps.siteKey, options: o, clock: deps.clock });
    await admin.register(hubTimesheetRoutes, { pool: deps.pool, options: o, clock: deps.clock });
    await admin.register(hubPunchRoutes, { pool: deps.pool, clock: deps.clock, timeZone: o.timeZone });

    admin.get('/settings', { schema: { response: { 200: hubSettingsReply } } }, async () => ({ timeZone: o.timeZone, language: o.language }));

    admin.get('/kiosks', { schema: { response: { 200: hubKiosksReply } } }, async () => ({
      items: (await kiosks.list()).map((k) => ({ id: k.id, name: k.name, site: k.site, revoked: k.revokedAt !== null, clockSkewed: k.clockSkewed })),
    }));

    admin.get<{ Querystring: z.infer<typeof hubPunchesQuery> }>('/punches', { schema: { querystring: hubPunchesQuery, response: { 200: hubPunchPageReply } } }, async (request) => {
      const q = request.query;
      const size = Math.min(q.pageSize ?? LIMITS.pageSizeDefault, LIMITS.pageSizeMax);
      const r = await log.list(filterOf(q), { limit: size, offset: (q.page - 1) * size });
      return { items: r.items, total: r.total, page: q.page, pageSize: size };
    });

    admin.get<{ Querystring: z.infer<typeof hubExportQuery> }>('/export.csv', { schema: { querystring: hubExportQuery } }, async (request, reply) => {
      const q = request.query;
      const filter = filterOf(q);
      const rows = await log.count(filter);
      if (rows > LIMITS.exportMaxRows) {
        return reply.code(400).send(apiError('too-many-rows', `the range holds ${rows} punches, more than ${LIMITS.exportMaxRows}; choose a shorter range`));
      }
      const punches: HubPunchDto[] = [];
      for (let offset = 0; offset < rows; ) {
        const r = await log.list(filter, { limit: LIMITS.pageSizeMax, offset }, 'oldest');
        if (r.items.length === 0) break;
        punches.push(...r.items);
        offset += r.items.length;
      }
      const e = exportAuditEntry('attendance', { ...q, scope: scopeLabel(q) }, punches.length, 'csv');
      await hubAudit(deps.pool, deps.clock(), actorOf(request), e.action, e.target, e.details);
      // The kiosk id is a safe file-name part; a site name is free text, so it stays out of the header.
      const scope = q.kioskId ?? 'all';
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="attendance-${scope}-${q.from}-to-${q.to}.csv"`)
        .header('cache-control', 'no-store')
        .send(hubPunchesCsv(punches, o.timeZone, q.lang));
    });
  }, { prefix: '/api/admin' });

  if (deps.uiDir !== undefined) await app.register(uiRoutes, { dir: deps.uiDir, pages: { '/admin': 'hub-admin.html' } });
}
