/**
 * Pure: shift-days, timesheets, the "who is in" board and presence intervals from punches.
 *
 * A shift-day is named by the calendar day its shift starts on. Its punches are those between the
 * middle of the off-duty gap before it and the middle of the gap after it, so a night shift
 * 22:00–06:00 owns 14:00 of its day up to 14:00 of the next: the 05:58 check-out lands on the night
 * it ends, not on a calendar day of its own. The windows of consecutive days touch, so every instant
 * belongs to exactly one shift-day. A person without a shift gets calendar days and no schedule
 * (never late, never absent). Punches alternate in/out; first in and last out bound worked time.
 * The clock (`now`) is an input: today's row says "in" where a closed day would say "missing check-out".
 */
import type { PersonKey } from './types.ts';
import { addDays, localDay, localDayBounds, localWallTime, weekdayOf } from './zoned-time.ts';

const MS_PER_MINUTE = 60_000;
const MS_PER_HOUR = 3_600_000;
const MINUTES_PER_DAY = 1440;

export interface ShiftSpec {
  id: number;
  name: string;
  /** Minutes after local midnight. */
  startMinute: number;
  endMinute: number;
  graceMinutes: number;
  /** The shift ends on the next calendar day (endMinute < startMinute). */
  overnight: boolean;
  /** Bitmask of the weekday a shift starts on, bit 0 = Sunday … bit 6 = Saturday. */
  workDays: number;
}

export interface TimesheetPerson<Id extends PersonKey = number> {
  personId: Id;
  personName: string;
  employeeCode: string | null;
  shift: ShiftSpec | null;
  /** Days that ended before this instant (enrolment) are reported only if they hold punches: nobody is absent before they existed. */
  activeFrom: number;
}

export interface TimesheetPunch<Id extends PersonKey = number> {
  personId: Id;
  ts: number;
  voided: boolean;
}

/**
 * in: arrived, no check-out yet (day still open); out: checked out; missing-out: the day closed on a single punch;
 * absent: a working day passed with no punch; not-arrived: a working day under way with no punch yet;
 * upcoming: the day has not started; off: not a working day (or no shift) and no punch.
 */
export type DayStatus = 'in' | 'out' | 'missing-out' | 'absent' | 'not-arrived' | 'upcoming' | 'off';

export interface ShiftWindow {
  day: string;
  /** Punches in [from, to) belong to this shift-day. */
  from: number;
  to: number;
  scheduledStart: number | null;
  scheduledEnd: number | null;
  workDay: boolean;
}

export interface TimesheetRow<Id extends PersonKey = number> {
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
  /** Minutes after the scheduled start, when beyond the grace; else 0. */
  lateMinutes: number;
  /** Minutes before the scheduled end, when beyond the grace; else 0. */
  earlyMinutes: number;
  missingCheckOut: boolean;
  absent: boolean;
  status: DayStatus;
}

export interface PresenceInterval {
  from: number;
  /** null: a check-in the day closed without a check-out. */
  to: number | null;
  /** Still in at `now` (to is `now`). */
  open: boolean;
}

export interface PresenceRow {
  window: ShiftWindow;
  intervals: PresenceInterval[];
}

function scheduled(shift: ShiftSpec, day: string, timeZone: string): { start: number; end: number } {
  const endMinute = shift.endMinute + (shift.overnight ? MINUTES_PER_DAY : 0);
  return { start: localWallTime(day, shift.startMinute, timeZone), end: localWallTime(day, endMinute, timeZone) };
}

function midpoint(a: number, b: number): number {
  return Math.floor((a + b) / 2);
}

/** The window of punches and the schedule of one shift-day. */
export function shiftWindow(shift: ShiftSpec | null, day: string, timeZone: string): ShiftWindow {
  if (shift === null) {
    const b = localDayBounds(day, timeZone);
    return { day, from: b.from, to: b.to, scheduledStart: null, scheduledEnd: null, workDay: false };
  }
  const prev = scheduled(shift, addDays(day, -1), timeZone);
  const cur = scheduled(shift, day, timeZone);
  const next = scheduled(shift, addDays(day, 1), timeZone);
  return {
    day,
    from: midpoint(prev.end, cur.start),
    to: midpoint(cur.end, next.start),
    scheduledStart: cur.start,
    scheduledEnd: cur.end,
    workDay: (shift.workDays & (1 << weekdayOf(day))) !== 0,
  };
}

