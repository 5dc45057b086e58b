/**
 * The wire contract between the server and the browser UIs: socket.io event maps and the DTOs of
 * the admin HTTP API. Types only (no runtime code, no imports), so `kiosk-ui` can `import type` it and both
 * ends are checked against one definition. The runtime validators live in `socket-schemas.ts`
 * and `routes/schemas.ts`, each checked against these types.
 */
// The small unions shared with ports.ts are defined here, so this file imports nothing (the browser
// build has no node types); ports.ts re-exports them.
export type DecisionResult = 'person' | 'unknown' | 'spoof';
/** What decided a track (the voter's trigger). */
export type DecisionTrigger = 'window' | 'uncontested' | 'track-ended' | 'few-votes';
export type CameraState = 'starting' | 'running' | 'reconnecting' | 'lost' | 'ended';
export interface EnrollmentGates {
  oneFace: boolean;
  bigEnough: boolean;
  frontal: boolean;
  sharp: boolean;
  live: boolean;
}
export type EnrollmentHint = 'no-face' | 'several-faces' | 'come-closer' | 'look-straight' | 'turn-left' | 'turn-right' | 'hold-still' | 'not-live' | 'different-person' | 'done';

export type Language = 'vi' | 'en';

// ---------- socket.io: namespace /kiosk (the screen at the door) ----------

/** Namespace paths as literal types: each end writes the string and the compiler checks it. */
export type KioskNamespace = '/kiosk';
export type AdminNamespace = '/admin';

export interface KioskConfigDto {
  language: Language;
  timeZone: string;
  sound: boolean;
  greetingMs: number;
  /** False until a PIN exists (config or first-run setup): the menu then says to finish setup first. */
  menuAvailable: boolean;
  /**
   * This screen may show faces and names: it is the device's own (loopback) or was paired with a
   * code from the admin pages. Unpaired screens get no preview, no decisions and no menu.
   */
  paired: boolean;
  /** Name given at pairing; null for the device's own screen and unpaired ones. */
  displayName: string | null;
  /** The first-run setup code, only to paired screens and only until setup is done. */
  setupCode: string | null;
  /** How long after a punch its greeting offers "Not me" (the server refuses later touches). */
  notMeMs: number;
}

export interface CameraStatusDto {
  state: CameraState;
  reason: string;
  since: number;
}

/**
 * Whether decisions reach the attendance log. `recording: false`: the database refuses writes and
 * decisions wait in the journal; the screen says "not recording: call an admin".
 */
export interface RecordingStatusDto {
  recording: boolean;
  since: number;
  /** Decisions waiting in the journal for the database. */
  pending: number;
}

export type PreviewFaceState = 'collecting' | 'hold-still' | 'step-back' | 'decided';

export interface VoteProgress {
  votes: number;
  needed: number;
}

export interface PreviewFaceDto {
  trackId: number;
  box: { x: number; y: number; width: number; height: number };
  state: PreviewFaceState;
  label: string | null;
  progress?: VoteProgress;
}

export interface PreviewDto {
  ts: number;
  width: number;
  height: number;
  /** JPEG bytes; socket.io sends them as a binary attachment (an ArrayBuffer in the browser). */
  jpeg: ArrayBuffer | Uint8Array;
  faces: PreviewFaceDto[];
}

export interface DecisionDto {
  track: number;
  result: DecisionResult;
  personId: number | null;
  name: string | null;
  decidedAt: number;
  /** A punch was written now. False with previousPunchTs set: already checked in at that time. */
  logged: boolean;
  previousPunchTs: number | null;
  /** The punch written now: the screen offers "not me" for it for `notMeMs`. */
  punchId?: number;
}

export interface EnrollmentProgressDto {
  sessionId: string;
  gates: EnrollmentGates;
  hint: EnrollmentHint;
  captured: number;
  needed: number;
}

export interface EnrollmentCapturedDto {
  sessionId: string;
  captured: number;
  duplicateOf: { personId: number; name: string; similarity: number } | null;
}

export interface EnrollmentFailedDto {
  sessionId: string;
  reason: string;
}

