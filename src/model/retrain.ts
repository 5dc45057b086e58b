/**
 * Background retraining of the triplet head, for the server to call when people are added or
 * removed. Training runs in a worker thread with its own tfjs (wasm) instance, so the capture loop
 * never waits on it; the worker trains, validates (decision.ts) and writes the head slots on disk;
 * only then does this thread load the new active head and swap it in with one assignment. Until
 * that moment every `apply` uses the previous head (or the pretrained descriptor).
 * Calls that arrive while a retrain runs are coalesced into one follow-up run on the newest gallery.
 */
import { Worker } from 'node:worker_threads';
import { KioskError, errorMessage } from '../errors.ts';
import { silentLogger, type Logger } from '../log.ts';
import type { Gallery as StoreGallery } from '../store/types.ts';
import type { Gallery, GalleryKind } from './gallery.ts';
import { embedFlat } from './triplet/embed.ts';
import type { TripletHead } from './triplet/head.ts';
import { HeadStore } from './triplet/head-store.ts';
import { toHeadInput } from './triplet/match-space.ts';
import { retrainOptionsSchema, type RetrainOptions, type TripletOptions } from './triplet/options.ts';
import type { EpochReport, TripletHeadMetadata } from './triplet/train.ts';
import type { DescriptorKind } from './types.ts';

/** What the worker receives (structured-cloned; `descriptors` is transferred). */
export interface RetrainJob {
  descriptors: Float32Array;
  dim: number;
  labels: Int32Array;
  names: [number, string][];
  kind: DescriptorKind;
  modelVersion: string;
  fusedWeight: number | null;
  options: TripletOptions;
  modelsDir: string;
  backend: RetrainOptions['backend'];
  /** ISO time for the metadata (the worker has no clock of its own to inject). */
  now: string;
}

export type WorkerMessage =
  | { type: 'epoch'; report: EpochReport }
  | { type: 'done'; activated: boolean; reason: string; metadata: TripletHeadMetadata; trainSeconds: number }
  | { type: 'failed'; message: string; code: string };

export interface RetrainOutcome {
  status: 'activated' | 'not-activated' | 'failed';
  reason: string;
  trainSeconds: number;
  metadata: TripletHeadMetadata | null;
}

export interface ActiveHead {
  head: TripletHead;
  metadata: TripletHeadMetadata;
}

export interface HeadManagerDeps {
  /** `<data-dir>/models`. */
  modelsDir: string;
  triplet: TripletOptions;
  retrain?: Partial<RetrainOptions>;
  /** Fusion weight of the configured matcher (fused descriptors only). */
  fusedWeight: number | null;
  logger?: Logger;
  clock?: () => Date;
  /** Worker entry; tests may point elsewhere. */
  workerUrl?: URL;
  onEpoch?: (report: EpochReport) => void;
}

const WORKER_URL = new URL('./retrain-worker.ts', import.meta.url);

/**
 * Starts a TypeScript worker: Node 20 does not pass the parent's tsx loader hooks to workers, so a
 * tiny evaluated bootstrap registers tsx in the worker before importing the entry.
 */
export function startTsWorker(entry: URL, workerData?: unknown): Worker {
  const api = import.meta.resolve('tsx/esm/api');
  const boot = `import(${JSON.stringify(api)}).then((m) => { m.register(); return import(${JSON.stringify(entry.href)}); });`;
  return new Worker(boot, { eval: true, workerData });
}

export class HeadManager {
  readonly #deps: HeadManagerDeps;
  readonly #store: HeadStore;
  readonly #log: Logger;
  readonly #retrain: RetrainOptions;
  readonly #listeners = new Set<(active: ActiveHead | null) => void>();
  #active: ActiveHead | null = null;
  #running: Promise<RetrainOutcome> | null = null;
  #pending: { gallery: StoreGallery; resolve: (o: RetrainOutcome) => void; promise: Promise<RetrainOutcome> } | null = null;
  #worker: Worker | null = null;
  #closed = false;

  constructor(deps: HeadManagerDeps) {
    this.#deps = deps;
    this.#store = new HeadStore(deps.modelsDir);
    this.#log = (deps.logger ?? silentLogger).child({ stage: 'retrain' });
    this.#retrain = retrainOptionsSchema.parse(deps.retrain ?? {});
  }

  /** Loads the active head from disk, if any (call once at start). */
  async init(): Promise<ActiveHead | null> {
    const stored = await this.#store.loadActive();
    if (stored) this.#swap(stored);
    return this.#active;
  }

  current(): ActiveHead | null {
    return this.#active;
  }

  /** Called after every swap with the new active head (null = back to pretrained). Returns an unsubscribe. */
  onSwap(cb: (active: ActiveHead | null) => void): () => void {
    this.#listeners.add(cb);
    return () => this.#listeners.delete(cb);
  }

