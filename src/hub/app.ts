/**
 * `buildHubApp(deps)`: the hub's HTTP API, built but not listening (tests use inject(); hub/serve.ts
 * listens). It shares the kiosk server's zod compilers, error table and TLS handling. Contexts:
 *   /healthz, /metrics          public probes (no personal data: kiosk ids, counts, lags)
 *   POST /api/sync/pair         public, rate-limited per address: pairing code → kiosk credential
 *   /api/sync/*                 kiosk credential required (checked against PostgreSQL per request)
 *   /api/auth/*, /api/admin/*, /admin   the admin pages: the log and reports of every kiosk (admin-routes.ts)
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { createFastify } from '../server/fastify.ts';
import { Gauge, Registry } from 'prom-client';
import { KioskError, errorMessage } from '../errors.ts';
import { silentLogger, type Logger } from '../log.ts';
import { Backoff } from '../server/auth/backoff.ts';
import { apiError, installErrorHandlers } from '../server/http-errors.ts';
import { installZodCompilers } from '../server/zod-compiler.ts';
import type { DescriptorCipher } from '../store/crypto.ts';
import { dbUnavailable, hubSchemaVersion, type Pool } from './db.ts';
import { GalleryRepo } from './gallery-repo.ts';
import { Ingest } from './ingest.ts';
import { KiosksRepo } from './kiosks-repo.ts';
import { hubAdminRoutes } from './admin-routes.ts';
import { hubOptionsSchema, type HubOptions } from './options.ts';
import { galleryQuery, galleryReply, hubError, pairReply, pairRequest, pushReply, pushRequest } from './protocol.ts';
import type { z } from 'zod';

export interface HubAppDeps {
  pool: Pool;
  /** The site key (hub.siteKeyFile): handed to kiosks at pairing, used to re-seal merged samples. */
  siteKey: DescriptorCipher;
  siteKeyBytes: Buffer;
  config?: z.input<typeof hubOptionsSchema>;
  logger?: Logger;
  clock?: () => number;
  tls?: { key: string; cert: string };
  /** Built UI folder (kiosk-ui/dist): the hub serves its admin page from it; without it, the admin API only. */
  uiDir?: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    kioskId: string | null;
  }
}

/** Errors that mean PostgreSQL is out of reach (connection refused, reset, shut down, timed out), not a bad query. */
export function isConnectionError(err: unknown): boolean {
  const code = String((err as { code?: unknown }).code ?? '');
  const msg = errorMessage(err);
  return /^(ECONNREFUSED|ECONNRESET|ENOTFOUND|ETIMEDOUT|EPIPE|EHOSTUNREACH|57P0[1-3]|08\d\d\d|53300)$/u.test(code) ||
    /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Query read timeout/u.test(msg);
}