export interface PersonSummaryDto {
  id: number;
  name: string;
  employeeCode: string | null;
  sampleCount: number;
}

/** Why a kiosk menu or admin socket request was refused. */
export type RefusalReason =
  | 'bad-request'
  | 'locked'
  | 'unauthorized'
  | 'wrong-pin'
  | 'no-pin'
  | 'rate-limited'
  | 'not-found'
  | 'busy'
  | 'unpaired'
  | 'failed';

export interface Refusal {
  ok: false;
  reason: RefusalReason;
  /** Human-readable detail (English; the UI shows its own translated text per reason). */
  message?: string;
  retryAfterMs?: number;
}

export type Reply<T extends object = Record<never, never>> = ({ ok: true } & T) | Refusal;
export type Ack<T extends object = Record<never, never>> = (reply: Reply<T>) => void;

export interface KioskServerToClient {
  hello: (config: KioskConfigDto, camera: CameraStatusDto) => void;
  preview: (frame: PreviewDto) => void;
  decision: (d: DecisionDto) => void;
  camera: (c: CameraStatusDto) => void;
  /** Sent after hello and on every change. */
  recording: (r: RecordingStatusDto) => void;
  'enrollment:progress': (p: EnrollmentProgressDto) => void;
  'enrollment:captured': (c: EnrollmentCapturedDto) => void;
  'enrollment:failed': (f: EnrollmentFailedDto) => void;
  /** The menu locked itself (timeout); the UI returns to the camera view. */
  'menu:locked': () => void;
}

export interface UnlockRequest {
  pin: string;
}
export interface PeopleListRequest {
  search?: string;
}
export interface EnrollBeginRequest {
  name: string;
  employeeCode: string | null;
  /** Re-enroll this existing person instead of creating one. */
  personId?: number;
}
export interface EnrollSessionRequest {
  sessionId: string;
}
export interface PersonRequest {
  personId: number;
}

export interface PairRequest {
  /** The pairing code issued in the admin pages (dashes and case ignored). */
  code: string;
}

/** The "Not recognised?" fallback: the person's employee code and personal PIN. */
export interface FallbackRequest {
  employeeCode: string;
  pin: string;
}

/** "Not me" on a greeting: voids that punch while the greeting still offers it. */
export interface NotMeRequest {
  punchId: number;
}

export interface KioskClientToServer {
  /** Pairs this screen; the token is kept by the browser and sent as handshake auth `displayToken`. */
  'display:pair': (req: PairRequest, ack: Ack<{ token: string; name: string }>) => void;
  'menu:unlock': (req: UnlockRequest, ack: Ack<{ expiresInMs: number }>) => void;
  'menu:lock': (req: Record<string, never>, ack: Ack) => void;
  'people:list': (req: PeopleListRequest, ack: Ack<{ people: PersonSummaryDto[] }>) => void;
  'enroll:begin': (req: EnrollBeginRequest, ack: Ack<{ sessionId: string; needed: number }>) => void;
  'enroll:confirm': (req: EnrollSessionRequest, ack: Ack<{ personId: number; samples: number }>) => void;
  'enroll:cancel': (req: EnrollSessionRequest, ack: Ack) => void;
  'people:remove': (req: PersonRequest, ack: Ack) => void;
  /** Paired screens only; rate-limited per employee code. The punch is stored as `fallback`, with the face in view as its photo. */
  'fallback:punch': (req: FallbackRequest, ack: Ack<{ name: string; punchId: number; ts: number }>) => void;
  'punch:not-me': (req: NotMeRequest, ack: Ack) => void;
}

// ---------- socket.io: namespace /admin (admin pages; session cookie required) ----------

export interface AdminStatusDto {
  camera: CameraStatusDto;
  backend: string;
  descriptor: string;
  fps: number;
  enrolledPeople: number;
  socket: SocketStatsDto;
}

export interface SocketStatsDto {
  kioskClients: number;
  adminClients: number;
  malformed: number;
  oversized: number;
  unknownEvents: number;
  unauthorized: number;
  previewSent: number;
  previewDropped: number;
}

