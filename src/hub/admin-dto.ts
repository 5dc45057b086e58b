/** What the hub's admin API answers: types only, shared with the hub admin page (`import type`). */
import type { BoardDto, DailyRowDto, Language, PresenceDto, ShiftInputDto, TimesheetRowDto } from '../server/protocol.ts';

export type HubClockTrust = 'confirmed' | 'skewed' | 'unconfirmed';

export interface HubPunchDto {
  id: string;
  kioskId: string;
  site: string;
  personName: string;
  employeeCode: string | null;
  /** The kiosk's wall time. */
  ts: number;
  /** The hub's estimate from the kiosk's monotonic clock, when its wall time could not be trusted. */
  correctedTs: number | null;
  receivedAt: number;
  clockTrust: HubClockTrust;
  similarity: number | null;
  manual: boolean;
  voidedAt: number | null;
  voidReason: string | null;
  /** The reason given for a manual punch (on the hub or at its kiosk); null for a camera punch. */
  manualReason: string | null;
  /** GET /api/admin/evidence/punch/:id serves its photo. */
  hasPhoto: boolean;
}

export interface HubPunchPageDto {
  items: HubPunchDto[];
  total: number;
  page: number;
  pageSize: number;
}

export interface HubKioskDto {
  id: string;
  name: string;
  site: string;
  revoked: boolean;
  clockSkewed: boolean;
}

export interface HubAdminStateDto {
  authenticated: boolean;
  username: string | null;
}

export interface HubSettingsDto {
  timeZone: string;
  language: Language;
}

// ---- fleet and gallery management (Kiosks, People, Shifts tabs) ----

export type HubKioskStateDto = 'paired' | 'waiting' | 'code-expired' | 'revoked';

/** A kiosk with what it last reported (the Kiosks tab). */
export interface HubKioskStatusDto {
  id: string;
  name: string;
  site: string;
  state: HubKioskStateDto;
  /** An unused pairing code is waiting (a paired kiosk may have one after "new code"). */
  pairingPending: boolean;
  createdAt: number;
  pairedAt: number | null;
  revokedAt: number | null;
  lastSeenAt: number | null;
  outboxDepth: number;
  lagMs: number;
  /** Kiosk clock minus hub clock at its last push. */
  clockOffsetMs: number | null;
  clockSkewed: boolean;
}

/** A one-time pairing code, shown once (the hub keeps only its hash). */
export interface HubPairingDto {
  kioskId: string;
  code: string;
  expiresAt: number;
}

export interface HubPersonDto {
  uid: string;
  name: string;
  employeeCode: string | null;
  shiftName: string | null;
  active: boolean;
  originKiosk: string | null;
  samples: number;
  /** The face thumbnail (admin session only), null when the hub holds no crop. */
  photoUrl: string | null;
}

/** A shared shift: named by its name on every kiosk, so the name is fixed once made. */
export interface HubShiftDto extends ShiftInputDto {
  people: number;
  rev: number;
}

/** One line of the hub's audit trail: the hub's own admin actions (kioskId null) and the kiosks' uploaded ones. */
export interface HubAuditDto {
  id: string;
  kioskId: string | null;
  site: string | null;
  ts: number;
  actor: string;
  action: string;
  target: string;
  /** JSON, cut to a readable length. */
  details: string;
}

/** A stranger or spoof attempt seen at a kiosk; GET /api/admin/evidence/sighting/:id serves its photo. */
export interface HubSightingDto {
  id: string;
  kind: string;
  ts: number;
  count: number;
  kioskId: string;
  site: string;
  hasPhoto: boolean;
}

/** A page of a list read newest first; `hasMore` instead of a count (one row more is read). */
export interface HubTrailPageDto<T> {
  items: T[];
  page: number;
  pageSize: number;
  hasMore: boolean;
}

/** The kiosk's report rows with the hub's person uids: timesheet, daily summary, board, presence. */
export interface HubTimesheetRowDto extends TimesheetRowDto<string> {
  /** The kiosk that took the first punch and the last (check-in at one door, check-out at another). */
  firstInKiosk: string | null;
  lastOutKiosk: string | null;
}
export type HubDailyRowDto = DailyRowDto<string>;
export type HubBoardDto = BoardDto<string>;
export type HubPresenceDto = PresenceDto<string>;
