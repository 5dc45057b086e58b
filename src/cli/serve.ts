/**
 * `kiosk serve` (what `npm start` runs): the capture loop, the kiosk screen, enrollment from the
 * menu and the admin pages, with systemd readiness/watchdog, backups and retention. Ctrl-C or
 * SIGTERM shuts everything down in order and closes the database last.
 */
import { EventEmitter } from 'node:events';
import { statfsSync } from 'node:fs';
import { errorMessage } from '../errors.ts';
import { parseSourceSpec } from '../capture/auto.ts';
import { buildApp, type HealthReport } from '../server/app.ts';
import { listen } from '../server/listen.ts';
import { SetupCode, formatCode, setupCodeFile } from '../server/auth/one-time-code.ts';
import { serverOptionsSchema } from '../server/options.ts';
import { loadTls, tlsWanted } from '../server/tls.ts';
import { ensureUiBuilt } from '../server/ui-build.ts';
import type { KioskEvents, KioskPort } from '../server/ports.ts';
import type { RuntimeSettings } from '../server/settings.ts';
import { systemdIntegration } from '../ops/sd-notify.ts';
import { startOpsSchedules } from '../ops/runtime.ts';
import { erasePerson } from '../ops/retention.ts';
import { HeadManager } from '../model/retrain.ts';
import { initBackend } from '../model/tfjs.ts';
import { join } from 'node:path';
import type { Config } from '../config/schema.ts';
import type { Store } from '../store/store.ts';
import { AdminRepo } from '../store/admin-repo.ts';
import type { BuiltLoop } from './pipeline/build.ts';
import type { CliContext } from './context.ts';
import { buildLoop } from './pipeline/build.ts';
import { KioskEnrollment } from './pipeline/enrollment.ts';

/** Recognition settings as the admin pages see them, from the configuration. */
export function baseSettings(c: Config): RuntimeSettings {
  return {
    matchThreshold: c.model.matcher.threshold,
    minShare: c.vote.ballot.minShare,
    minMeanSimilarity: c.vote.ballot.minMeanSimilarity,
    antispoofMin: c.vote.ballot.antispoofMin,
    livenessMin: c.vote.ballot.livenessMin,
    windowMs: c.vote.voter.windowMs,
    cooldownMs: c.store.cooldownMs,
  };
}

/** What /healthz reports: the loop, the camera, the models, and whether the log can be written. */
export function healthReport(built: BuiltLoop, store: Store, dataDir: string, config: Config, now = Date.now()): HealthReport {
  const { loop } = built;
  let db: HealthReport['db'] = { writable: true, error: null };
  try {
    // Taking the write lock proves the file is writable and not held by another writer.
    store.db.exec('BEGIN IMMEDIATE; ROLLBACK');
  } catch (err) {
    db = { writable: false, error: errorMessage(err) };
  }
  let freeBytes: number;
  try {
    const fs = statfsSync(dataDir);
    freeBytes = fs.bavail * fs.bsize;
  } catch {
    freeBytes = 0;
  }
  const disk = { freeBytes, ok: freeBytes >= config.ops.doctor.minFreeMb * 1024 * 1024 };
  const loopAlive = loop.healthy(now);
  return {
    ok: loopAlive && loop.camera.state === 'running' && db.writable && disk.ok,
    camera: loop.camera.state,
    loopAlive,
    fps: Math.round(loop.fps * 10) / 10,
    backend: built.embedPool.ready.backend,
    descriptor: `${built.descriptor.kind} ${built.descriptor.version}`,
    db,
    disk,
  };
}

export interface ServeOptions {
  source?: string;
  port?: number;
  host?: string;
  /** Called once the server listens (tests and the demo print the address). */
  onListening?: (url: string) => void;
  /** Stops the kiosk like SIGTERM (tests, embedding in another program). */
  signal?: AbortSignal;
}

