/**
 * Calendar days in an IANA time zone with nothing but Intl: a punch at 23:30 UTC is the next morning
 * in Hanoi, and "a day" in the report is the local one.
 */
import { KioskError } from '../errors.ts';

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: '2-digit',
        day: '2-digit',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
      });
    } catch (cause) {
      throw new KioskError('USAGE', `unknown time zone "${timeZone}"`, {
        hint: 'use an IANA zone name such as "Asia/Ho_Chi_Minh"',
        context: { timeZone },
        cause,
      });
    }
    formatters.set(timeZone, f);
  }
  return f;
}

interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function localParts(ts: number, timeZone: string): LocalParts {
  const out: LocalParts = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const part of formatter(timeZone).formatToParts(ts)) {
    if (part.type in out) out[part.type as keyof LocalParts] = Number(part.value);
  }
  return out;
}

/** The local calendar day of `ts` in `timeZone`, as YYYY-MM-DD. */
export function localDay(ts: number, timeZone: string): string {
  const p = localParts(ts, timeZone);
  return `${String(p.year).padStart(4, '0')}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}

/** Local wall-clock time minus UTC at instant `ts`, in ms (whole seconds; zones never use finer offsets). */
export function zoneOffsetMs(ts: number, timeZone: string): number {
  const p = localParts(ts, timeZone);
  const wall = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second);
  return wall - (ts - (((ts % 1000) + 1000) % 1000));
}

/**
 * The instant local midnight starts `day` (YYYY-MM-DD) and the instant the next local day starts,
 * so a report for one day is `daily({from, to})`. Days are 23 or 25 h long across DST changes.
 */
export function localDayBounds(day: string, timeZone: string): { from: number; to: number } {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/u.exec(day);
  if (m === null) {
    throw new KioskError('USAGE', `"${day}" is not a YYYY-MM-DD date`, { hint: 'write the day as e.g. 2024-03-02', context: { day } });
  }
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  return { from: localMidnight(y, mo, d, timeZone), to: localMidnight(y, mo, d + 1, timeZone) };
}

function localMidnight(year: number, month: number, day: number, timeZone: string): number {
  return localWall(year, month, day, 0, timeZone);
}

/** The instant the local wall clock reads `day` plus `minuteOfDay` minutes (≥ 1440 runs into the next days). */
export function localWallTime(day: string, minuteOfDay: number, timeZone: string): number {
  const { y, mo, d } = parseDay(day);
  return localWall(y, mo, d, minuteOfDay, timeZone);
}

/** `day` moved by `n` calendar days (YYYY-MM-DD in, YYYY-MM-DD out; no zone involved). */
export function addDays(day: string, n: number): string {
  const { y, mo, d } = parseDay(day);
  return new Date(Date.UTC(y, mo - 1, d + n)).toISOString().slice(0, 10);
}

/** Weekday of a calendar day, 0 = Sunday … 6 = Saturday. */
export function weekdayOf(day: string): number {
  const { y, mo, d } = parseDay(day);
  return new Date(Date.UTC(y, mo - 1, d)).getUTCDay();
}

function parseDay(day: string): { y: number; mo: number; d: number } {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/u.exec(day);
  if (m === null) {
    throw new KioskError('USAGE', `"${day}" is not a YYYY-MM-DD date`, { hint: 'write the day as e.g. 2024-03-02', context: { day } });
  }
  return { y: Number(m[1]), mo: Number(m[2]), d: Number(m[3]) };
}

function localWall(year: number, month: number, day: number, minuteOfDay: number, timeZone: string): number {
  const wall = Date.UTC(year, month - 1, day, 0, minuteOfDay);
  // Two passes: the offset at the first guess can differ from the offset at the answer across a DST change.
  let ts = wall - zoneOffsetMs(wall, timeZone);
  ts = wall - zoneOffsetMs(ts, timeZone);
  return ts;
}