  /**
   * Raw stored descriptors (flat, any number of rows) → the rows the matcher should compare and
   * the gallery kind that tells it how: through the active head when it fits these descriptors,
   * else unchanged (the matcher applies the fusion weight itself).
   */
  apply(raw: Float32Array, kind: DescriptorKind, modelVersion: string): { rows: Float32Array; kind: GalleryKind } {
    const a = this.#active;
    if (!a || a.metadata.descriptorKind !== kind || a.metadata.modelVersion !== modelVersion) return { rows: raw, kind };
    const input = toHeadInput(kind, raw, a.metadata.inputSpace?.fusedWeight ?? this.#deps.fusedWeight);
    return { rows: embedFlat(a.head, input), kind: 'head' };
  }

  /** A matcher gallery in the active head's space (or the raw one). */
  gallery(g: StoreGallery): Gallery {
    const version = g.modelVersions[0] ?? '';
    const { rows, kind } = this.apply(g.descriptors, g.kind, version);
    return { kind, dim: g.dim, people: g.people, personIndex: g.personIndex, descriptors: rows };
  }

  /** Trains on a snapshot of the gallery in the background; resolves once the outcome is known (and any swap done). */
  retrain(gallery: StoreGallery): Promise<RetrainOutcome> {
    if (this.#closed) return Promise.reject(new KioskError('TRAINING_FAILED', 'the head manager is closed'));
    if (!this.#running) return this.#start(gallery);
    if (this.#pending) {
      this.#pending.gallery = gallery;
      return this.#pending.promise;
    }
    let resolve: (o: RetrainOutcome) => void = () => undefined;
    const promise = new Promise<RetrainOutcome>((r) => (resolve = r));
    this.#pending = { gallery, resolve, promise };
    return promise;
  }

  /** Stops a running retrain (its outcome is `failed`) and releases the active head. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.#worker?.terminate();
    await this.#running?.catch(() => undefined);
    this.#active?.head.dispose();
    this.#active = null;
  }

  #start(gallery: StoreGallery): Promise<RetrainOutcome> {
    const run = this.#run(gallery).finally(() => {
      this.#running = null;
      const next = this.#pending;
      this.#pending = null;
      if (next && !this.#closed) void this.#start(next.gallery).then(next.resolve);
      else next?.resolve({ status: 'failed', reason: 'the head manager was closed', trainSeconds: 0, metadata: null });
    });
    this.#running = run;
    return run;
  }

  #swap(next: ActiveHead | null): void {
    const old = this.#active;
    this.#active = next;
    // apply() is synchronous, so nothing is mid-way through the old head here.
    old?.head.dispose();
    for (const cb of this.#listeners) cb(next);
  }

  async #run(gallery: StoreGallery): Promise<RetrainOutcome> {
    const failed = (reason: string): RetrainOutcome => ({ status: 'failed', reason, trainSeconds: 0, metadata: null });
    if (gallery.modelVersions.length !== 1) {
      return failed(gallery.modelVersions.length === 0 ? 'the gallery is empty' : `the gallery mixes descriptor models (${gallery.modelVersions.join(', ')}); re-enroll first`);
    }
    const job: RetrainJob = {
      descriptors: gallery.descriptors.slice(),
      dim: gallery.dim,
      labels: Int32Array.from(gallery.personIndex),
      names: gallery.people.map((p, i) => [i, p.name]),
      kind: gallery.kind,
      modelVersion: gallery.modelVersions[0] as string,
      fusedWeight: this.#deps.fusedWeight,
      options: this.#deps.triplet,
      modelsDir: this.#deps.modelsDir,
      backend: this.#retrain.backend,
      now: (this.#deps.clock ?? (() => new Date()))().toISOString(),
    };
    let message: WorkerMessage;
    try {
      message = await this.#inWorker(job);
    } catch (err) {
      this.#log.warn({ err: errorMessage(err) }, 'head retraining failed');
      return failed(errorMessage(err));
    }
    if (message.type === 'failed') return failed(message.message);
    if (message.type !== 'done') return failed('worker ended without a result');
    const outcome: RetrainOutcome = { status: message.activated ? 'activated' : 'not-activated', reason: message.reason, trainSeconds: message.trainSeconds, metadata: message.metadata };
    if (message.activated && !this.#closed) {
      try {
        const stored = await this.#store.loadActive();
        if (stored) this.#swap(stored);
      } catch (err) {
        return failed(`trained and validated, but the new head could not be loaded: ${errorMessage(err)}`);
      }
    }
    this.#log.info({ status: outcome.status, trainSeconds: outcome.trainSeconds }, outcome.reason);
    return outcome;
  }

  #inWorker(job: RetrainJob): Promise<WorkerMessage> {
    return new Promise((resolve, reject) => {
      const worker = startTsWorker(this.#deps.workerUrl ?? WORKER_URL);
      this.#worker = worker;
      let result: WorkerMessage | null = null;
      worker.on('message', (m: WorkerMessage) => {
        if (m.type === 'epoch') this.#deps.onEpoch?.(m.report);
        else {
          result = m;
          void worker.terminate();
        }
      });
      worker.on('error', reject);
      worker.on('exit', () => {
        this.#worker = null;
        if (result) resolve(result);
        else reject(new KioskError('TRAINING_FAILED', 'the retraining worker stopped before it finished'));
      });
      worker.postMessage(job, [job.descriptors.buffer as ArrayBuffer]); // a fresh slice, never shared
    });
  }
}
