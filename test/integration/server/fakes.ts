/**
 * A strict fake of the KioskPort for server tests: the test drives every event by hand, and every
 * call the server makes is recorded. Enrollment writes real rows to the (temporary) store, so a
 * saved person shows up in the people list like with the real pipeline.
 */
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type {
  CameraStatus,
  DecisionEvent,
  EnrollmentPort,
  EvidencePort,
  HubLinkPort,
  KioskEvents,
  KioskPort,
  KioskStatus,
  PreviewFrame,
  RecordingStatus,
} from '../../../src/server/ports.ts';
import type { HubClockDto, HubLinkDto } from '../../../src/server/protocol.ts';
import { openStore, type Store } from '../../../src/store/store.ts';

/** Descriptor values the tests search every response for: none may ever leave the server. */
export const SECRET_DESCRIPTOR_VALUE = 0.123456789;

export function secretDescriptor(dim = 8): Float32Array {
  return new Float32Array(dim).fill(SECRET_DESCRIPTOR_VALUE);
}

export interface BeginCall {
  sessionId: string;
  name: string;
  employeeCode: string | null;
  personId?: number;
}

export class FakeKiosk implements KioskPort {
  readonly events = new EventEmitter<KioskEvents>();
  camera: CameraStatus = { state: 'running', reason: 'ok', since: 0, source: 'rtsp://user:secret@camera/stream' };
  recording: RecordingStatus = { recording: true, since: 0, pending: 0, error: null };
  readonly calls: { method: string; args: unknown[] }[] = [];
  readonly sessions = new Map<string, BeginCall>();
  private seq = 0;
  private beganWaiters: ((b: BeginCall) => void)[] = [];
  samplesPerEnrollment = 5;
  /** Make the next `begin` reject with this error. */
  failNextBegin: Error | null = null;

  constructor(private readonly store: Store) {}

  status(): KioskStatus {
    return { camera: this.camera, recording: this.recording, backend: 'fake', descriptor: 'fused', fps: 10, enrolledPeople: this.store.people.list().length };
  }

  readonly enrollment: EnrollmentPort = {
    begin: async (req) => {
      this.calls.push({ method: 'begin', args: [req] });
      if (this.failNextBegin !== null) {
        const err = this.failNextBegin;
        this.failNextBegin = null;
        throw err;
      }
      const sessionId = `enr-${++this.seq}`;
      const call: BeginCall = { sessionId, name: req.name, employeeCode: req.employeeCode };
      if (req.personId !== undefined) call.personId = req.personId;
      this.sessions.set(sessionId, call);
      for (const w of this.beganWaiters.splice(0)) w(call);
      return { sessionId, needed: this.samplesPerEnrollment };
    },
    confirm: async (sessionId, actor) => {
      this.calls.push({ method: 'confirm', args: [sessionId, actor] });
      const s = this.sessions.get(sessionId);
      if (s === undefined) throw new Error(`fake kiosk: confirm of unknown session ${sessionId}`);
      this.sessions.delete(sessionId);
      const personId =
        s.personId ?? this.store.people.upsert({ name: s.name, employeeCode: s.employeeCode }, actor).person.id;
      const samples = Array.from({ length: this.samplesPerEnrollment }, (_, i) => ({
        descriptor: secretDescriptor(),
        kind: 'fused' as const,
        modelVersion: 'fake-1',
        quality: 0.9,
        sourceKey: `${sessionId}#${i}`,
      }));
      this.store.people.addSamples(personId, samples, actor);
      return { personId, samples: samples.length };
    },
    cancel: async (sessionId) => {
      this.calls.push({ method: 'cancel', args: [sessionId] });
      this.sessions.delete(sessionId);
    },
    remove: async (personId, actor) => {
      this.calls.push({ method: 'remove', args: [personId, actor] });
      this.store.people.remove(personId, actor);
    },
  };

  /** The aligned crop (JPEG) of the face the fake camera has in view: the fallback's photo. */
  face: Buffer | null = null;

