/** Admin date ranges and typed-in times, read in the kiosk's time zone (pure). */
import { KioskError } from '../errors.ts';
import { localDayBounds, zoneOffsetMs } from '../store/zoned-time.ts';

const MS_PER_DAY = 86_400_000;

/** `[from, to)` in ms covering the local days `fromDay` … `toDay`, both inclusive. */
export function dayRange(fromDay: string, toDay: string, timeZone: string, maxDays: number): { from: number; to: number } {
  if (toDay < fromDay) {
    throw new KioskError('USAGE', `the range ends (${toDay}) before it starts (${fromDay})`, { hint: 'swap the two dates', context: { fromDay, toDay } });
  }
  const from = localDayBounds(fromDay, timeZone).from;
  const to = localDayBounds(toDay, timeZone).to;
  // Days are 23–25 h across DST; round to whole days before comparing.
  if (Math.round((to - from) / MS_PER_DAY) > maxDays) {
    throw new KioskError('USAGE', `the range covers more than ${maxDays} days`, { hint: 'choose a shorter range', context: { fromDay, toDay, maxDays } });
  }
  return { from, to };
}

/** 'YYYY-MM-DDTHH:mm[:ss]' wall-clock time in `timeZone` → ms since the epoch. */
export function localDateTimeToEpoch(text: string, timeZone: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/u.exec(text);
  if (m === null) throw new KioskError('USAGE', `"${text}" is not a YYYY-MM-DDTHH:mm time`, { context: { text } });
  const [y, mo, d, h, mi, s] = [m[1], m[2], m[3], m[4], m[5], m[6] ?? '0'].map(Number) as [number, number, number, number, number, number];
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 59) {
    throw new KioskError('USAGE', `"${text}" is not a valid time`, { context: { text } });
  }
  const wall = Date.UTC(y, mo - 1, d, h, mi, s);
  // Two passes, as for midnights: the offset at the first guess may differ from the offset at the answer.
  let ts = wall - zoneOffsetMs(wall, timeZone);
  ts = wall - zoneOffsetMs(ts, timeZone);
  return ts;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** 'YYYY-MM-DD' and 'HH:mm:ss' of `ts` in `timeZone` (for CSV: sortable, locale-free). */
export function localDateAndTime(ts: number, timeZone: string): { date: string; time: string } {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    formatters.set(timeZone, f);
  }
  const p: Record<string, string> = {};
  for (const part of f.formatToParts(ts)) p[part.type] = part.value;
  return { date: `${p.year}-${p.month}-${p.day}`, time: `${p.hour}:${p.minute}:${p.second}` };
}
