/**
 * `buildApp(deps)`: the kiosk's HTTP server and socket.io, built but not listening (tests use
 * `app.inject()`; `listen.ts` starts it). Every request, HTTP or socket.io, must name this kiosk in
 * Host (and Origin, when a browser sends one). Contexts, by Fastify encapsulation:
 *   /api/auth/*   public: state, first-run setup (needs the code shown on the device), login (back-off per client)
 *   /api/admin/*  admin: every route behind the session hook registered in that child context
 *   /, /admin, /assets/*, /healthz   public: the built UI and a health probe
 * and socket.io namespaces /kiosk (screen: faces and names only to paired screens; menu needs the PIN)
 * and /admin (session required).
 */
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { createFastify } from './fastify.ts';
import type { CameraState } from './ports.ts';
import type { z } from 'zod';
import { silentLogger, type Logger } from '../log.ts';
import { AdminRepo } from '../store/admin-repo.ts';
import type { Store } from '../store/store.ts';
import { KioskPin } from './auth/kiosk-pin.ts';
import { Backoff } from './auth/backoff.ts';
import { PairingCodes, SetupCode } from './auth/one-time-code.ts';
import { SecretHasher } from './auth/password.ts';
import { SessionManager } from './auth/sessions.ts';
import { DisplayRepo } from '../store/display-repo.ts';
import { HostGuard } from './host-check.ts';
import type { LiveNotifier, ServerContext } from './context.ts';
import { installErrorHandlers } from './http-errors.ts';
import { serverOptionsSchema, type ServerOptions } from './options.ts';
import { requireAdmin } from './plugins/admin-auth.ts';
import { apiError } from './http-errors.ts';
import { adminAccountRoutes } from './routes/admin/admins.ts';
import type { HubLinkPort, KioskPort, SnapshotPort } from './ports.ts';
import { Realtime } from './realtime.ts';
import { peopleRoutes } from './routes/admin/people.ts';
import { punchRoutes } from './routes/admin/punches.ts';
import { recordRoutes } from './routes/admin/records.ts';
import { shiftRoutes } from './routes/admin/shifts.ts';
import { systemRoutes } from './routes/admin/system.ts';
import { hubLinkRoutes } from './routes/admin/hub-link.ts';
import { authRoutes } from './routes/auth.ts';
import { healthReply } from './routes/schemas.ts';
import { uiRoutes } from './routes/ui.ts';
import { SettingsService, type SettingsDeps } from './settings.ts';
import { installZodCompilers } from './zod-compiler.ts';

export interface AppDeps {
  store: Store;
  kiosk: KioskPort;
  /** The server's config slice; defaults fill what is missing. */
  config?: z.input<typeof serverOptionsSchema>;
  logger?: Logger;
  clock?: () => number;
  /** Configured recognition settings and a callback that applies admin changes live. */
  settings?: SettingsDeps;
  snapshots?: SnapshotPort;
  /** A joined kiosk's link to its hub (clock, outbox, last sync) for the admin pages; absent in single-kiosk mode. */
  hubLink?: HubLinkPort;
  /** Full health report for /healthz (loop, camera, backend, models, DB, disk); without it only the camera state is reported. */
  health?: () => Promise<HealthReport>;
  /** Prometheus exposition for /metrics. */
  metrics?: { contentType: string; render(): Promise<string> };
  /** Serve HTTPS with this key and certificate (see tls.ts); plain HTTP without. */
  tls?: { key: string; cert: string };
  /** The first-run setup code; without one a fresh in-memory code is made (read it from `app.setupCode`). */
  setupCode?: SetupCode;
}

export interface HealthReport {
  ok: boolean;
  camera: CameraState;
  loopAlive: boolean;
  fps: number;
  backend: string;
  descriptor: string;
  /** A heartbeat row was just written and committed (not merely a lock taken). */
  db: { writable: boolean; error: string | null };
  disk: { freeBytes: number; ok: boolean };
  /** Decisions reach the log; false from the first refused punch until the journal is replayed. */
  recording: { ok: boolean; since: number; pending: number; error: string | null };
  /**
   * A joined kiosk's hub link (absent in single-kiosk mode). `ok: false` is degraded, never failing: the
   * kiosk still records and its outbox keeps what the hub lacks, so it does not turn the report's `ok`.
   */
  hub?: HubHealth;
}

export interface HubHealth {
  /** The clock is synchronised with the hub and the last exchange succeeded. */
  ok: boolean;
  clock: 'synchronised' | 'skewed' | 'unconfirmed';
  /** Kiosk clock minus hub clock at the last exchange; null before one in this boot. */
  offsetMs: number | null;
  link: 'idle' | 'backing-off' | 'refused';
  outboxDepth: number;
  lastSuccessAt: number | null;
}

export interface RouteEntry {
  method: string;
  url: string;
}

declare module 'fastify' {
  interface FastifyInstance {
    realtime: Realtime;
    /** Every route as registered (method, full URL): lets tests walk the whole table. */
    routeTable: RouteEntry[];
    serverOptions: ServerOptions;
    /** The first-run setup code shown on the device (tests read it here; `kiosk serve` prints it). */
    setupCode: SetupCode;
    /** True when this server speaks HTTPS. */
    tls: boolean;
  }
}

export const defaultUiDir = fileURLToPath(new URL('../../kiosk-ui/dist', import.meta.url));

