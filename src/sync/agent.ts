/**
 * A joined kiosk's sync loop: push the outbox in batches until it is empty, pull gallery changes when
 * the hub's revision is ahead of the cursor, apply them, tell the kiosk to reload its gallery; wait
 * `intervalMs`, or back off after a failure. The kiosk loop never waits on any of this: punches are
 * committed locally first and only the outbox remembers what the hub still lacks.
 */
import { EventEmitter } from 'node:events';
import { errorMessage } from '../errors.ts';
import { silentLogger, type Logger } from '../log.ts';
import type { DescriptorCipher } from '../store/crypto.ts';
import type { Db } from '../store/db.ts';
import { applyGallery, type ApplyResult } from '../store/gallery-apply.ts';
import type { OutboxRepo } from '../store/outbox-repo.ts';
import type { AttendanceRepo } from '../store/attendance-repo.ts';
import type { PeopleRepo } from '../store/people-repo.ts';
import type { ShiftRepo } from '../store/shift-repo.ts';
import { systemSyncClock, type SyncClock } from '../store/sql-functions.ts';
import { clockStatus, retryDelayMs, type ClockStatus, type ClockVerdict } from './backoff.ts';
import type { SyncOptions } from './options.ts';
import { HubRequestError, type HubClient } from './transport.ts';

export interface SyncStatus {
  state: 'idle' | 'backing-off' | 'refused';
  lastSuccessAt: number | null;
  lastError: string | null;
  failures: number;
  outboxDepth: number;
  cursor: number;
  clock: ClockStatus;
}

export interface SyncAgentDeps {
  db: Db;
  people: PeopleRepo;
  attendance: AttendanceRepo;
  shifts: ShiftRepo;
  outbox: OutboxRepo;
  client: HubClient;
  site: DescriptorCipher;
  options: SyncOptions;
  logger?: Logger;
  clock?: SyncClock;
  random?: () => number;
}

/** Most push rounds in one tick before pulling anyway (a week offline must not starve the gallery). */
const MAX_PUSH_ROUNDS = 50;

export class SyncAgent extends EventEmitter<{ gallery: [ApplyResult]; records: [ApplyResult]; status: [SyncStatus] }> {
  readonly #d: SyncAgentDeps;
  readonly #log: Logger;
  readonly #clock: SyncClock;
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<void> | null = null;
  #stopped = false;
  #failures = 0;
  #lastSuccessAt: number | null = null;
  #lastError: string | null = null;
  #refused = false;
  #verdict: ClockVerdict | null = null;
  /** Last outbox figures read, shown while SQLite cannot be read (status must never throw). */
  #lastDepth = 0;
  #lastCursor = 0;
  #hubRev = 0;

  constructor(deps: SyncAgentDeps) {
    super();
    this.#d = deps;
    this.#log = (deps.logger ?? silentLogger).child({ stage: 'sync' });
    this.#clock = deps.clock ?? systemSyncClock;
  }

  start(): void {
    this.#stopped = false;
    this.#schedule(0);
  }

