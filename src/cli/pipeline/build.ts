/**
 * Wires capture → model → vote → store into a KioskLoop from the configuration. Shared by
 * `kiosk run` (headless) and `kiosk serve` (with the screens).
 */
import { openFrameSource } from '../../capture/open-source.ts';
import { ModelWorkerPool } from '../../model/worker/pool.ts';
import { loadMatchKernel, Matcher, TransformedMatcher, type ProbeMatcher } from '../../model/matcher.ts';
import type { DotKernel } from '../../model/match/simd-kernel.ts';
import type { DescriptorInfo } from '../../model/engine.ts';
import type { DescriptorOptions, ModelOptions } from '../../model/options.ts';
import type { HeadManager } from '../../model/retrain.ts';
import type { RuntimeSettings } from '../../server/settings.ts';
import { Voter } from '../../vote/voter.ts';
import type { Config } from '../../config/schema.ts';
import type { Logger } from '../../log.ts';
import { openRecorder, type Store } from '../../store/store.ts';
import type { DurableRecorder } from '../../store/durable-recorder.ts';
import { KioskLoop } from './kiosk-loop.ts';
import { recordDecision } from './decisions.ts';
import { KioskMetrics } from './metrics.ts';

/**
 * The gallery's matcher for the engine's descriptor (an empty gallery matches nobody: everyone is
 * unknown). With an active triplet head that fits these descriptors, gallery and probes are
 * compared in the head's space.
 */
export function galleryMatcher(descriptor: DescriptorInfo, store: Store, config: Config, log: Logger, heads?: HeadManager, kernel?: DotKernel): ProbeMatcher {
  const { kind, version } = descriptor;
  const gallery = store.people.loadGallery(kind, version);
  if (gallery.personIndex.length === 0) {
    const other = store.people.countSamples();
    log.warn(other > 0
      ? `the gallery holds ${other} samples but none from ${kind} (${version}): re-enroll; everyone is unknown until then`
      : 'nobody is enrolled yet: everyone is unknown until people are enrolled');
  }
  const dim = gallery.dim || descriptor.dim;
  const matcherConfig = { ...config.model.matcher, fusedWeight: config.model.descriptor.fusedWeight };
  const active = heads?.current();
  if (heads && active && gallery.personIndex.length > 0 && active.metadata.descriptorKind === kind && active.metadata.modelVersion === version) {
    log.info({ trainedAt: active.metadata.createdAt }, 'matching through the trained triplet head');
    return new TransformedMatcher(new Matcher(heads.gallery({ ...gallery, dim }), matcherConfig, kernel), (raw) => heads.apply(raw, kind, version).rows);
  }
  return new Matcher({ ...gallery, dim }, matcherConfig, kernel);
}

/** The tunables an administrator may change while the kiosk runs. */
export type LiveSettings = RuntimeSettings;

export interface BuiltLoop {
  loop: KioskLoop;
  detectPool: ModelWorkerPool;
  /** The embedding workers in use now (a model switch replaces them). */
  readonly embedPool: ModelWorkerPool;
  /** Reload the gallery (after enrollment or removal). */
  reloadGallery(): void;
  /** Apply recognition settings changed by an administrator, without a restart. */
  applySettings(s: LiveSettings): void;
  /** Prometheus metrics, when asked for. */
  metrics: KioskMetrics | null;
  /** The matcher in use now (it changes on enrollment and settings). */
  currentMatcher(): ProbeMatcher;
  /** The embedding model's descriptor (kind, dimension, version) in use now. */
  readonly descriptor: DescriptorInfo;
  /**
   * Switches the live loop to another descriptor model (a re-embedded gallery was activated): new
   * embedding workers start first, then replace the old ones, and the gallery is reloaded for them.
   */
  switchDescriptor(descriptor: DescriptorOptions): Promise<void>;
  /** Where decisions are written: the database, or the journal while the database refuses writes. */
  recorder: DurableRecorder;
  close(): Promise<void>;
}