  /** Adds the photo as a sample like the real port, with a fake descriptor in place of the model's. */
  readonly evidence: EvidencePort = {
    currentFace: async (maxAgeMs) => {
      this.calls.push({ method: 'currentFace', args: [maxAgeMs] });
      return this.face;
    },
    addSample: async (personId, jpeg, sourceKey, actor) => {
      this.calls.push({ method: 'addSample', args: [personId, sourceKey, actor] });
      const r = this.store.people.addSamples(personId, [{ descriptor: secretDescriptor(), kind: 'fused', modelVersion: 'fake-1', quality: 1, sourceKey, crop: jpeg }], actor);
      return { added: r.added };
    },
  };

  /** Resolves with the next enrollment the server begins. */
  nextBegin(): Promise<BeginCall> {
    return new Promise((resolve) => this.beganWaiters.push(resolve));
  }

  decision(d: Partial<DecisionEvent> & Pick<DecisionEvent, 'result'>): void {
    this.events.emit('decision', {
      type: 'decision',
      track: d.track ?? 1,
      personId: null,
      name: null,
      similarity: 0.9,
      votes: {},
      frames: 6,
      firstSeen: (d.decidedAt ?? Date.now()) - 1500,
      decidedAt: Date.now(),
      trigger: 'window',
      logged: false,
      previousPunchTs: null,
      ...d,
    });
  }

  preview(frame: PreviewFrame): void {
    this.events.emit('preview', frame);
  }

  setRecording(r: RecordingStatus): void {
    this.recording = r;
    this.events.emit('recording', r);
  }

  setCamera(state: CameraStatus['state'], reason: string = state): void {
    this.camera = { ...this.camera, state, reason, since: Date.now() };
    this.events.emit('camera', this.camera);
  }
}

/** A real store on a throwaway file, removed by `done()`. */
export function tempStore(opts: { reportTimeZone?: string; clock?: () => number } = {}): { store: Store; done(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'kiosk-server-'));
  const store = openStore({ dataDir: dir, dbFile: 'kiosk.db', reportTimeZone: opts.reportTimeZone ?? 'Asia/Ho_Chi_Minh' }, { clock: opts.clock });
  return {
    store,
    done: () => {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The clock states a joined kiosk's sync agent reports (kiosk clock minus hub clock, in ms). */
export const HUB_CLOCK = {
  synchronised: { state: 'synchronised', offsetMs: 1_400 },
  skewedAhead: { state: 'not-synchronised', reason: 'skewed', offsetMs: 754_600 },
  skewedBehind: { state: 'not-synchronised', reason: 'skewed', offsetMs: -125_000 },
  unconfirmed: { state: 'not-synchronised', reason: 'hub-not-reached-since-boot' },
} as const satisfies Record<string, HubClockDto>;

export function hubLinkStatus(over: Partial<HubLinkDto> = {}): HubLinkDto {
  return {
    hubUrl: 'https://hub.example:8090',
    kioskId: 'door-2',
    site: 'depot',
    state: 'idle',
    lastSuccessAt: Date.UTC(2024, 2, 1, 1, 0, 0),
    lastError: null,
    failures: 0,
    outboxDepth: 0,
    clock: HUB_CLOCK.synchronised,
    maxSkewMs: 120_000,
    ...over,
  };
}

/** A settable hub link: `set` changes what the server reads and tells its listeners, as an exchange with the hub would. */
export class FakeHubLink implements HubLinkPort {
  private readonly listeners = new Set<(s: HubLinkDto) => void>();
  private readonly recordListeners = new Set<() => void>();

  constructor(private current: HubLinkDto = hubLinkStatus()) {}

  status(): HubLinkDto {
    return this.current;
  }

  onStatus(listener: (s: HubLinkDto) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  onRecordsChanged(listener: () => void): () => void {
    this.recordListeners.add(listener);
    return () => void this.recordListeners.delete(listener);
  }

  get listenerCount(): number {
    return this.listeners.size + this.recordListeners.size;
  }

  /** As a sync that applied the hub's corrections would. */
  recordsChanged(): void {
    for (const l of this.recordListeners) l();
  }

  set(patch: Partial<HubLinkDto>): void {
    this.current = { ...this.current, ...patch };
    for (const l of this.listeners) l(this.current);
  }
}