/** The shift-day whose window holds `ts`. */
export function shiftDayAt(shift: ShiftSpec | null, ts: number, timeZone: string): ShiftWindow {
  const calendar = localDay(ts, timeZone);
  for (const offset of [0, -1, 1]) {
    const w = shiftWindow(shift, addDays(calendar, offset), timeZone);
    if (ts >= w.from && ts < w.to) return w;
  }
  // Unreachable: windows of consecutive days tile the timeline and one of the three holds ts.
  return shiftWindow(shift, calendar, timeZone);
}

/** One timesheet row from the person's live punch times inside the window (sorted ascending). */
export function summarizeShiftDay<Id extends PersonKey>(person: TimesheetPerson<Id>, w: ShiftWindow, times: readonly number[], now: number): TimesheetRow<Id> {
  const grace = (person.shift?.graceMinutes ?? 0) * MS_PER_MINUTE;
  const closed = now >= w.to;
  const row: TimesheetRow<Id> = {
    personId: person.personId,
    personName: person.personName,
    employeeCode: person.employeeCode,
    shiftName: person.shift?.name ?? null,
    day: w.day,
    scheduledStart: w.scheduledStart,
    scheduledEnd: w.scheduledEnd,
    workDay: w.workDay,
    firstIn: null,
    lastOut: null,
    punches: times.length,
    workedHours: 0,
    lateMinutes: 0,
    earlyMinutes: 0,
    missingCheckOut: false,
    absent: false,
    status: 'off',
  };
  if (times.length === 0) {
    if (!w.workDay || w.scheduledStart === null || w.scheduledEnd === null) row.status = now < w.from ? 'upcoming' : 'off';
    else if (now < w.from) row.status = 'upcoming';
    else if (now < w.scheduledEnd) row.status = 'not-arrived';
    else {
      row.status = 'absent';
      row.absent = true;
    }
    return row;
  }
  const first = times[0]!;
  const last = times[times.length - 1]!;
  row.firstIn = first;
  if (w.scheduledStart !== null && first > w.scheduledStart + grace) row.lateMinutes = Math.floor((first - w.scheduledStart) / MS_PER_MINUTE);
  if (times.length === 1) {
    row.missingCheckOut = closed;
    row.status = closed ? 'missing-out' : 'in';
    return row;
  }
  row.lastOut = last;
  row.workedHours = (last - first) / MS_PER_HOUR;
  // Leaving early is only known once the scheduled end has passed: a lunch-break punch is not a departure.
  if (w.scheduledEnd !== null && now >= w.scheduledEnd && last < w.scheduledEnd - grace) {
    row.earlyMinutes = Math.ceil((w.scheduledEnd - last) / MS_PER_MINUTE);
  }
  row.status = !closed && times.length % 2 === 1 ? 'in' : 'out';
  return row;
}

export interface TimesheetInput<Id extends PersonKey = number> {
  people: readonly TimesheetPerson<Id>[];
  /** Any order; voided punches are ignored. */
  punches: Iterable<TimesheetPunch<Id>>;
  fromDay: string;
  toDay: string;
  timeZone: string;
  now: number;
  /** Orders names (the `vi` collator); rows come out by name, then person id, then day. */
  compareNames: (a: string, b: string) => number;
}

/** Live punch times per person, ascending. */
function timesByPerson<Id extends PersonKey>(punches: Iterable<TimesheetPunch<Id>>): Map<Id, number[]> {
  const out = new Map<Id, number[]>();
  for (const p of punches) {
    if (p.voided) continue;
    let list = out.get(p.personId);
    if (list === undefined) out.set(p.personId, (list = []));
    list.push(p.ts);
  }
  for (const list of out.values()) list.sort((a, b) => a - b);
  return out;
}

function inWindow(times: readonly number[], w: ShiftWindow): number[] {
  return times.filter((ts) => ts >= w.from && ts < w.to);
}

/** Ids of one kind (all numbers or all uids) in a fixed order, the tie-break between equal names. */
function compareIds(a: PersonKey, b: PersonKey): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sortedPeople<Id extends PersonKey>(people: readonly TimesheetPerson<Id>[], compareNames: (a: string, b: string) => number): TimesheetPerson<Id>[] {
  return [...people].sort((a, b) => compareNames(a.personName, b.personName) || compareIds(a.personId, b.personId));
}

