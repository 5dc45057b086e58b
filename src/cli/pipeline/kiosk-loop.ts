/**
 * The kiosk loop: frames → detect (worker) → track → embed (other workers, only for tracks still
 * voting and usable faces) → match → vote → attendance. Detection never waits for a descriptor:
 * embedding results come back as promises and feed the voter whenever they land. Both model
 * stages run off this thread, so it keeps reading the camera (stale frames are dropped, not
 * queued in the pipe) and serving the screens while the models work.
 */
import { EventEmitter } from 'node:events';
import sharp from 'sharp';
import type { Frame, FrameSource, StateChange } from '../../capture/types.ts';
import type { DetectedFace } from '../../model/engine.ts';
import { encodeCropJpeg } from '../../model/align/crop-jpeg.ts';
import type { Box } from '../../model/types.ts';
import type { EvidenceOwner } from '../../store/evidence-photos-repo.ts';
import type { ModelWorkerPool } from '../../model/worker/pool.ts';
import { detectInWorker, embedInWorker } from '../../model/worker/clients.ts';
import type { ProbeMatcher } from '../../model/matcher.ts';
import { errorMessage } from '../../errors.ts';
import type { Logger } from '../../log.ts';
import type { Voter } from '../../vote/voter.ts';
import { toVote } from '../../vote/to-vote.ts';
import type { VoteEvent } from '../../vote/types.ts';
import type { CameraStatus, DecisionEvent, PreviewFace, PreviewFrame } from '../../server/ports.ts';
import type { PipelineOptions } from './options.ts';
import type { LoopMetrics } from './metrics.ts';
import { TrackCrops } from './track-crops.ts';

export interface LoopEvents {
  decision: [DecisionEvent];
  preview: [PreviewFrame];
  camera: [CameraStatus];
  /** Emitted every tickMs while the loop is healthy: frames are flowing, or the camera is being reconnected. */
  heartbeat: [];
  /** Every processed frame with its detections and their track ids (enrollment sessions listen here). */
  faces: [Frame, DetectedFace[], readonly (number | null)[]];
  vote: [VoteEvent];
}

export interface LoopDeps {
  source: FrameSource;
  /** One detection worker: the main thread stays free to read the camera and serve screens. */
  detectPool: ModelWorkerPool;
  embedPool: ModelWorkerPool;
  /** The current matcher; enrollment may replace it between frames. */
  matcher: () => ProbeMatcher | null;
  voter: Voter;
  /** Persists a decision and returns what to announce. */
  decide: (e: Extract<VoteEvent, { type: 'track.decided' }>) => DecisionEvent;
  options: PipelineOptions;
  logger: Logger;
  clock?: () => number;
  metrics?: LoopMetrics;
  /** Stores a decision's evidence photo (the track's best aligned crop, JPEG); absent: none is kept. */
  savePhoto?: (owner: EvidenceOwner, jpeg: Buffer) => void;
}

export interface LoopSummary {
  type: 'summary';
  source: string;
  /** Capture time of the first frame processed (ms epoch), or null if none came. */
  firstFrameTs: number | null;
  framesRead: number;
  framesProcessed: number;
  framesDropped: number;
  detectErrors: number;
  embeds: { submitted: number; completed: number; skippedBusy: number; failed: number };
  decisions: { person: number; unknown: number; spoof: number; logged: number };
  seconds: number;
  fps: number;
  reconnects: number;
  endReason: string;
}

export class KioskLoop extends EventEmitter<LoopEvents> {
  readonly #d: LoopDeps;
  readonly #clock: () => number;
  readonly #labels = new Map<number, string>();
  /** Each track's sharpest aligned crop (its evidence photo) and the main face's (the fallback's photo). */
  readonly #crops = new TrackCrops();
  /** Evidence photos being encoded and stored: a finite run waits for them before it reports. */
  readonly #photoJobs = new Set<Promise<void>>();
  #processed = 0;
  #firstFrameTs: number | null = null;
  #detectErrors = 0;
  #skippedBusy = 0;
  #embedFailed = 0;
  readonly #decisions = { person: 0, unknown: 0, spoof: 0, logged: 0 };
  #lastPreviewAt = 0;
  #previewBusy = false;
  #stopped = false;
  /** Time the loop last finished a frame: the watchdog's heartbeat. */
  lastProgressAt = 0;
  camera: CameraStatus;