export interface AdminServerToClient {
  decision: (d: DecisionDto) => void;
  camera: (c: CameraStatusDto) => void;
  /** Punches changed (new punch, void, manual entry): pages showing the log reload. */
  'log:changed': () => void;
  /** The session ended (expired or logged out): the page returns to the login form. */
  'session:ended': () => void;
  /** A joined kiosk's link to its hub after each exchange (never sent in single-kiosk mode). */
  'hub:status': (s: HubLinkDto) => void;
}

export interface AdminClientToServer {
  'status:get': (req: Record<string, never>, ack: Ack<{ status: AdminStatusDto }>) => void;
}

// ---------- HTTP admin API DTOs ----------

export interface AuthStateDto {
  setupNeeded: boolean;
  authenticated: boolean;
  username: string | null;
  /** Kiosk PIN comes from the config file and cannot be changed from the pages. */
  pinFromConfig: boolean;
  /** The stored PIN predates the 6-digit rule: the menu stays locked until an admin sets a new one (false when logged out). */
  pinResetRequired: boolean;
}

export interface AdminAccountDto {
  id: number;
  username: string;
  createdAt: number;
  lastLoginAt: number | null;
  disabled: boolean;
  /** The admin looking at the list. */
  self: boolean;
}

export interface DisplayDto {
  id: number;
  name: string;
  createdAt: number;
  createdBy: string;
  /** Screens connected with this pairing now. */
  connected: number;
}

export interface PairingCodeDto {
  /** Shown once, in groups ("ABCD-EFGH-JKMN"); typed on the screen to be paired. */
  code: string;
  expiresAt: number;
}

export type PunchSourceDto = 'face' | 'manual' | 'fallback';

/** What the vote saw (from the punch's stored evidence); never descriptors. */
export interface VoteEvidenceDto {
  /** Per person, most votes first: the first is the winner, the second the runner-up. */
  tallies: { name: string | null; count: number; meanSimilarity: number }[];
  unknownCount: number;
  winnerShare: number | null;
  winnerMeanMargin: number | null;
  framesUsed: number | null;
  reason: string | null;
}

export interface PunchDto {
  id: number;
  personId: number;
  personName: string;
  ts: number;
  kioskId: string;
  similarity: number | null;
  manual: boolean;
  manualReason: string | null;
  voidedAt: number | null;
  voidReason: string | null;
  source: PunchSourceDto;
  /** Flagged for review (fallback punches). */
  review: boolean;
  /** GET /api/admin/punches/:id/photo serves its evidence photo. */
  hasPhoto: boolean;
  /** Null for manual and fallback punches. */
  vote: VoteEvidenceDto | null;
}

export interface PunchPageDto {
  items: PunchDto[];
  total: number;
  page: number;
  pageSize: number;
}

/** `Id`: the kiosk's person id (a number), or the hub's uid (a string). */
export interface DailyRowDto<Id = number> {
  personId: Id;
  personName: string;
  day: string;
  firstIn: number;
  lastOut: number;
  hours: number;
  punches: number;
}

export interface PersonDto {
  id: number;
  name: string;
  employeeCode: string | null;
  createdAt: number;
  active: boolean;
  sampleCount: number;
  /** A personal PIN for the kiosk's "Not recognised?" fallback is set. */
  hasPin: boolean;
  /** Enrolled without a stored face crop: must enroll again before (or after) a face model change. */
  needsReenrollment: boolean;
  /** Only when snapshots are enabled and the pipeline kept one. */
  thumbnailUrl: string | null;
}

export interface SightingDto {
  id: number;
  kind: 'unknown' | 'spoof';
  ts: number;
  count: number;
  kioskId: string;
  /** GET /api/admin/sightings/:id/photo serves its evidence photo. */
  hasPhoto: boolean;
}

export interface AuditDto {
  id: number;
  ts: number;
  actor: string;
  action: string;
  target: string;
  details: string;
}

/** Recognition tunables the admin may change while the kiosk runs. */
export interface RuntimeSettingsDto {
  matchThreshold: number;
  minShare: number;
  minMeanSimilarity: number;
  antispoofMin: number;
  livenessMin: number;
  windowMs: number;
  cooldownMs: number;
}

