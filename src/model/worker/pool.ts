/**
 * Model workers behind a hard cap on work in flight. `trySubmit` never queues beyond the cap:
 * when every worker is busy it answers null at once, so callers skip work instead of piling it
 * up, and memory stays bounded however slow the models are.
 */
import type { Worker } from 'node:worker_threads';
import { KioskError } from '../../errors.ts';
import { silentLogger, type Logger } from '../../log.ts';
import { startTsWorker } from '../../ts-worker.ts';
import type { ModelOptions } from '../options.ts';
import type { WorkerRequest, WorkerResponse, WorkerRole } from './protocol.ts';

/** How long close() waits for jobs in flight: one embedding on a loaded 2-core box takes about a second. */
const CLOSE_GRACE_MS = 5000;

type Answer = Exclude<WorkerResponse, { type: 'ready' } | { type: 'error' }>;
type Ready = Extract<WorkerResponse, { type: 'ready' }>;

interface Slot {
  worker: Worker;
  inFlight: number;
  dead: boolean;
}

export interface PoolStats {
  submitted: number;
  completed: number;
  refused: number;
  failed: number;
}

/** A request without its id: the pool numbers requests itself. */
export type PoolRequest = WorkerRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

export class ModelWorkerPool {
  readonly role: WorkerRole;
  readonly ready: Ready;
  readonly stats: PoolStats = { submitted: 0, completed: 0, refused: 0, failed: 0 };
  readonly #slots: Slot[];
  readonly #maxInFlight: number;
  readonly #pending = new Map<number, { resolve: (a: Answer) => void; reject: (err: Error) => void; slot: Slot }>();
  readonly #log: Logger;
  #nextId = 1;
  #closed = false;

  private constructor(role: WorkerRole, slots: Slot[], ready: Ready, maxInFlight: number, log: Logger) {
    this.role = role;
    this.#slots = slots;
    this.ready = ready;
    this.#maxInFlight = maxInFlight;
    this.#log = log;
    for (const slot of slots) {
      slot.worker.on('message', (msg: WorkerResponse) => this.#onMessage(slot, msg));
      slot.worker.on('error', (err) => this.#failSlot(slot, err));
      slot.worker.on('exit', (code) => {
        if (!this.#closed) this.#failSlot(slot, new Error(`worker exited with code ${code}`));
      });
    }
  }

  static async create(role: WorkerRole, options: ModelOptions, workers: number, maxInFlightPerWorker: number, logger: Logger = silentLogger): Promise<ModelWorkerPool> {
    const log = logger.child({ stage: `${role}-pool` });
    const started = await Promise.all(Array.from({ length: workers }, async () => {
      const worker = startTsWorker(new URL('./model-worker.ts', import.meta.url), { role, options });
      try {
        const ready = await new Promise<Ready>((resolve, reject) => {
          worker.on('message', function onMsg(m: WorkerResponse) {
            if (m.type === 'ready') resolve(m);
            else if (m.type === 'error' && m.id === null) reject(new KioskError('MODEL_LOAD_FAILED', `${role} worker failed to start: ${m.message}`, { hint: 'run `kiosk doctor`' }));
            else return;
            worker.off('message', onMsg);
          });
          worker.once('error', reject);
        });
        log.info({ backend: ready.backend, provider: ready.provider }, `${role} worker ready on ${ready.backend}`);
        return { worker, ready };
      } catch (err) {
        await worker.terminate();
        throw err;
      }
    }));
    const first = started[0];
    if (!first) throw new KioskError('USAGE', `the ${role} pool needs at least one worker`);
    return new ModelWorkerPool(role, started.map((s) => ({ worker: s.worker, inFlight: 0, dead: false })), first.ready, maxInFlightPerWorker, log);
  }

  get capacity(): number {
    return this.#slots.length * this.#maxInFlight;
  }

  get inFlight(): number {
    return this.#pending.size;
  }

  /** Sends to the least busy live worker, or returns null at once when all are at their cap. */
  trySubmit(req: PoolRequest, transfer: ArrayBuffer[]): Promise<Answer> | null {
    const live = this.#slots.filter((s) => !s.dead);
    if (this.#closed || live.length === 0) return null;
    const slot = live.reduce((a, b) => (b.inFlight < a.inFlight ? b : a));
    if (slot.inFlight >= this.#maxInFlight) {
      this.stats.refused++;
      return null;
    }
    const id = this.#nextId++;
    slot.inFlight++;
    this.stats.submitted++;
    return new Promise<Answer>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject, slot });
      slot.worker.postMessage({ ...req, id }, transfer);
    });
  }

  /** Resolves when nothing is in flight (end of a finite source). */
  async drain(pollMs = 20): Promise<void> {
    while (this.#pending.size > 0) await new Promise((r) => setTimeout(r, pollMs));
  }

  /**
   * Stops taking jobs, lets the ones in flight finish (up to `graceMs`), then ends the workers.
   * Terminating a worker in the middle of a native inference aborts the whole process.
   */
  async close(graceMs = CLOSE_GRACE_MS, pollMs = 20): Promise<void> {
    this.#closed = true;
    const deadline = Date.now() + graceMs;
    while (this.#pending.size > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, pollMs));
    for (const [id, p] of this.#pending) {
      p.reject(new KioskError('MODEL_LOAD_FAILED', `${this.role} pool closed`));
      this.#pending.delete(id);
    }
    await Promise.all(this.#slots.map((s) => s.worker.terminate()));
  }

  #onMessage(slot: Slot, msg: WorkerResponse): void {
    if (msg.type === 'ready' || msg.id === null) return;
    const p = this.#pending.get(msg.id);
    if (!p) return;
    this.#pending.delete(msg.id);
    slot.inFlight--;
    if (msg.type === 'error') {
      this.stats.failed++;
      p.reject(new KioskError(msg.code === 'IMAGE_UNREADABLE' ? 'IMAGE_UNREADABLE' : 'DESCRIPTOR_INVALID', `${this.role} failed: ${msg.message}`));
      return;
    }
    this.stats.completed++;
    p.resolve(msg);
  }

  #failSlot(slot: Slot, err: Error): void {
    if (slot.dead) return;
    slot.dead = true;
    this.#log.error({ err: err.message }, `${this.role} worker failed`);
    for (const [id, p] of this.#pending) {
      if (p.slot !== slot) continue;
      this.#pending.delete(id);
      this.stats.failed++;
      p.reject(new KioskError('MODEL_LOAD_FAILED', `${this.role} worker failed: ${err.message}`));
    }
  }
}
