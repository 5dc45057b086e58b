/**
 * protocol.ts imports nothing (the browser bundle reads it), so the rows it copies from the store are
 * held to their originals here: each pair must be assignable both ways, or the type check fails.
 * Types only; nothing here runs.
 */
import type { DayStatusDto, TimesheetRowDto } from './protocol.ts';
import type { DayStatus, TimesheetRow } from '../store/timesheet.ts';

/** true when A and B accept exactly the same values; false otherwise (never is not "same"). */
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Holds<T extends true> = T;

export type ProtocolMirrorsStore = [
  Holds<Same<DayStatus, DayStatusDto>>,
  Holds<Same<TimesheetRow<number>, TimesheetRowDto<number>>>,
  Holds<Same<TimesheetRow<string>, TimesheetRowDto<string>>>,
];