/** Every shift-day from `fromDay` to `toDay` (inclusive) for every person, skipping empty days before their enrolment. */
export function buildTimesheet<Id extends PersonKey>(input: TimesheetInput<Id>): TimesheetRow<Id>[] {
  const times = timesByPerson(input.punches);
  const rows: TimesheetRow<Id>[] = [];
  // People on the same shift share windows: each is worked out once per shift and day.
  const windows = new Map<string, ShiftWindow>();
  const windowOf = (shift: ShiftSpec | null, day: string): ShiftWindow => {
    const key = `${shift === null ? '' : `${shift.id}:${shift.startMinute}:${shift.endMinute}:${shift.workDays}`}|${day}`;
    let w = windows.get(key);
    if (w === undefined) windows.set(key, (w = shiftWindow(shift, day, input.timeZone)));
    return w;
  };
  for (const person of sortedPeople(input.people, input.compareNames)) {
    const mine = times.get(person.personId) ?? [];
    for (let day = input.fromDay; day <= input.toDay; day = addDays(day, 1)) {
      const w = windowOf(person.shift, day);
      const inside = inWindow(mine, w);
      // Before enrolment only days with punches (entered by hand) are shown: nobody was absent before they existed.
      if (w.to <= person.activeFrom && inside.length === 0) continue;
      rows.push(summarizeShiftDay(person, w, inside, input.now));
    }
  }
  return rows;
}

/** The span of instants a timesheet from `fromDay` to `toDay` may read punches from, over all shifts. */
export function timesheetSpan(shifts: readonly (ShiftSpec | null)[], fromDay: string, toDay: string, timeZone: string): { from: number; to: number } {
  let from = Number.POSITIVE_INFINITY;
  let to = Number.NEGATIVE_INFINITY;
  for (const s of shifts.length === 0 ? [null] : shifts) {
    from = Math.min(from, shiftWindow(s, fromDay, timeZone).from);
    to = Math.max(to, shiftWindow(s, toDay, timeZone).to);
  }
  return { from, to };
}

/** The span of instants the board at `now` reads punches from: every person's current shift-day. */
export function boardSpan(shifts: readonly (ShiftSpec | null)[], now: number, timeZone: string): { from: number; to: number } {
  const windows = shifts.map((s) => shiftDayAt(s, now, timeZone));
  return { from: Math.min(now, ...windows.map((w) => w.from)), to: Math.max(now + 1, ...windows.map((w) => w.to)) };
}

/** Each person's current shift-day at `now`: the "who is in / who has not arrived" board. */
export function buildBoard<Id extends PersonKey>(input: Omit<TimesheetInput<Id>, 'fromDay' | 'toDay'>): TimesheetRow<Id>[] {
  const times = timesByPerson(input.punches);
  return sortedPeople(input.people, input.compareNames).map((person) => {
    const w = shiftDayAt(person.shift, input.now, input.timeZone);
    return summarizeShiftDay(person, w, inWindow(times.get(person.personId) ?? [], w), input.now);
  });
}

/** Check-in/check-out pairs inside one shift-day window; an unpaired last check-in runs to `now` while the day is open. */
export function presenceIntervals(times: readonly number[], w: ShiftWindow, now: number): PresenceInterval[] {
  const out: PresenceInterval[] = [];
  for (let i = 0; i < times.length; i += 2) {
    const from = times[i]!;
    const to = times[i + 1];
    if (to !== undefined) out.push({ from, to, open: false });
    else if (now < w.to && now >= from) out.push({ from, to: now, open: true });
    else out.push({ from, to: null, open: false });
  }
  return out;
}

/** Presence per person on one shift-day `day` (each person's own shift decides the window). */
export function buildPresence<Id extends PersonKey>(input: Omit<TimesheetInput<Id>, 'fromDay' | 'toDay'> & { day: string }): (PresenceRow & { person: TimesheetPerson<Id> })[] {
  const times = timesByPerson(input.punches);
  return sortedPeople(input.people, input.compareNames).map((person) => {
    const w = shiftWindow(person.shift, input.day, input.timeZone);
    return { person, window: w, intervals: presenceIntervals(inWindow(times.get(person.personId) ?? [], w), w, input.now) };
  });
}
