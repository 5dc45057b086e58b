/**
 * Enrollment from the kiosk menu: watches the live loop's detections, captures `samples` good
 * faces (one face, big, frontal, sharp, then live once embedded), checks whether the face is
 * already enrolled, and on confirmation stores the samples and reloads the gallery.
 */
import { randomUUID } from 'node:crypto';
import { KioskError } from '../../errors.ts';
import type { Logger } from '../../log.ts';
import type { Frame } from '../../capture/types.ts';
import type { DetectedFace } from '../../model/engine.ts';
import type { ProbeMatcher } from '../../model/matcher.ts';
import type { ModelWorkerPool } from '../../model/worker/pool.ts';
import { embedInWorker } from '../../model/worker/clients.ts';
import { encodeCropJpeg } from '../../model/align/crop-jpeg.ts';
import type { DescriptorKind } from '../../model/types.ts';
import type { Store } from '../../store/store.ts';
import type { EnrollmentCaptured, EnrollmentPort, EnrollmentProgress } from '../../server/ports.ts';
import type { KioskLoop } from './kiosk-loop.ts';
import { evaluateGates } from './enrollment-gates.ts';
import type { EnrollmentOptions } from './enrollment-options.ts';

/** Cosine of two raw descriptors (fused ones are two unit halves: normalise by both norms). */
function cosine(a: Float32Array, b: Float32Array): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += (a[i] as number) * (b[i] as number);
    aa += (a[i] as number) ** 2;
    bb += (b[i] as number) ** 2;
  }
  return aa > 0 && bb > 0 ? ab / Math.sqrt(aa * bb) : 0;
}

interface Sample {
  descriptor: Float32Array;
  quality: number;
  /** The aligned face crop as JPEG, kept for re-embedding under a later model. */
  crop: Buffer | null;
}

interface Session {
  id: string;
  name: string;
  employeeCode: string | null;
  personId: number | undefined;
  samples: Sample[];
  embedding: boolean;
  lastCaptureAt: number;
  startedAt: number;
  complete: boolean;
  /** The track the samples come from: another face stepping in is never mixed in. */
  trackId: number | null;
}

export interface EnrollmentDeps {
  loop: KioskLoop;
  /** The embedding workers and their descriptor in use now (a model switch replaces both). */
  embedPool: () => ModelWorkerPool;
  store: Store;
  matcher: () => ProbeMatcher | null;
  descriptor: () => { kind: DescriptorKind; version: string };
  options: EnrollmentOptions;
  /** Called after a person's face data changed (reload gallery, retrain in the background). */
  onGalleryChanged: () => void;
  emitProgress: (p: EnrollmentProgress) => void;
  emitCaptured: (c: EnrollmentCaptured) => void;
  emitFailed: (f: { sessionId: string; reason: string }) => void;
  /** Erases a person's face data (descriptors, snapshots), audited. */
  remove: (personId: number, actor: string) => { removed: boolean };
  logger: Logger;
  clock?: () => number;
}

export class KioskEnrollment implements EnrollmentPort {
  readonly #d: EnrollmentDeps;
  readonly #clock: () => number;
  #session: Session | null = null;
  readonly #onFaces = (frame: Frame, faces: DetectedFace[], tracks: readonly (number | null)[]): void => this.#frame(frame, faces, tracks);

  constructor(deps: EnrollmentDeps) {
    this.#d = deps;
    this.#clock = deps.clock ?? Date.now;
  }