  constructor(deps: LoopDeps) {
    super();
    this.#d = deps;
    this.#clock = deps.clock ?? Date.now;
    this.camera = { state: 'starting', reason: 'starting', since: this.#clock(), source: deps.source.label };
    deps.source.on('state', (c: StateChange) => {
      this.camera = { state: c.state, reason: c.reason, since: c.ts, source: deps.source.label };
      this.emit('camera', this.camera);
      const level = c.state === 'lost' || c.state === 'reconnecting' ? 'warn' : 'info';
      deps.logger[level]({ state: c.state, code: c.code, reason: c.reason }, `camera ${c.state}: ${c.reason}`);
    });
  }

  get fps(): number {
    return this.#fps;
  }

  #fps = 0;

  async run(): Promise<LoopSummary> {
    const started = this.#clock();
    const ticker = setInterval(() => {
      const now = this.#clock();
      this.#handle(this.#d.voter.tick(now));
      if (this.healthy(now)) this.emit('heartbeat');
    }, this.#d.options.tickMs);
    let windowStart = started;
    let windowFrames = 0;
    try {
      for await (const frame of this.#d.source) {
        if (this.#stopped) break;
        this.#firstFrameTs ??= frame.ts;
        await this.#processFrame(frame);
        this.#processed++;
        windowFrames++;
        this.lastProgressAt = this.#clock();
        if (this.lastProgressAt - windowStart >= 1000) {
          this.#fps = (windowFrames * 1000) / (this.lastProgressAt - windowStart);
          windowStart = this.lastProgressAt;
          windowFrames = 0;
        }
      }
    } finally {
      clearInterval(ticker);
    }
    // A finite source ended: let in-flight votes land, then decide what is left.
    await this.#d.embedPool.drain();
    this.#handle(this.#d.voter.tick(this.#clock()));
    this.#handle(this.#d.voter.flush());
    await Promise.allSettled([...this.#photoJobs]);
    const seconds = (this.#clock() - started) / 1000;
    const c = this.#d.source.counters;
    const ps = this.#d.embedPool.stats;
    return {
      type: 'summary',
      source: this.#d.source.label,
      firstFrameTs: this.#firstFrameTs,
      framesRead: c.framesRead,
      framesProcessed: this.#processed,
      framesDropped: c.framesDropped,
      detectErrors: this.#detectErrors,
      embeds: { submitted: ps.submitted, completed: ps.completed, skippedBusy: this.#skippedBusy, failed: this.#embedFailed },
      decisions: { ...this.#decisions },
      seconds: Math.round(seconds * 100) / 100,
      fps: seconds > 0 ? Math.round((this.#processed / seconds) * 100) / 100 : 0,
      reconnects: c.reconnects,
      endReason: this.#d.source.lastChange?.reason ?? (this.#stopped ? 'stopped' : 'ended'),
    };
  }

  /**
   * Alive = a frame was processed recently, or the camera is not delivering (lost, reconnecting,
   * starting): then the capture stage's own watchdog is at work and the loop is merely waiting.
   */
  healthy(now: number): boolean {
    if (this.camera.state !== 'running') return true;
    return now - Math.max(this.lastProgressAt, this.camera.since) <= this.#d.options.stallAfterMs;
  }

  useMetrics(metrics: LoopMetrics): void {
    this.#d.metrics = metrics;
  }

  /** Embed with other workers from now on (a descriptor switch); votes in flight finish on the old ones. */
  replaceEmbedPool(pool: ModelWorkerPool): void {
    this.#d.embedPool = pool;
  }

  /** Swap the voter (new thresholds or window from the admin settings); tracks in progress start over. */
  replaceVoter(voter: Voter): void {
    this.#d.voter = voter;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#d.source.stop();
  }

  async #processFrame(frame: Frame): Promise<void> {
    let faces: DetectedFace[];
    try {
      const t0 = performance.now();
      const job = detectInWorker(this.#d.detectPool, frame, { frameSeq: frame.seq, ts: frame.ts });
      if (!job) throw new Error('detection worker unavailable');
      faces = await job;
      this.#d.metrics?.observe('detect', (performance.now() - t0) / 1000);
      this.#d.metrics?.frame();
    } catch (err) {
      // A bad frame is skipped, never fatal to the loop.
      this.#detectErrors++;
      this.#d.logger.warn({ err: errorMessage(err), seq: frame.seq }, 'detection failed on a frame');
      return;
    }
    const { assignments, events } = this.#d.voter.frame(frame.seq, frame.ts, faces.map((f) => f.observation.box));
    this.#crops.observe(
      frame.ts,
      faces.map((f) => ({ aligned: f.aligned, area: f.observation.box.width * f.observation.box.height, score: f.observation.quality.score })),
      assignments,
      this.#d.savePhoto !== undefined,
    );
    this.#handle(events);
    // Tracks closest to a decision are embedded first: when the workers are busy, the free slot
    // goes to the face that needs the fewest votes, not to whichever was detected first.
    const wanted: Array<{ trackId: number; face: DetectedFace; urgency: number }> = [];
    faces.forEach((face, i) => {
      const trackId = assignments[i];
      if (trackId === null || trackId === undefined || !this.#d.voter.needsDescriptor(trackId)) return;
      const q = face.observation.quality;
      if (q.sizePx < this.#d.options.minEmbedFacePx || q.score < this.#d.options.minEmbedQuality) return;
      wanted.push({ trackId, face, urgency: this.#d.voter.urgency(trackId) });
    });
    wanted.sort((a, b) => a.urgency - b.urgency || a.trackId - b.trackId);
    for (const w of wanted) this.#embed(w.trackId, w.face);
    this.#handle(this.#d.voter.tick(frame.ts));
    if (this.listenerCount('faces') > 0) this.emit('faces', frame, faces, assignments);
    this.#maybePreview(frame, faces, assignments);
  }

  /**
   * The aligned crop of the largest face seen within `maxAgeMs` as a JPEG (the fallback's photo of
   * who is in front of the camera), or null when nobody with an alignable face was there.
   */
  async mainFaceJpeg(maxAgeMs: number): Promise<Buffer | null> {
    const main = this.#crops.main(this.#clock(), maxAgeMs);
    return main === null ? null : encodeCropJpeg(main);
  }

  /** Encodes and stores the decided track's photo off the decision path: a failure costs the photo, never the punch. */
  #savePhoto(trackId: number, decision: DecisionEvent): void {
    const save = this.#d.savePhoto;
    const crop = this.#crops.best(trackId);
    const owner: EvidenceOwner | null =
      decision.punchId !== undefined ? { kind: 'punch', id: decision.punchId } : decision.sightingId !== undefined ? { kind: 'sighting', id: decision.sightingId } : null;
    if (save === undefined || crop === null || owner === null) return;
    const job = encodeCropJpeg(crop)
      .then((jpeg) => save(owner, jpeg))
      .catch((err: unknown) => this.#d.logger.warn({ err: errorMessage(err), ...owner }, 'could not keep the evidence photo'))
      .finally(() => this.#photoJobs.delete(job));
    this.#photoJobs.add(job);
  }

  #embed(trackId: number, face: DetectedFace): void {
    const job = embedInWorker(this.#d.embedPool, [face]);
    if (!job) {
      this.#skippedBusy++;
      this.#d.metrics?.embedSkipped();
      return;
    }
    const t0 = performance.now();
    const frameSeq = face.observation.frameSeq;
    this.#d.voter.expectVote(trackId, frameSeq);
    job.then(([emb]) => {
      const matcher = this.#d.matcher();
      if (!emb || !matcher) {
        this.#handle(this.#d.voter.cancelVote(trackId, frameSeq));
        return;
      }
      this.#d.metrics?.observe('embed', (performance.now() - t0) / 1000);
      const obs = { ...face.observation, antispoof: emb.antispoof, liveness: emb.liveness };
      const t1 = performance.now();
      const match = matcher.match(emb.descriptor);
      this.#d.metrics?.observe('match', (performance.now() - t1) / 1000);
      const vote = toVote(trackId, obs, match);
      this.#d.logger.debug({ vote }, 'vote');
      this.#handle(this.#d.voter.addVote(vote));
    }).catch((err: unknown) => {
      this.#embedFailed++;
      this.#d.logger.warn({ err: errorMessage(err), trackId }, 'embedding failed');
      this.#handle(this.#d.voter.cancelVote(trackId, frameSeq));
    });
  }

  #handle(events: readonly VoteEvent[]): void {
    for (const e of events) {
      if (this.listenerCount('vote') > 0) this.emit('vote', e);
      this.#d.logger.debug({ event: e.type, trackId: e.trackId }, e.type);
      if (e.type === 'track.decided') {
        let decision: DecisionEvent;
        try {
          const t0 = performance.now();
          decision = this.#d.decide(e);
          this.#d.metrics?.observe('db_write', (performance.now() - t0) / 1000);
        } catch (err) {
          // The store refused (disk full, locked): say so loudly, keep the loop alive.
          this.#d.logger.error({ err: errorMessage(err), trackId: e.trackId }, 'could not record decision');
          continue;
        }
        this.#decisions[decision.result]++;
        this.#d.metrics?.decision(decision.result, decision.logged);
        if (decision.logged) this.#decisions.logged++;
        this.#labels.set(e.trackId, decision.result === 'person' ? (decision.name ?? 'person') : decision.result);
        this.#savePhoto(e.trackId, decision);
        this.emit('decision', decision);
      } else if (e.type === 'track.end') {
        this.#labels.delete(e.trackId);
        this.#crops.end(e.trackId);
      }
    }
  }

  /** What the screen shows on a face: its decision, or how far its vote is and what the person should do. */
  #faceState(trackId: number, box: Box, frame: Frame): Pick<PreviewFace, 'state' | 'label' | 'progress'> {
    const label = this.#labels.get(trackId);
    if (label !== undefined) return { state: 'decided', label };
    const p = this.#d.voter.progress(trackId);
    const progress = p ? { votes: p.votes, needed: p.needed } : undefined;
    const tooClose = box.height > this.#d.options.stepBackFaceShare * frame.height || box.x < 0 || box.y < 0 || box.x + box.width > frame.width || box.y + box.height > frame.height;
    const state = tooClose ? 'step-back' : p?.holdStill === true ? 'hold-still' : 'collecting';
    return progress ? { state, label: null, progress } : { state, label: null };
  }

  #maybePreview(frame: Frame, faces: DetectedFace[], assignments: readonly (number | null)[]): void {
    const o = this.#d.options;
    if (o.previewFps <= 0 || this.listenerCount('preview') === 0 || this.#previewBusy) return;
    const now = this.#clock();
    if (now - this.#lastPreviewAt < 1000 / o.previewFps) return;
    this.#lastPreviewAt = now;
    this.#previewBusy = true;
    const scale = o.previewWidth / frame.width;
    const height = Math.round(frame.height * scale);
    const boxes: PreviewFace[] = [];
    faces.forEach((f, i) => {
      const trackId = assignments[i];
      if (trackId === null || trackId === undefined) return;
      const b = f.observation.box;
      boxes.push({ trackId, box: { x: b.x * scale, y: b.y * scale, width: b.width * scale, height: b.height * scale }, ...this.#faceState(trackId, b, frame) });
    });
    sharp(frame.pixels, { raw: { width: frame.width, height: frame.height, channels: 3 } })
      .resize(o.previewWidth, height).jpeg({ quality: o.previewQuality }).toBuffer()
      .then((jpeg) => this.emit('preview', { ts: frame.ts, width: o.previewWidth, height, jpeg, faces: boxes }))
      .catch((err: unknown) => this.#d.logger.warn({ err: errorMessage(err) }, 'preview encoding failed'))
      .finally(() => {
        this.#previewBusy = false;
      });
  }
}