export function buildApp(deps: AppDeps): FastifyInstance {
  const options = serverOptionsSchema.parse(deps.config ?? {});
  const logger = (deps.logger ?? silentLogger).child({ stage: 'server' });
  const clock = deps.clock ?? Date.now;
  const app = createFastify({ logger, bodyLimit: options.bodyLimitBytes, tls: deps.tls });
  const hosts = new HostGuard(options.host, options.allowedHosts);
  const setupCode = deps.setupCode ?? SetupCode.inMemory();

  const routeTable: RouteEntry[] = [];
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) if (method !== 'HEAD') routeTable.push({ method, url: route.url });
  });
  app.decorate('routeTable', routeTable);
  app.decorate('serverOptions', options);
  app.decorate('setupCode', setupCode);
  app.decorate('tls', deps.tls !== undefined);
  // Before anything else: a request that does not name this kiosk (DNS rebinding, another site's page) gets nothing.
  app.addHook('onRequest', async (request, reply) => {
    if (!hosts.allowsHost(request.headers.host)) {
      request.log.warn({ host: request.headers.host, client: request.ip }, 'request for another host refused');
      return reply.code(421).header('cache-control', 'no-store').send(apiError('bad-host', 'this kiosk does not answer to that host name (see server.allowedHosts)'));
    }
    if (!hosts.allowsOrigin(request.headers.origin)) {
      request.log.warn({ origin: request.headers.origin, client: request.ip }, 'cross-origin request refused');
      return reply.code(403).header('cache-control', 'no-store').send(apiError('bad-origin', 'requests from other sites are refused'));
    }
  });
  app.decorateRequest('admin', null);
  installZodCompilers(app);
  installErrorHandlers(app);
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('x-frame-options', 'DENY');
    if (request.url.startsWith('/api/') && !reply.hasHeader('cache-control')) reply.header('cache-control', 'no-store');
    if (deps.tls !== undefined) reply.header('strict-transport-security', 'max-age=31536000');
  });
  app.addHook('onResponse', async (request, reply) => {
    request.log.debug({ method: request.method, url: request.url, status: reply.statusCode, ms: reply.elapsedTime }, 'request');
  });

  const admins = new AdminRepo(deps.store.db, { clock, logger });
  const hasher = new SecretHasher(options.scryptLogN);
  const live: LiveNotifier = { logChanged: () => undefined, sessionEnded: () => undefined, displayRemoved: () => undefined, setupDone: () => undefined };
  if (admins.count() > 0) setupCode.consume();
  const ctx: ServerContext = {
    store: deps.store,
    admins,
    displays: new DisplayRepo(deps.store.db, { clock, logger }),
    kiosk: deps.kiosk,
    snapshots: deps.snapshots ?? null,
    hubLink: deps.hubLink ?? null,
    options,
    logger,
    clock,
    sessions: new SessionManager(admins, { idleMs: options.adminSessionIdleMs, maxMs: options.adminSessionMaxMs }, clock, logger),
    hasher,
    pin: new KioskPin(admins, options.kioskPinHash, hasher),
    setupCode,
    pairing: new PairingCodes(options.pairingCodeMs, clock),
    hosts,
    cookieSecure: options.cookieSecure || deps.tls !== undefined,
    settings: new SettingsService(admins, deps.settings ?? {}, logger),
    limiters: {
      pin: new Backoff(options.pinBackoff, clock),
      login: new Backoff(options.loginBackoff, clock),
      // One address may try several names, so it gets a few more free tries than one name does.
      loginAddress: new Backoff({ ...options.loginBackoff, freeFailures: options.loginBackoff.freeFailures * 2 }, clock),
      code: new Backoff(options.codeBackoff, clock),
      fallback: new Backoff(options.fallbackBackoff, clock),
    },
    live,
  };

  const realtime = new Realtime(app.server, ctx);
  live.logChanged = () => realtime.logChanged();
  live.sessionEnded = (id) => realtime.sessionEnded(id);
  live.displayRemoved = (id) => realtime.displayRemoved(id);
  live.setupDone = () => realtime.setupDone();
  app.decorate('realtime', realtime);
  // Sockets go first, or the HTTP server would wait for their connections to end.
  app.addHook('preClose', async () => realtime.close());

  app.register(authRoutes, { prefix: '/api/auth', ctx });
  app.register(
    async (admin) => {
      requireAdmin(admin, ctx);
      await admin.register(punchRoutes, { ctx });
      await admin.register(peopleRoutes, { ctx });
      await admin.register(recordRoutes, { ctx });
      await admin.register(shiftRoutes, { ctx });
      await admin.register(systemRoutes, { ctx, realtime });
      await admin.register(adminAccountRoutes, { ctx, realtime });
      await admin.register(hubLinkRoutes, { ctx });
    },
    { prefix: '/api/admin' },
  );
  app.register(uiRoutes, { dir: options.uiDir ?? defaultUiDir });
  app.get('/healthz', async (_req, reply) => {
    if (deps.health) {
      const report = await deps.health();
      return reply.code(report.ok ? 200 : 503).send(report);
    }
    const camera = deps.kiosk.status().camera.state;
    return reply.send(healthReply.parse({ ok: camera === 'running', camera }));
  });
  if (deps.metrics) {
    const metrics = deps.metrics;
    app.get('/metrics', async (_req, reply) => reply.type(metrics.contentType).send(await metrics.render()));
  }
  return app;
}
