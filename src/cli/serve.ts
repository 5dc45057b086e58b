/**
 * `kiosk serve` (what `npm start` runs): the capture loop, the kiosk screen, enrollment from the
 * menu and the admin pages, with systemd readiness/watchdog, backups and retention. Ctrl-C or
 * SIGTERM shuts everything down in order and closes the database last.
 */
import { EventEmitter } from 'node:events';
import { errorMessage, isKioskError } from '../errors.ts';
import { parseSourceSpec } from '../capture/auto.ts';
import { buildApp } from '../server/app.ts';
import { checkPortFree, listen, type Listening } from '../server/listen.ts';
import { SetupCode, formatCode, setupCodeFile } from '../server/auth/one-time-code.ts';
import { serverOptionsSchema } from '../server/options.ts';
import { loadTls, tlsWanted } from '../server/tls.ts';
import { ensureUiBuilt } from '../server/ui-build.ts';
import type { KioskEvents, KioskPort } from '../server/ports.ts';
import type { RuntimeSettings } from '../server/settings.ts';
import { systemdIntegration } from '../ops/sd-notify.ts';
import { startOpsSchedules } from '../ops/runtime.ts';
import { erasePerson } from '../ops/retention.ts';
import { addEvidenceSample } from './pipeline/evidence-sample.ts';
import { arcfaceTarget } from './reembed.ts';
import { HeadManager } from '../model/retrain.ts';
import { initBackend } from '../model/tfjs.ts';
import { erasePersonFromHeads } from '../model/triplet/persist.ts';
import { join } from 'node:path';
import type { Config } from '../config/schema.ts';
import { openRecorder } from '../store/store.ts';
import { AdminRepo } from '../store/admin-repo.ts';
import { healthReport, heartbeatWhileRecording } from './health.ts';
import type { CliContext } from './context.ts';
import { buildLoop } from './pipeline/build.ts';
import { KioskEnrollment } from './pipeline/enrollment.ts';
import { galleryPlanFor, reembedInBackground } from './pipeline/background-reembed.ts';
import { joinedSync } from '../sync/start.ts';
import { hubLinkPort } from './hub-link.ts';

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
  const listenAt = { host: opts.host ?? config.server.host, port: opts.port ?? config.server.port };
  // A taken port is one line now, not after a minute of loading models.
  await checkPortFree(listenAt.host, listenAt.port);
  await ensureUiBuilt();
  const store = ctx.store();
  // Joined to a hub (kiosk hub-join): the agent pushes the outbox and pulls the gallery once the server
  // listens. Read now, so a bad link file is one line before any model loads. Not joined: nothing starts.
  const joined = joinedSync(store, ctx.dataDir, config.sync, log);
  const sync = joined?.agent ?? null;
  const hubLink = joined === null ? undefined : hubLinkPort(joined.agent, joined.hub, config.sync.clockSkewSeconds * 1000, log);
  // The triplet head (if one was validated and activated) is applied to probes on this thread.
  await initBackend(config.model.backend);
  const modelsDir = join(ctx.dataDir, 'models');
  const heads = new HeadManager({ modelsDir, triplet: config.triplet, retrain: config.retrain, fusedWeight: config.model.descriptor.fusedWeight, logger: log });
  await heads.init();
  const configured = config.model.descriptor;
  const plan = await galleryPlanFor(store, configured);
  log.info({ serving: plan.serve.kind, reembed: plan.reembed }, plan.reason);
  // Replays decisions a previous run had to keep in the journal, before any new one is made.
  const recorder = openRecorder(store, config.store, { logger: log });
  const built = await buildLoop({ config: { ...config, model: { ...config.model, descriptor: plan.serve } }, store, log, source: sourceSpec, metrics: true, keepLooking: true, heads, recorder }).catch(async (err: unknown) => {
    await heads.close();
    throw err;
  });
  if (plan.adopt) store.generations.adopt(built.descriptor.kind, built.descriptor.version, JSON.stringify(configured), Date.now(), 'system');
  heads.onSwap(() => built.reloadGallery());
  const { loop } = built;
  const events = new EventEmitter<KioskEvents>();
  loop.on('decision', (d) => events.emit('decision', d));
  loop.on('preview', (p) => events.emit('preview', p));
  loop.on('camera', (c) => events.emit('camera', c));
  recorder.on('state', (r) => events.emit('recording', r));
  // New or removed faces: match with them at once, and retrain the head in a worker; the old head
  // (or the pretrained descriptor) keeps matching until a new one is validated and swapped in.
  const galleryChanged = (): void => {
    built.reloadGallery();
    heads.retrain(store.people.loadGallery(built.descriptor.kind, built.descriptor.version))
      .then((o) => log.info({ status: o.status, reason: o.reason, seconds: o.trainSeconds }, `triplet head retrain: ${o.status} (${o.reason})`))
      .catch((err: unknown) => log.warn({ err: errorMessage(err) }, 'triplet head retrain failed; matching continues unchanged'));
  };
  const enrollment = new KioskEnrollment({
    loop,
    embedPool: () => built.embedPool,
    store,
    matcher: () => built.currentMatcher(),
    descriptor: () => built.descriptor,
    options: config.enrollment,
    onGalleryChanged: galleryChanged,
    emitProgress: (p) => events.emit('enrollment:progress', p),
    emitCaptured: (c) => events.emit('enrollment:captured', c),
    emitFailed: (f) => events.emit('enrollment:failed', f),
    logger: log.child({ stage: 'enrollment' }),
    remove: (personId, actor) =>
      erasePerson({ people: store.people, audit: store.audit, dataDir: ctx.dataDir, options: config.ops.retention, eraseFromModels: (name) => erasePersonFromHeads(modelsDir, name) }, personId, actor),
  });
  const port: KioskPort = {
    events,
    enrollment,
    evidence: {
      currentFace: (maxAgeMs) => loop.mainFaceJpeg(maxAgeMs),
      addSample: (personId, jpeg, sourceKey, actor) =>
        addEvidenceSample({ store, openTarget: () => arcfaceTarget(configured), image: config.model.image, onAdded: galleryChanged }, personId, jpeg, sourceKey, actor),
    },
    status: () => ({
      camera: loop.camera,
      recording: recorder.state,
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
    ...(hubLink === undefined ? {} : { hubLink }),
    health: async () =>
      healthReport({
        loop,
        backend: built.embedPool.ready.backend,
        descriptor: `${built.descriptor.kind} ${built.descriptor.version}`,
        db: store.db,
        recorder,
        dataDir: ctx.dataDir,
        minFreeMb: config.ops.doctor.minFreeMb,
        ...(hubLink === undefined ? {} : { hubLink }),
      }),
    metrics: built.metrics ?? undefined,
  });
  let listening: Listening;
  try {
    listening = await listen(app);
  } catch (err) {
    // Worker threads would keep the process alive after the one-line error.
    await built.close();
    await heads.close();
    await app.close();
    throw err;
  }
  log.info({ url: listening.url, bound: listening.bound }, `kiosk at ${listening.url} (admin at ${listening.url}/admin), bound to ${listening.bound}`);
  const code = setupCode.current();
  // On the device's terminal (and journal) only: whoever reads it is at the device.
  if (code !== null) process.stderr.write(`kiosk: first-run setup code ${formatCode(code)} — enter it at ${listening.url}/admin (also shown on the kiosk screen and by \`kiosk doctor\`)\n`);
  opts.onListening?.(listening.url);

  sync?.on('gallery', (applied) => {
    for (const p of applied.erased) {
      try {
        erasePersonFromHeads(modelsDir, p.name);
      } catch (err) {
        log.warn({ err: errorMessage(err) }, 'erasing a person from the trained head failed');
      }
    }
    galleryChanged();
  });
  sync?.start();

  const systemd = systemdIntegration(config.ops.watchdog, { logger: log });
  // A kiosk that cannot record is not alive to systemd: withholding the ping gets it restarted.
  loop.on('heartbeat', heartbeatWhileRecording(recorder, () => systemd.markAlive()));
  const schedules = startOpsSchedules({ db: store.db, dataDir: ctx.dataDir, ops: config.ops, logger: log });
  await systemd.ready(`serving ${listening.url}, source ${loop.camera.source}`);

  let stopping: Promise<void> | null = null;
  let stopRequested: () => void = () => undefined;
  const stopSignal = new Promise<void>((resolve) => (stopRequested = resolve));
  const shutdown = (signal: string): Promise<void> => {
    stopRequested();
    stopping ??= (async () => {
      log.info({ signal }, 'shutting down');
      await systemd.stop();
      await sync?.stop();
      await reembedding;
      await built.close();
      await heads.close();
      await listening.close();
      await schedules.stop();
    })();
    return stopping;
  };
  // The old set keeps serving while the configured model's set is computed; then the loop switches.
  const reembedding = plan.reembed
    ? reembedInBackground({ store, configured, image: config.model.image, log, stopping: () => stopping !== null, switchTo: async (d) => {
      await built.switchDescriptor(d);
      galleryChanged();
    } })
    : Promise.resolve();
  const onSignal = (sig: NodeJS.Signals): void => void shutdown(sig);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const onAbort = (): void => void shutdown('abort');
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    try {
      const summary = await loop.run();
      log.info({ summary }, 'capture loop ended');
    } catch (err) {
      // The source failed for good: the screen shows the camera state, the admin pages stay up
      // (and, under systemd, the silent loop gets the service restarted by the watchdog).
      log.error({ err: errorMessage(err), camera: loop.camera }, `capture stopped: ${isKioskError(err) ? err.toLine() : errorMessage(err)}; admin pages stay up until the kiosk is stopped`);
      await stopSignal;
    }
  } finally {
    await shutdown('loop-ended');
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    opts.signal?.removeEventListener('abort', onAbort);
  }
}
