/**
 * What the server needs from the running kiosk, as plain interfaces. `src/cli/serve.ts` wires the
 * real capture → model → vote → store pipeline into these; tests pass fakes. The server never
 * imports capture or model internals.
 */
import type { EventEmitter } from 'node:events';

/** The small unions the screen shares are defined once, in protocol.ts (which imports nothing). */
export type { CameraState, DecisionResult, DecisionTrigger, EnrollmentGates, EnrollmentHint, PreviewFaceState, VoteProgress } from './protocol.ts';
import type { CameraState, DecisionResult, DecisionTrigger, EnrollmentGates, EnrollmentHint, HubLinkDto, PreviewFaceState, VoteProgress } from './protocol.ts';

/** One decision of the time-window vote (the same object `kiosk run --json` prints). */
export interface DecisionEvent {
  type: 'decision';
  track: number;
  result: DecisionResult;
  personId: number | null;
  name: string | null;
  similarity: number;
  votes: Record<string, number>;
  frames: number;
  firstSeen: number;
  decidedAt: number;
  /** What decided it: the window, an early uncontested vote, the track leaving, or few clear votes. */
  trigger: DecisionTrigger;
  /** True when a punch was written; false inside the cooldown (already checked in) or for unknown/spoof. */
  logged: boolean;
  /** When logged is false because of the cooldown: the earlier punch's time (ms epoch). */
  previousPunchTs: number | null;
  /** The punch written now (absent when none was, or it waits in the journal): what "not me" voids. */
  punchId?: number;
  /** The unknown/spoof sighting written now: its evidence photo is stored under it. */
  sightingId?: number;
}

export interface PreviewFace {
  trackId: number;
  box: { x: number; y: number; width: number; height: number };
  /**
   * collecting: votes are coming in; hold-still: its window elapsed and it needs more votes;
   * step-back: the face is too large to align; decided: `label` says what.
   */
  state: PreviewFaceState;
  /** Name once decided as a person; 'unknown' / 'spoof' once decided so; null while collecting. */
  label: string | null;
  /** Votes so far and votes needed, while undecided. */
  progress?: VoteProgress;
}

/** A camera frame for the screen, already JPEG-encoded and rate-limited by the pipeline. */
export interface PreviewFrame {
  ts: number;
  width: number;
  height: number;
  jpeg: Buffer;
  faces: PreviewFace[];
}


export interface CameraStatus {
  state: CameraState;
  reason: string;
  since: number;
  source: string;
}



/** Whether decisions reach the database (see store/durable-recorder.ts). */
export interface RecordingStatus {
  recording: boolean;
  since: number;
  pending: number;
  /** The database's refusal while not recording (admin and health only). */
  error: string | null;
}

export interface EnrollmentProgress {
  sessionId: string;
  gates: EnrollmentGates;
  hint: EnrollmentHint;
  captured: number;
  needed: number;
}

export interface EnrollmentCaptured {
  sessionId: string;
  captured: number;
  /** Set when the captured face already matches an enrolled person: the UI must ask for confirmation. */
  duplicateOf: { personId: number; name: string; similarity: number } | null;
}

export interface EnrollmentPort {
  /** Start capturing from the live camera for a new person (or `personId` to re-enroll). */
  begin(req: { name: string; employeeCode: string | null; personId?: number }): Promise<{ sessionId: string; needed: number }>;
  /** Save the captured samples; the person can check in right away and the model retrains in the background. */
  confirm(sessionId: string, actor: string): Promise<{ personId: number; samples: number }>;
  cancel(sessionId: string): Promise<void>;
  /** Delete a person's face data (and the person, if they have no punches). */
  remove(personId: number, actor: string): Promise<void>;
}

export interface KioskEvents {
  decision: [DecisionEvent];
  preview: [PreviewFrame];
  camera: [CameraStatus];
  recording: [RecordingStatus];
  'enrollment:progress': [EnrollmentProgress];
  'enrollment:captured': [EnrollmentCaptured];
  'enrollment:failed': [{ sessionId: string; reason: string }];
}

export interface KioskStatus {
  camera: CameraStatus;
  recording: RecordingStatus;
  backend: string;
  descriptor: string;
  fps: number;
  enrolledPeople: number;
}

/** Evidence photos: the face in front of the camera now, and adding a stored photo to a person's samples. */
export interface EvidencePort {
  /** The aligned crop (JPEG) of the main face seen within `maxAgeMs`, or null when nobody was there. */
  currentFace(maxAgeMs: number): Promise<Buffer | null>;
  /**
   * Embeds a stored aligned crop (JPEG) with the configured descriptor and adds it to the person's
   * samples under `sourceKey` (with the crop, so a later model can re-embed it).
   */
  addSample(personId: number, jpeg: Buffer, sourceKey: string, actor: string): Promise<{ added: number }>;
}

export interface KioskPort {
  events: EventEmitter<KioskEvents>;
  status(): KioskStatus;
  enrollment: EnrollmentPort;
  evidence: EvidencePort;
}

/**
 * Optional: enrollment thumbnails for the admin people list. Only consulted when the server's
 * `snapshotsEnabled` is on; the pipeline decides whether it keeps any (privacy: off by default).
 */
export interface SnapshotPort {
  /** A small JPEG of the person's enrollment, or null when none was kept. */
  thumbnail(personId: number): Promise<Buffer | null>;
}

/**
 * Optional: a joined kiosk's link to its hub (`src/cli` adapts the sync agent to it). Absent in
 * single-kiosk mode, and then the admin pages and /healthz say nothing about a hub.
 */
export interface HubLinkPort {
  status(): HubLinkDto;
  /** `listener` runs after every exchange with the hub, success or failure; the returned function detaches it. */
  onStatus(listener: (s: HubLinkDto) => void): () => void;
  /**
   * `listener` runs when a sync applied the hub's changes to this kiosk's records (a void or manual
   * punch made on the hub, a person, a shift); the returned function detaches it.
   */
  onRecordsChanged(listener: () => void): () => void;
}
