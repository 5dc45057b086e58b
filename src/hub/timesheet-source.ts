/**
 * The hub's timesheet, daily summary, "who is in" board and presence: people, shifts and punches read
 * from PostgreSQL and worked out by the kiosk's own pure functions (src/store/timesheet.ts, daily.ts),
 * with the hub's uids as person ids. What counts:
 * - A punch's time is coalesce(corrected_ts, ts): corrected_ts is the hub's estimate from the kiosk's
 *   monotonic clock when the kiosk's wall clock was not trusted, so it wins over the wall time.
 * - Voided punches never count. A punch under an alias uid (hub_person_aliases: another kiosk's uid for a
 *   person merged by employee code) counts for the person it was merged into. Erased people are not listed.
 * - Scope (a kiosk, a site, or both): only punches made there count. Without a scope every person not
 *   erased is listed, so absences show (the timesheet lists inactive people too, as on a kiosk; the board
 *   and presence active people only). With a scope, the timesheet lists the people with at least one
 *   punch there in the range, and the board and presence those with a punch there on the shift-day shown:
 *   a site's board does not call everyone who works elsewhere absent.
 * - A person filter (the timesheet and the daily summary, as on a kiosk) takes a uid or an alias of one and
 *   lists that person only, with the punches made under any of their uids.
 */
import { sortDaily, summarizeDaily } from '../store/daily.ts';
import { defaultStoreOptions } from '../store/options.ts';
import {
  boardSpan,
  buildBoard,
  buildPresence,
  buildTimesheet,
  timesheetSpan,
  type PresenceRow,
  type ShiftSpec,
  type TimesheetPerson,
  type TimesheetPunch,
  type TimesheetRow,
} from '../store/timesheet.ts';
import type { DailyRow } from '../store/types.ts';
import type { Pool } from './db.ts';

export interface ReportScope {
  kioskId?: string | undefined;
  site?: string | undefined;
}

/** Where (the scope) and, optionally, whom (a uid, or an alias of one) a report covers. */
export interface ReportFilter {
  scope: ReportScope;
  personUid?: string | undefined;
}

export type HubPerson = TimesheetPerson<string>;

/** A timesheet row with the kiosks of its first and last punch. */
export interface HubTimesheetRow extends TimesheetRow<string> {
  firstInKiosk: string | null;
  lastOutKiosk: string | null;
}

interface HubPunch extends TimesheetPunch<string> {
  kioskId: string;
}

interface ShiftRow {
  name: string;
  start_minute: number;
  end_minute: number;
  grace_minutes: number;
  work_days: number;
}

interface PersonRow {
  uid: string;
  name: string;
  employee_code: string | null;
  shift_name: string | null;
  created_at: number;
}

interface PunchRow {
  person_uid: string;
  ts: number;
  kiosk_id: string;
}

/** The effective time of a hub punch (see the header). */
const PUNCH_TS = 'coalesce(p.corrected_ts, p.ts)';
const PERSON_UID = 'coalesce(a.uid, p.person_uid)';
/** The person the uid in a query parameter stands for: itself, or the person it is an alias of. */
const personOf = (param: string): string => `coalesce((SELECT uid FROM hub_person_aliases WHERE alias = ${param}::uuid), ${param}::uuid)`;

/** Which kiosk took each row's first and last punch. */
function withKiosks(rows: TimesheetRow<string>[], punches: readonly HubPunch[]): HubTimesheetRow[] {
  const kioskAt = new Map(punches.map((p) => [`${p.personId}|${p.ts}`, p.kioskId] as const));
  const of = (r: TimesheetRow<string>, ts: number | null): string | null => (ts === null ? null : (kioskAt.get(`${r.personId}|${ts}`) ?? null));
  return rows.map((r) => ({ ...r, firstInKiosk: of(r, r.firstIn), lastOutKiosk: of(r, r.lastOut) }));
}

function scoped(s: ReportScope): boolean {
  return s.kioskId !== undefined || s.site !== undefined;
}

/** Live punches in [from, to) at the scope (of the person filtered on, if any), with the uid they count for. */
function punchQuery(span: { from: number; to: number }, filter: ReportFilter, shape: { columns: string; join?: string; order: string }): { sql: string; params: unknown[] } {
  const { scope, personUid } = filter;
  const params: unknown[] = [span.from, span.to];
  const where = ['p.voided_at IS NULL', `${PUNCH_TS} >= $1`, `${PUNCH_TS} < $2`];
  if (scope.kioskId !== undefined) where.push(`p.kiosk_id = $${params.push(scope.kioskId)}`);
  if (scope.site !== undefined) where.push(`k.site = $${params.push(scope.site)}`);
  if (personUid !== undefined) where.push(`${PERSON_UID} = ${personOf(`$${params.push(personUid)}`)}`);
  return {
    sql: `SELECT ${shape.columns}
          FROM hub_punches p
          LEFT JOIN hub_person_aliases a ON a.alias = p.person_uid
          LEFT JOIN hub_kiosks k ON k.id = p.kiosk_id
          ${shape.join ?? ''}
          WHERE ${where.join(' AND ')}
          ORDER BY ${shape.order}`,
    params,
  };
}

export class HubTimesheetSource {
  private readonly collator: Intl.Collator;