  /** Stops the loop; an exchange in flight finishes (its acks are applied) before this resolves. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    await this.#running;
    this.#d.client.close();
  }

  /** Never throws: it feeds /healthz, the admin page and the loop's own bookkeeping. */
  status(): SyncStatus {
    let lastError = this.#lastError;
    try {
      this.#lastDepth = this.#d.outbox.depth().records;
      this.#lastCursor = this.#d.outbox.cursor();
    } catch (err) {
      lastError = `cannot read the outbox: ${errorMessage(err)}`;
    }
    return {
      state: this.#refused ? 'refused' : this.#failures > 0 ? 'backing-off' : 'idle',
      lastSuccessAt: this.#lastSuccessAt,
      lastError,
      failures: this.#failures,
      outboxDepth: this.#lastDepth,
      cursor: this.#lastCursor,
      clock: clockStatus(this.#verdict, this.#clock.bootId(), this.#d.options.clockSkewSeconds * 1000, this.#clock.wallMs() - this.#clock.monoMs()),
    };
  }

  /** One exchange: push everything (up to a bound), then pull what is new. Throws on failure. */
  async syncOnce(): Promise<{ pushed: number; pulled: number }> {
    let pushed = 0;
    for (let round = 0; round < MAX_PUSH_ROUNDS; round++) {
      const batch = this.#d.outbox.nextBatch(this.#d.options.batchSize, this.#d.site);
      const depth = this.#d.outbox.depth();
      const monoMs = this.#clock.monoMs();
      const wallMs = this.#clock.wallMs();
      const reply = await this.#d.client.push({
        bootId: this.#clock.bootId(),
        monoMs,
        wallMs,
        outboxDepth: Math.max(0, depth.records - batch.records.length - batch.vacant.length),
        oldestPendingMs: depth.oldestWallMs,
        records: batch.records,
      });
      this.#verdict = { offsetMs: reply.clock.offsetMs, bootId: this.#clock.bootId(), wallMinusMonoMs: wallMs - monoMs };
      this.#hubRev = reply.galleryRev;
      // Only ids the hub acknowledged leave the outbox (plus rows whose subject no longer exists here).
      const sent = new Set(batch.records.map((r) => r.id));
      pushed += this.#d.outbox.ack([...reply.acked.filter((id) => sent.has(id)), ...batch.vacant]);
      if (batch.records.length + batch.vacant.length < this.#d.options.batchSize) break;
    }
    let pulled = 0;
    while (this.#hubRev > this.#d.outbox.cursor()) {
      const since = this.#d.outbox.cursor();
      const reply = await this.#d.client.gallery(since, this.#d.options.pullLimit);
      const applied = applyGallery(this.#d, reply, this.#d.site, this.#clock.wallMs(), this.#log);
      pulled += applied.people + applied.shifts + applied.manual + applied.voids;
      if (applied.people + applied.shifts > 0) this.emit('gallery', applied);
      // Anything an admin page shows changed (a correction, a person, a shift): open pages reload.
      if (applied.people + applied.shifts + applied.manual + applied.voids > 0) this.emit('records', applied);
      if (!reply.more || reply.next <= since) break;
    }
    this.#lastSuccessAt = this.#clock.wallMs();
    return { pushed, pulled };
  }

  #schedule(ms: number): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.#running = this.#tick().finally(() => (this.#running = null));
    }, ms);
    // Not unref'd: a started agent keeps its process alive (a kiosk with nothing else to do must still sync); stop() clears it.
  }

  async #tick(): Promise<void> {
    let delay = this.#d.options.intervalMs;
    try {
      const r = await this.syncOnce();
      if (this.#failures > 0 || this.#refused) this.#log.info({ after: this.#failures }, 'hub reachable again');
      this.#failures = 0;
      this.#refused = false;
      this.#lastError = null;
      if (r.pushed > 0 || r.pulled > 0) this.#log.debug(r, 'synced with the hub');
      const s = this.status();
      if (s.clock.state !== 'synchronised') this.#log.warn({ clock: s.clock }, 'clock not synchronised with the hub');
      // More waiting than one tick moves: go again at once.
      if (s.outboxDepth >= this.#d.options.batchSize) delay = 0;
    } catch (err) {
      this.#failures++;
      this.#lastError = errorMessage(err);
      this.#refused = err instanceof HubRequestError && err.kind === 'refused';
      delay = retryDelayMs(this.#failures, { baseMs: this.#d.options.backoffBaseMs, maxMs: this.#d.options.backoffMaxMs }, this.#d.random);
      const level = this.#refused ? 'error' : this.#failures === 1 ? 'warn' : 'debug';
      this.#log[level]({ err: this.#lastError, failures: this.#failures, retryInMs: delay }, this.#refused ? 'hub refused this kiosk (revoked?): pair it again' : 'hub exchange failed; retrying');
    }
    try {
      this.emit('status', this.status());
    } catch (err) {
      // A listener's fault (the admin socket) must not stop syncing or reject stop()'s wait.
      this.#log.error({ err: errorMessage(err) }, 'sync status listener failed');
    }
    this.#schedule(delay);
  }
}