  async begin(req: { name: string; employeeCode: string | null; personId?: number }): Promise<{ sessionId: string; needed: number }> {
    const name = req.name.normalize('NFC').trim();
    if (!name) throw new KioskError('USAGE', 'a name is required to enroll', { hint: 'type the person\'s full name' });
    if (req.personId !== undefined && !this.#d.store.people.get(req.personId)) throw new KioskError('USAGE', `person ${req.personId} does not exist`);
    if (this.#session) this.#end('replaced by a new enrollment');
    this.#session = { id: randomUUID(), name, employeeCode: req.employeeCode?.trim() || null, personId: req.personId, samples: [], embedding: false, lastCaptureAt: 0, startedAt: this.#clock(), complete: false, trackId: null };
    this.#d.loop.on('faces', this.#onFaces);
    this.#d.logger.info({ sessionId: this.#session.id, name }, 'enrollment started');
    return { sessionId: this.#session.id, needed: this.#d.options.samples };
  }

  async confirm(sessionId: string, actor: string): Promise<{ personId: number; samples: number }> {
    const s = this.#require(sessionId);
    if (!s.complete) throw new KioskError('USAGE', `enrollment has ${s.samples.length} of ${this.#d.options.samples} samples`, { hint: 'wait until every sample is captured' });
    const people = this.#d.store.people;
    const personId = s.personId ?? people.upsert({ name: s.name, employeeCode: s.employeeCode }, actor).person.id;
    const { kind, version } = this.#d.descriptor();
    const res = people.addSamples(personId, s.samples.map((x, i) => ({
      descriptor: x.descriptor, kind, modelVersion: version, quality: x.quality, sourceKey: `kiosk:${s.id}:${i}`,
      ...(x.crop ? { crop: x.crop } : {}),
    })), actor);
    this.#end(null);
    this.#d.onGalleryChanged();
    this.#d.logger.info({ personId, samples: res.added }, 'enrollment saved');
    return { personId, samples: res.added };
  }

  async cancel(sessionId: string): Promise<void> {
    if (this.#session?.id === sessionId) this.#end(null);
  }

  async remove(personId: number, actor: string): Promise<void> {
    const r = this.#d.remove(personId, actor);
    if (!r.removed) throw new KioskError('USAGE', `person ${personId} does not exist`);
    this.#d.onGalleryChanged();
  }

  #require(sessionId: string): Session {
    const s = this.#session;
    if (!s || s.id !== sessionId) throw new KioskError('USAGE', 'that enrollment is no longer active', { hint: 'start the enrollment again' });
    return s;
  }

  #end(reason: string | null): void {
    const s = this.#session;
    this.#d.loop.off('faces', this.#onFaces);
    this.#session = null;
    if (s && reason) this.#d.emitFailed({ sessionId: s.id, reason });
  }

  #frame(_frame: Frame, faces: DetectedFace[], tracks: readonly (number | null)[]): void {
    const s = this.#session;
    if (!s || s.complete) return;
    const now = this.#clock();
    if (now - s.startedAt > this.#d.options.timeoutMs) {
      this.#end(`timed out after ${Math.round(this.#d.options.timeoutMs / 1000)} s with ${s.samples.length} of ${this.#d.options.samples} samples`);
      return;
    }
    const verdict = evaluateGates(faces.map((f) => f.observation), this.#d.options);
    const progress = (hint = verdict.hint, live = false): void =>
      this.#d.emitProgress({ sessionId: s.id, gates: { ...verdict.gates, live }, hint, captured: s.samples.length, needed: this.#d.options.samples });
    if (!verdict.ready || s.embedding || now - s.lastCaptureAt < this.#d.options.minIntervalMs) {
      progress();
      return;
    }
    const face = faces[0] as DetectedFace;
    const trackId = tracks[0] ?? null;
    if (s.trackId !== null && trackId !== s.trackId && s.samples.length === 0) s.trackId = null;
    const job = embedInWorker(this.#d.embedPool(), [face]);
    if (!job) return progress();
    s.embedding = true;
    progress();
    job.then(async ([emb]) => {
      if (this.#session !== s || !emb) return;
      const o = this.#d.options;
      const live = (emb.antispoof ?? 1) >= o.minAntispoof && (emb.liveness ?? 1) >= o.minLiveness;
      if (!live) return progress('not-live', false);
      // Every sample must be the person of the first one: same track, or (after they stepped out
      // and back) the same face by similarity. Someone else in front of the camera is refused.
      const first = s.samples[0];
      if (first && trackId !== s.trackId && cosine(first.descriptor, emb.descriptor) < o.minSelfSimilarity) return progress('different-person', true);
      s.trackId = trackId;
      s.samples.push({ descriptor: emb.descriptor, quality: face.observation.quality.score, crop: face.aligned ? await encodeCropJpeg(face.aligned) : null });
      s.lastCaptureAt = this.#clock();
      if (s.samples.length < o.samples) return progress(verdict.hint, true);
      s.complete = true;
      progress('done', true);
      this.#d.emitCaptured({ sessionId: s.id, captured: s.samples.length, duplicateOf: this.#duplicateOf(s) });
    }).catch((err: unknown) => {
      this.#d.logger.warn({ err: String(err) }, 'enrollment embedding failed');
    }).finally(() => {
      s.embedding = false;
    });
  }

  /** The enrolled person most samples match above the open-set threshold (other than the one being re-enrolled). */
  #duplicateOf(s: Session): EnrollmentCaptured['duplicateOf'] {
    const m = this.#d.matcher();
    if (!m) return null;
    const hits = new Map<number, { name: string; sims: number[] }>();
    for (const x of s.samples) {
      const r = m.match(x.descriptor);
      if (!r.person || r.person.personId === s.personId) continue;
      const h = hits.get(r.person.personId) ?? { name: r.person.name, sims: [] };
      h.sims.push(r.person.similarity);
      hits.set(r.person.personId, h);
    }
    const best = [...hits.entries()].sort((a, b) => b[1].sims.length - a[1].sims.length)[0];
    if (!best || best[1].sims.length * 2 < s.samples.length) return null;
    return { personId: best[0], name: best[1].name, similarity: best[1].sims.reduce((a, b) => a + b, 0) / best[1].sims.length };
  }
}