  constructor(
    private readonly pool: Pool,
    collationLocale: string = defaultStoreOptions.collationLocale,
  ) {
    this.collator = new Intl.Collator(collationLocale);
  }

  private readonly compare = (a: string, b: string): number => this.collator.compare(a, b);

  /** One row per person (or for the person filtered on) per shift-day from `fromDay` to `toDay`, read at `now`. */
  async timesheet(q: ReportFilter & { fromDay: string; toDay: string; timeZone: string; now: number }): Promise<HubTimesheetRow[]> {
    const { people, shifts } = await this.people(true, q.personUid);
    const punches = await this.punches(timesheetSpan(shifts, q.fromDay, q.toDay, q.timeZone), q);
    const punched = new Set(punches.map((p) => p.personId));
    const listed = scoped(q.scope) ? people.filter((p) => punched.has(p.personId)) : people;
    return withKiosks(buildTimesheet({ people: listed, punches, fromDay: q.fromDay, toDay: q.toDay, timeZone: q.timeZone, now: q.now, compareNames: this.compare }), punches);
  }

  /** Each active person's current shift-day at `now`: who is in, who has not arrived. */
  async board(q: { timeZone: string; now: number; scope: ReportScope }): Promise<TimesheetRow<string>[]> {
    const { people, shifts } = await this.people(false);
    const punches = await this.punches(boardSpan(shifts, q.now, q.timeZone), q);
    const rows = buildBoard({ people, punches, timeZone: q.timeZone, now: q.now, compareNames: this.compare });
    return scoped(q.scope) ? rows.filter((r) => r.punches > 0) : rows;
  }

  /** Presence intervals of active people on shift-day `day`. */
  async presence(q: { day: string; timeZone: string; now: number; scope: ReportScope }): Promise<(PresenceRow & { person: HubPerson })[]> {
    const { people, shifts } = await this.people(false);
    const punches = await this.punches(timesheetSpan(shifts, q.day, q.day, q.timeZone), q);
    const rows = buildPresence({ people, punches, day: q.day, timeZone: q.timeZone, now: q.now, compareNames: this.compare });
    return scoped(q.scope) ? rows.filter((r) => r.intervals.length > 0) : rows;
  }

  /** First in, last out and hours per person (or of the person filtered on) per local day, from live punches in [from, to) at the scope. */
  async daily(q: ReportFilter & { from: number; to: number; timeZone: string }): Promise<DailyRow<string>[]> {
    // Only people on the hub and not erased: the join drops punches of anyone else.
    const { sql, params } = punchQuery(q, q, {
      columns: `pe.uid AS person_uid, pe.name, ${PUNCH_TS} AS ts`,
      join: `JOIN hub_people pe ON pe.uid = ${PERSON_UID} AND pe.erased_at IS NULL`,
      order: `pe.uid, ${PUNCH_TS}`,
    });
    const { rows } = await this.pool.query<Omit<PunchRow, 'kiosk_id'> & { name: string }>(sql, params);
    return sortDaily(summarizeDaily(rows.map((r) => ({ personId: r.person_uid, personName: r.name, ts: r.ts })), q.timeZone), this.compare);
  }

  /**
   * People not erased (active ones only unless `includeInactive`; only the person a uid or alias stands for when
   * given), each with their shift, and the shifts they use.
   */
  private async people(includeInactive: boolean, personUid?: string): Promise<{ people: HubPerson[]; shifts: (ShiftSpec | null)[] }> {
    const shiftRows = await this.pool.query<ShiftRow>('SELECT name, start_minute, end_minute, grace_minutes, work_days FROM hub_shifts WHERE deleted_at IS NULL ORDER BY name');
    // Hub shifts are keyed by name; the pure code wants a number, used only to share windows between people.
    const byName = new Map(
      shiftRows.rows.map((s, i): [string, ShiftSpec] => [
        s.name,
        { id: i + 1, name: s.name, startMinute: s.start_minute, endMinute: s.end_minute, graceMinutes: s.grace_minutes, overnight: s.end_minute < s.start_minute, workDays: s.work_days },
      ]),
    );
    const { rows } = await this.pool.query<PersonRow>(
      `SELECT uid, name, employee_code, shift_name, created_at FROM hub_people
       WHERE erased_at IS NULL AND ($1 OR active) AND ($2::uuid IS NULL OR uid = ${personOf('$2')})`,
      [includeInactive, personUid ?? null],
    );
    const people = rows.map(
      (r): HubPerson => ({
        personId: r.uid,
        personName: r.name,
        employeeCode: r.employee_code,
        shift: r.shift_name === null ? null : (byName.get(r.shift_name) ?? null),
        activeFrom: r.created_at,
      }),
    );
    return { people, shifts: [...new Set(people.map((p) => p.shift))] };
  }

  private async punches(span: { from: number; to: number }, filter: ReportFilter): Promise<HubPunch[]> {
    const { sql, params } = punchQuery(span, filter, { columns: `${PERSON_UID} AS person_uid, ${PUNCH_TS} AS ts, p.kiosk_id`, order: PUNCH_TS });
    const { rows } = await this.pool.query<PunchRow>(sql, params);
    return rows.map((r) => ({ personId: r.person_uid, ts: r.ts, voided: false, kioskId: r.kiosk_id }));
  }
}
