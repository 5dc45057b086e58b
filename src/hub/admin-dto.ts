/** What the hub's admin API answers: types only, shared with the hub admin page (`import type`). */
import type { BoardDto, DailyRowDto, Language, PresenceDto, TimesheetRowDto } from '../server/protocol.ts';

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

/** The kiosk's report rows with the hub's person uids: timesheet, daily summary, board, presence. */
export interface HubTimesheetRowDto extends TimesheetRowDto<string> {
  /** The kiosk that took the first punch and the last (check-in at one door, check-out at another). */
  firstInKiosk: string | null;
  lastOutKiosk: string | null;
}
export type HubDailyRowDto = DailyRowDto<string>;
export type HubBoardDto = BoardDto<string>;
export type HubPresenceDto = PresenceDto<string>;