export async function serve(ctx: CliContext, opts: ServeOptions): Promise<void> {
  const log = ctx.log;
  let config = ctx.config;
  const sourceSpec = opts.source ?? config.pipeline.source;
  const spec = parseSourceSpec(sourceSpec);
  // A demo on a file or a folder of photos plays on a loop, as a camera would.
  if (spec.kind === 'file' || spec.kind === 'folder') config = { ...config, capture: { ...config.capture, loop: true } };
  await ensureUiBuilt();
  const store = ctx.store();
  // The triplet head (if one was validated and activated) is applied to probes on this thread.
  await initBackend(config.model.backend);
  const heads = new HeadManager({ modelsDir: join(ctx.dataDir, 'models'), triplet: config.triplet, retrain: config.retrain, fusedWeight: config.model.descriptor.fusedWeight, logger: log });
  await heads.init();
  const built = await buildLoop({ config, store, log, source: sourceSpec, metrics: true, keepLooking: true, heads });
  heads.onSwap(() => built.reloadGallery());
  const { loop } = built;
  const events = new EventEmitter<KioskEvents>();
  loop.on('decision', (d) => events.emit('decision', d));
  loop.on('preview', (p) => events.emit('preview', p));
  loop.on('camera', (c) => events.emit('camera', c));
  // New or removed faces: match with them at once, and retrain the head in a worker; the old head
  // (or the pretrained descriptor) keeps matching until a new one is validated and swapped in.
  const galleryChanged = (): void => {
    built.reloadGallery();
    heads.retrain(store.people.loadGallery(config.model.descriptor.kind, built.descriptor.version))
      .then((o) => log.info({ status: o.status, reason: o.reason, seconds: o.trainSeconds }, `triplet head retrain: ${o.status} (${o.reason})`))
      .catch((err: unknown) => log.warn({ err: errorMessage(err) }, 'triplet head retrain failed; matching continues unchanged'));
  };
  const enrollment = new KioskEnrollment({
    loop,
    embedPool: built.embedPool,
    store,
    matcher: () => built.currentMatcher(),
    descriptor: { kind: config.model.descriptor.kind, version: built.descriptor.version },
    options: config.enrollment,
    onGalleryChanged: galleryChanged,
    emitProgress: (p) => events.emit('enrollment:progress', p),
    emitCaptured: (c) => events.emit('enrollment:captured', c),
    emitFailed: (f) => events.emit('enrollment:failed', f),
    logger: log.child({ stage: 'enrollment' }),
    remove: (personId, actor) => erasePerson({ people: store.people, audit: store.audit, dataDir: ctx.dataDir, options: config.ops.retention }, personId, actor),
  });
  const port: KioskPort = {
    events,
    enrollment,
    status: () => ({
      camera: loop.camera,
      backend: built.embedPool.ready.backend,
      descriptor: `${built.descriptor.kind} ${built.descriptor.version}`,
      fps: Math.round(loop.fps * 10) / 10,
      enrolledPeople: store.people.list().length,
    }),
  };
  // --host / --port go into the server's config, so the Host check and the certificate know the real bind address.
  const serverConfig = serverOptionsSchema.parse({ ...config.server, ...(opts.host === undefined ? {} : { host: opts.host }), ...(opts.port === undefined ? {} : { port: opts.port }) });
  const tls = tlsWanted(serverConfig) ? await loadTls(serverConfig, ctx.dataDir) : null;
  if (tls !== null) log.info({ certificate: tls.certPath, source: tls.source, sha256: tls.fingerprint256, notAfter: tls.notAfter }, `HTTPS certificate SHA-256 ${tls.fingerprint256}`);
  const setupCode = new AdminRepo(store.db).count() === 0 ? SetupCode.inFile(setupCodeFile(ctx.dataDir)) : SetupCode.inMemory();
  const app = buildApp({
    store,
    kiosk: port,
    config: serverConfig,
    setupCode,
    ...(tls === null ? {} : { tls: { key: tls.key, cert: tls.cert } }),
    logger: log,
    settings: { base: baseSettings(config), onChange: (s) => built.applySettings(s) },
    health: async () => healthReport(built, store, ctx.dataDir, config),
    metrics: built.metrics ?? undefined,
  });
  const listening = await listen(app);
  log.info({ url: listening.url, bound: listening.bound }, `kiosk at ${listening.url} (admin at ${listening.url}/admin), bound to ${listening.bound}`);
  const code = setupCode.current();
  // On the device's terminal (and journal) only: whoever reads it is at the device.
  if (code !== null) process.stderr.write(`kiosk: first-run setup code ${formatCode(code)} — enter it at ${listening.url}/admin (also shown on the kiosk screen and by \`kiosk doctor\`)\n`);
  opts.onListening?.(listening.url);

  const systemd = systemdIntegration(config.ops.watchdog, { logger: log });
  loop.on('heartbeat', () => systemd.markAlive());
  const schedules = startOpsSchedules({ db: store.db, dataDir: ctx.dataDir, ops: config.ops, logger: log });
  await systemd.ready(`serving ${listening.url}, source ${loop.camera.source}`);

  let stopping: Promise<void> | null = null;
  const shutdown = (signal: string): Promise<void> => {
    stopping ??= (async () => {
      log.info({ signal }, 'shutting down');
      await systemd.stop();
      await built.close();
      await heads.close();
      await listening.close();
      await schedules.stop();
    })();
    return stopping;
  };
  const onSignal = (sig: NodeJS.Signals): void => void shutdown(sig);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const onAbort = (): void => void shutdown('abort');
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const summary = await loop.run();
    log.info({ summary }, 'capture loop ended');
  } finally {
    await shutdown('loop-ended');
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    opts.signal?.removeEventListener('abort', onAbort);
  }
}
