/** Names and times for display (DOM-free). */
import { LOCALE, type Language } from './i18n.ts';

/**
 * Lower-case, accent-free key so "tam" finds "Tâm" and "Đức" is found by "duc". The same rule as
 * the server's search (src/store/text.ts); a unit test keeps the two in step.
 */
export function searchKey(text: string): string {
  return text
    .normalize('NFC')
    .trim()
    .replace(/\s+/gu, ' ')
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[đĐ]/gu, 'd')
    .toLowerCase()
    .normalize('NFC');
}

export function matchesSearch(name: string, code: string | null, query: string): boolean {
  const q = searchKey(query);
  if (q === '') return true;
  return searchKey(name).includes(q) || (code !== null && code.toLowerCase() === query.trim().toLowerCase());
}

export const collator = new Intl.Collator('vi');

const cache = new Map<string, Intl.DateTimeFormat>();

function fmt(lang: Language, timeZone: string, kind: 'time' | 'seconds' | 'date' | 'datetime'): Intl.DateTimeFormat {
  const key = `${lang}|${timeZone}|${kind}`;
  let f = cache.get(key);
  if (f === undefined) {
    const opts: Intl.DateTimeFormatOptions = { timeZone, hourCycle: 'h23' };
    if (kind !== 'date') Object.assign(opts, { hour: '2-digit', minute: '2-digit' });
    if (kind === 'seconds') opts.second = '2-digit';
    if (kind === 'date' || kind === 'datetime') Object.assign(opts, { year: 'numeric', month: '2-digit', day: '2-digit' });
    f = new Intl.DateTimeFormat(LOCALE[lang], opts);
    cache.set(key, f);
  }
  return f;
}

/** "08:02" in the kiosk's zone. */
export function formatTime(ts: number, lang: Language, timeZone: string): string {
  return fmt(lang, timeZone, 'time').format(ts);
}

export function formatTimeSeconds(ts: number, lang: Language, timeZone: string): string {
  return fmt(lang, timeZone, 'seconds').format(ts);
}

export function formatDate(ts: number, lang: Language, timeZone: string): string {
  return fmt(lang, timeZone, 'date').format(ts);
}

export function formatDateTime(ts: number, lang: Language, timeZone: string): string {
  return fmt(lang, timeZone, 'datetime').format(ts);
}

/** Local hour 0–23 of `ts` in `timeZone` (for "good morning"). */
export function localHour(ts: number, timeZone: string): number {
  const h = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', hourCycle: 'h23' }).formatToParts(ts).find((p) => p.type === 'hour');
  return Number(h?.value ?? 0);
}

/** Today's local date (YYYY-MM-DD) in `timeZone`, for date inputs. */
export function localIsoDate(ts: number, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(ts);
  const get = (type: string): string => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

/** 'YYYY-MM-DDTHH:mm' of `ts` in `timeZone`, for datetime-local inputs. */
export function localIsoDateTime(ts: number, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(ts);
  const get = (type: string): string => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}T${get('hour')}:${get('minute')}`;
}