export async function buildLoop(opts: { config: Config; store: Store; log: Logger; source?: string; metrics?: boolean; keepLooking?: boolean; heads?: HeadManager; recorder?: DurableRecorder }): Promise<BuiltLoop> {
  const { store, log } = opts;
  const recorder = opts.recorder ?? openRecorder(store, opts.config.store, { logger: log });
  // Mutable copy: admin settings replace parts of it while the loop runs.
  let config = opts.config;
  const source = await openFrameSource(opts.source ?? config.pipeline.source, config.capture, { logger: log.child({ stage: 'capture' }), keepLooking: opts.keepLooking ?? false });
  const startEmbedPool = async (model: ModelOptions): Promise<{ pool: ModelWorkerPool; descriptor: DescriptorInfo }> => {
    const pool = await ModelWorkerPool.create('embed', { ...model, descriptor: { ...model.descriptor, flipAverage: config.pipeline.flipAverage } }, config.pipeline.embedWorkers, config.pipeline.maxInFlightPerWorker, log);
    const d = pool.ready.descriptor;
    if (!d) throw new Error('embed worker reported no descriptor');
    log.info({ descriptor: d.kind, version: d.version, runtime: d.runtime }, `models ready: ${d.kind} on ${d.runtime} (detection on tfjs ${pool.ready.backend})`);
    return { pool, descriptor: d };
  };
  const [detectPool, embedding, kernel] = await Promise.all([
    ModelWorkerPool.create('detect', config.model, 1, 1, log),
    startEmbedPool(config.model),
    loadMatchKernel((err) => log.warn(`large galleries are matched by the plain loop: ${err.toLine()}`)),
  ]);
  let embedPool = embedding.pool;
  let descriptor = embedding.descriptor;
  let matcher = galleryMatcher(descriptor, store, config, log, opts.heads, kernel);
  const loop = new KioskLoop({
    source,
    detectPool,
    embedPool,
    matcher: () => matcher,
    voter: new Voter(config.vote),
    decide: (e) => recordDecision(recorder, config.store.kioskId, config.store.cooldownMs, e),
    options: config.pipeline,
    logger: log.child({ stage: 'loop' }),
    ...(config.store.evidencePhotos ? { savePhoto: (owner, jpeg) => store.people.evidence.put(owner, jpeg, Date.now()) } : {}),
  });
  // While the database refuses writes, each tick may retry it and replay the journal.
  loop.on('heartbeat', () => recorder.tick());
  const metrics = opts.metrics ? new KioskMetrics({
    fps: () => loop.fps,
    framesRead: () => source.counters.framesRead,
    framesDropped: () => source.counters.framesDropped,
    reconnects: () => source.counters.reconnects,
  }) : null;
  if (metrics) loop.useMetrics(metrics);
  return {
    loop,
    detectPool,
    get embedPool() {
      return embedPool;
    },
    get descriptor() {
      return descriptor;
    },
    recorder,
    metrics,
    currentMatcher: () => matcher,
    reloadGallery: () => {
      matcher = galleryMatcher(descriptor, store, config, log, opts.heads, kernel);
    },
    switchDescriptor: async (next) => {
      const started = await startEmbedPool({ ...config.model, descriptor: next });
      const old = embedPool;
      config = { ...config, model: { ...config.model, descriptor: next } };
      embedPool = started.pool;
      descriptor = started.descriptor;
      matcher = galleryMatcher(descriptor, store, config, log, opts.heads, kernel);
      loop.replaceEmbedPool(embedPool);
      await old.drain();
      await old.close();
    },
    applySettings: (st) => {
      config = {
        ...config,
        model: { ...config.model, matcher: { ...config.model.matcher, threshold: st.matchThreshold } },
        vote: {
          ...config.vote,
          ballot: { ...config.vote.ballot, minShare: st.minShare, minMeanSimilarity: st.minMeanSimilarity, antispoofMin: st.antispoofMin, livenessMin: st.livenessMin },
          voter: { ...config.vote.voter, windowMs: st.windowMs },
        },
        store: { ...config.store, cooldownMs: st.cooldownMs },
      };
      matcher = galleryMatcher(descriptor, store, config, log, opts.heads, kernel);
      loop.replaceVoter(new Voter(config.vote));
      log.info({ settings: st }, 'recognition settings applied');
    },
    close: async () => {
      await loop.stop();
      await Promise.all([detectPool.close(), embedPool.close()]);
    },
  };
}
