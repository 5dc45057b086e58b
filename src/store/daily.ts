/** Pure: folds punches (sorted by person, then time) into one row per person per local day. */
import type { DailyRow } from './types.ts';
import { localDay } from './zoned-time.ts';

export interface DailyPunch {
  personId: number;
  personName: string;
  ts: number;
}

const MS_PER_HOUR = 3_600_000;

export function summarizeDaily(punches: Iterable<DailyPunch>, timeZone: string): DailyRow[] {
  const rows: DailyRow[] = [];
  let cur: DailyRow | null = null;
  for (const p of punches) {
    const day = localDay(p.ts, timeZone);
    if (cur === null || cur.personId !== p.personId || cur.day !== day) {
      cur = { personId: p.personId, personName: p.personName, day, firstIn: p.ts, lastOut: p.ts, hours: 0, punches: 0 };
      rows.push(cur);
    }
    cur.firstIn = Math.min(cur.firstIn, p.ts);
    cur.lastOut = Math.max(cur.lastOut, p.ts);
    cur.hours = (cur.lastOut - cur.firstIn) / MS_PER_HOUR;
    cur.punches++;
  }
  return rows;
}