export interface SettingsDto {
  settings: RuntimeSettingsDto;
  defaults: RuntimeSettingsDto;
  updatedAt: number | null;
  updatedBy: string | null;
  timeZone: string;
  snapshotsEnabled: boolean;
}

export interface ApiErrorDto {
  error: string;
  message: string;
  issues?: { path: string; message: string }[];
  retryAfterMs?: number;
}

/** A shift as the admin edits it: wall-clock times 'HH:MM', working weekdays 0 = Sunday … 6 = Saturday. */
export interface ShiftInputDto {
  name: string;
  start: string;
  end: string;
  graceMinutes: number;
  /** Ends on the next calendar day (end before start). */
  overnight: boolean;
  workDays: number[];
}

/** A shift as the admin pages show it. */
export interface ShiftDto extends ShiftInputDto {
  id: number;
  /** People assigned to it. */
  people: number;
}

export interface ShiftsDto {
  items: ShiftDto[];
  /** Each person's shift (null: none, calendar days). */
  assignments: { personId: number; shiftId: number | null }[];
}

/**
 * in: arrived, no check-out yet; out: checked out; missing-out: the day closed on a single punch; absent: a working
 * day passed with no punch; not-arrived: a working day under way, no punch yet; upcoming: not started; off: no work due.
 */
export type DayStatusDto = 'in' | 'out' | 'missing-out' | 'absent' | 'not-arrived' | 'upcoming' | 'off';

/** One person's shift-day: `day` is the day the shift starts on, so a night shift is one row across midnight. */
export interface TimesheetRowDto<Id = number> {
  personId: Id;
  personName: string;
  employeeCode: string | null;
  shiftName: string | null;
  day: string;
  scheduledStart: number | null;
  scheduledEnd: number | null;
  workDay: boolean;
  firstIn: number | null;
  lastOut: number | null;
  punches: number;
  workedHours: number;
  lateMinutes: number;
  earlyMinutes: number;
  missingCheckOut: boolean;
  absent: boolean;
  status: DayStatusDto;
}

export interface BoardDto<Id = number> {
  now: number;
  items: TimesheetRowDto<Id>[];
}

export interface PresenceRowDto<Id = number> {
  personId: Id;
  personName: string;
  shiftName: string | null;
  /** The shift-day's window of punches, and its schedule. */
  from: number;
  to: number;
  scheduledStart: number | null;
  scheduledEnd: number | null;
  intervals: { from: number; to: number | null; open: boolean }[];
}

export interface PresenceDto<Id = number> {
  day: string;
  now: number;
  items: PresenceRowDto<Id>[];
}

// ---------- a joined kiosk's link to its hub (admin pages; absent in single-kiosk mode) ----------

/** The kiosk's clock as the hub last measured it; synchronised only once the hub was reached in this boot. */
export type HubClockDto =
  | { state: 'synchronised'; offsetMs: number }
  | { state: 'not-synchronised'; reason: 'hub-not-reached-since-boot' }
  | { state: 'not-synchronised'; reason: 'skewed'; offsetMs: number };

export interface HubLinkDto {
  hubUrl: string;
  kioskId: string;
  site: string;
  /** idle: the last exchange succeeded (or none was tried yet); backing-off: retrying; refused: the hub refuses this kiosk (revoked). */
  state: 'idle' | 'backing-off' | 'refused';
  /** Last exchange that succeeded, since the kiosk started (ms epoch). */
  lastSuccessAt: number | null;
  /** Why the latest exchange failed; null once one succeeds. */
  lastError: string | null;
  /** Failed exchanges in a row. */
  failures: number;
  /** Records waiting in the outbox for the hub. */
  outboxDepth: number;
  clock: HubClockDto;
  /** Largest clock offset still counted as synchronised (sync.clockSkewSeconds). */
  maxSkewMs: number;
}

/** GET /api/admin/hub-link: `hub` is null on a kiosk that never joined a hub. */
export interface HubLinkReplyDto {
  hub: HubLinkDto | null;
}