export function buildHubApp(deps: HubAppDeps): FastifyInstance {
  const options: HubOptions = hubOptionsSchema.parse(deps.config ?? {});
  const logger = (deps.logger ?? silentLogger).child({ stage: 'hub' });
  const clock = deps.clock ?? Date.now;
  const app = createFastify({ logger, bodyLimit: options.bodyLimitBytes, tls: deps.tls });
  installZodCompilers(app);
  installErrorHandlers(app);
  app.decorateRequest('kioskId', null);
  app.addHook('onSend', async (_request, reply) => {
    reply.header('cache-control', 'no-store');
    reply.header('x-content-type-options', 'nosniff');
    if (deps.tls !== undefined) reply.header('strict-transport-security', 'max-age=31536000');
  });
  // PostgreSQL out of reach is a 503 (kiosks back off and retry), never a 500 with a stack.
  app.addHook('onError', async (_request, _reply, err) => {
    if (isConnectionError(err)) throw dbUnavailable(options.postgresUrl, err);
  });
  const db = <T>(p: Promise<T>): Promise<T> => p.catch((err: unknown) => {
    throw isConnectionError(err) ? dbUnavailable(options.postgresUrl, err) : err;
  });

  const kiosks = new KiosksRepo(deps.pool, clock);
  const gallery = new GalleryRepo(deps.pool, deps.siteKey, clock);
  const ingest = new Ingest(deps.pool, deps.siteKey, { maxSkewMs: options.clockSkewSeconds * 1000 }, clock);
  const pairLimiter = new Backoff({ freeFailures: 5, baseMs: 30_000, maxMs: 30 * 60_000, maxKeys: 10_000 }, clock);

  app.get('/healthz', async (_req, reply) => {
    try {
      const version = await hubSchemaVersion(deps.pool);
      return reply.send({ ok: true, db: { reachable: true, schemaVersion: version } });
    } catch (err) {
      logger.warn({ err: errorMessage(err) }, 'health: PostgreSQL unreachable');
      return reply.code(503).send({ ok: false, db: { reachable: false, schemaVersion: null } });
    }
  });

  app.get('/metrics', async (_req, reply) => {
    const registry = await db(metricsRegistry(kiosks, gallery, clock));
    return reply.type(registry.contentType).send(await registry.metrics());
  });

  app.post('/api/sync/pair', { schema: { body: pairRequest, response: { 200: pairReply, 401: hubError, 429: hubError } } }, async (request, reply) => {
    const body = request.body as z.infer<typeof pairRequest>;
    const gate = pairLimiter.check(request.ip);
    if (!gate.allowed) return reply.code(429).header('retry-after', String(Math.ceil(gate.retryAfterMs / 1000))).send(apiError('too-many', 'too many wrong pairing codes; wait before trying again'));
    const paired = await db(kiosks.pair(body.code));
    if (paired === null) {
      pairLimiter.fail(request.ip);
      return reply.code(401).send(apiError('bad-code', 'unknown, used or expired pairing code; make a new one on the hub (`kiosk hub pair-code <kiosk>`)'));
    }
    pairLimiter.reset(request.ip);
    logger.info({ kioskId: paired.kioskId, site: paired.site }, 'kiosk paired');
    return reply.send({ kioskId: paired.kioskId, site: paired.site, credential: paired.credential, siteKey: deps.siteKeyBytes.toString('base64'), hubTime: clock() });
  });

  app.register(async (sync) => {
    sync.addHook('preHandler', async (request: FastifyRequest, reply) => {
      const auth = await db(kiosks.authenticate(request.headers.authorization));
      if (!auth.ok) {
        request.log.warn({ reason: auth.reason, client: request.ip }, 'sync request refused');
        const message = auth.reason === 'revoked' ? 'this kiosk was revoked on the hub; pair it again with a new code' : 'unknown kiosk or wrong credential; pair the kiosk again';
        return reply.code(auth.reason === 'revoked' ? 403 : 401).send(apiError(auth.reason, message));
      }
      request.kioskId = auth.kioskId;
    });
    sync.post('/push', { schema: { body: pushRequest, response: { 200: pushReply } } }, async (request, reply) => {
      const body = request.body as z.infer<typeof pushRequest>;
      if (body.records.length > options.pushMaxRecords) {
        throw new KioskError('USAGE', `a push may carry at most ${options.pushMaxRecords} records (got ${body.records.length})`, { hint: 'lower sync.batchSize on the kiosk' });
      }
      const kioskId = request.kioskId as string;
      const result = await db(ingest.push(kioskId, body));
      if (result.fresh > 0) request.log.debug({ kioskId, fresh: result.fresh, acked: result.acked.length }, 'push stored');
      return reply.send({ acked: result.acked, hubTime: clock(), clock: result.clock, galleryRev: await db(gallery.latestRev()) });
    });
    sync.get('/gallery', { schema: { querystring: galleryQuery, response: { 200: galleryReply } } }, async (request, reply) => {
      const q = request.query as z.infer<typeof galleryQuery>;
      return reply.send(await db(gallery.changesSince(q.since, Math.min(q.limit, options.pullMaxPeople), request.kioskId as string)));
    });
  }, { prefix: '/api/sync' });

  app.register(hubAdminRoutes, { pool: deps.pool, options, clock, uiDir: deps.uiDir, tls: deps.tls !== undefined, siteKey: deps.siteKey });

  app.addHook('onClose', async () => {
    await deps.pool.end().catch(() => undefined);
  });
  return app;
}

/** Per-kiosk gauges read from PostgreSQL at scrape time: any hub process reports the same figures. */
async function metricsRegistry(kiosks: KiosksRepo, gallery: GalleryRepo, clock: () => number): Promise<Registry> {
  const list = await kiosks.list();
  const rev = await gallery.latestRev();
  const registry = new Registry();
  const labels = ['kiosk', 'site'] as const;
  const gauge = (name: string, help: string): Gauge<(typeof labels)[number]> => new Gauge({ name, help, labelNames: labels, registers: [registry] });
  const seen = gauge('hub_kiosk_last_seen_seconds', 'Seconds since the kiosk last pushed (absent: never)');
  const depth = gauge('hub_kiosk_outbox_depth', 'Records waiting in the kiosk\'s outbox, as it last reported');
  const lag = gauge('hub_kiosk_lag_seconds', 'Age of the oldest record still in the kiosk\'s outbox at its last push (kiosk clock)');
  const offset = gauge('hub_kiosk_clock_offset_seconds', 'Kiosk clock minus hub clock at the last push');
  const skewed = gauge('hub_kiosk_clock_skewed', '1 when the kiosk clock is off by more than hub.clockSkewSeconds');
  const revoked = gauge('hub_kiosk_revoked', '1 for a revoked kiosk');
  const now = clock();
  for (const k of list) {
    const l = { kiosk: k.id, site: k.site };
    if (k.lastSeenAt !== null) seen.set(l, (now - k.lastSeenAt) / 1000);
    depth.set(l, k.outboxDepth);
    lag.set(l, k.lagMs / 1000);
    if (k.clockOffsetMs !== null) offset.set(l, k.clockOffsetMs / 1000);
    skewed.set(l, k.clockSkewed ? 1 : 0);
    revoked.set(l, k.revokedAt === null ? 0 : 1);
  }
  new Gauge({ name: 'hub_gallery_revision', help: 'Newest gallery revision', registers: [registry] }).set(rev);
  new Gauge({ name: 'hub_kiosks', help: 'Kiosks known to the hub', registers: [registry] }).set(list.length);
  return registry;
}
