/** Pure: folds punches (sorted by person, then time) into one row per person per local day. */
import type { DailyRow, PersonKey } from './types.ts';
import { localDay } from './zoned-time.ts';

export interface DailyPunch<Id extends PersonKey = number> {
  personId: Id;
  personName: string;
  ts: number;
}

const MS_PER_HOUR = 3_600_000;

export function summarizeDaily<Id extends PersonKey>(punches: Iterable<DailyPunch<Id>>, timeZone: string): DailyRow<Id>[] {
  const rows: DailyRow<Id>[] = [];
  let cur: DailyRow<Id> | null = null;
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

/** Rows by day, then name (`compareNames`: the `vi` collator), then person id. */
export function sortDaily<Id extends PersonKey>(rows: DailyRow<Id>[], compareNames: (a: string, b: string) => number): DailyRow<Id>[] {
  return rows.sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : compareNames(a.personName, b.personName) || (a.personId < b.personId ? -1 : a.personId > b.personId ? 1 : 0)));
}
