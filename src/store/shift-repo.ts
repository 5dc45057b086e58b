/** Shift definitions, each person's shift, and the timesheet, board and presence read through them. Every change is audited. */
import { KioskError } from '../errors.ts';
import type { Logger } from '../log.ts';
import { AuditRepo } from './audit-repo.ts';
import type { Db } from './db.ts';
import type { StoreOptions } from './options.ts';
import { resolveDeps, type RepoDeps } from './repo-deps.ts';
import { normalizeName } from './text.ts';
import {
  buildBoard,
  buildPresence,
  buildTimesheet,
  boardSpan,
  timesheetSpan,
  type PresenceRow,
  type ShiftSpec,
  type TimesheetPerson,
  type TimesheetPunch,
  type TimesheetRow,
} from './timesheet.ts';

export type { ShiftSpec };

export interface ShiftInput {
  name: string;
  startMinute: number;
  endMinute: number;
  graceMinutes: number;
  overnight: boolean;
  workDays: number;
}

export interface Shift extends ShiftSpec {
  createdAt: number;
  /** People (active or not) assigned to it. */
  people: number;
}

export type ShiftChange = { ok: true; id: number } | { ok: false; reason: 'not-found' | 'name-taken' | 'in-use' };
export type AssignResult = { ok: true } | { ok: false; reason: 'no-person' | 'no-shift' };

interface ShiftRow {
  id: number;
  name: string;
  start_minute: number;
  end_minute: number;
  grace_minutes: number;
  overnight: number;
  work_days: number;
  created_at: number;
  people: number;
}

interface PersonShiftRow {
  id: number;
  name: string;
  employee_code: string | null;
  created_at: number;
  shift_id: number | null;
}

const MAX_GRACE_MINUTES = 240;
const MINUTES_PER_DAY = 1440;
const ALL_DAYS = 0b1111111;

const SHIFT_SELECT = `SELECT s.id, s.name, s.start_minute, s.end_minute, s.grace_minutes, s.overnight, s.work_days, s.created_at,
  (SELECT count(*) FROM people p WHERE p.shift_id = s.id) AS people FROM shifts s`;

export interface TimesheetQuery {
  fromDay: string;
  toDay: string;
  personId?: number;
  timeZone?: string;
  /** The instant the sheet is read at (default: the clock): today's open day says "in", not "missing check-out". */
  now?: number;
}

export class ShiftRepo {
  private readonly logger: Logger;
  private readonly clock: () => number;
  private readonly options: StoreOptions;
  private readonly collator: Intl.Collator;
  private readonly audit: AuditRepo;
  private readonly stmt;

  constructor(
    private readonly db: Db,
    deps: RepoDeps = {},
  ) {
    const { logger, clock, options } = resolveDeps(deps, 'store.shifts');
    this.logger = logger;
    this.clock = clock;
    this.options = options;
    this.collator = new Intl.Collator(options.collationLocale);
    this.audit = new AuditRepo(db, options);
    this.stmt = {
      list: db.prepare<[], ShiftRow>(`${SHIFT_SELECT} ORDER BY s.start_minute, s.name`),
      byId: db.prepare<[number], ShiftRow>(`${SHIFT_SELECT} WHERE s.id = ?`),
      byName: db.prepare<[string], { id: number }>('SELECT id FROM shifts WHERE name = ?'),
      insert: db.prepare<[string, number, number, number, number, number, number]>(
        'INSERT INTO shifts (name, start_minute, end_minute, grace_minutes, overnight, work_days, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
      ),
      update: db.prepare<[string, number, number, number, number, number, number]>(
        'UPDATE shifts SET name = ?, start_minute = ?, end_minute = ?, grace_minutes = ?, overnight = ?, work_days = ? WHERE id = ?',
      ),
      remove: db.prepare<[number]>('DELETE FROM shifts WHERE id = ?'),
      person: db.prepare<[number], PersonShiftRow>('SELECT id, name, employee_code, created_at, shift_id FROM people WHERE id = ?'),
      assign: db.prepare<[number | null, number]>('UPDATE people SET shift_id = ? WHERE id = ?'),
      assignments: db.prepare<[], { id: number; shift_id: number | null }>('SELECT id, shift_id FROM people'),
      // Inactive people keep their history: a timesheet for a past month still lists someone who left since.
      people: db.prepare<{ personId: number | null; all: number }, PersonShiftRow>(
        `SELECT id, name, employee_code, created_at, shift_id FROM people
         WHERE (@personId IS NULL OR id = @personId) AND (@all = 1 OR active = 1)`,
      ),
      // Live punches only: a voided punch (wrong person, "not me") never counts toward a timesheet.
      punches: db.prepare<{ from: number; to: number; personId: number | null }, { personId: number; ts: number }>(
        `SELECT person_id AS personId, ts FROM punches
         WHERE ts >= @from AND ts < @to AND voided_at IS NULL AND (@personId IS NULL OR person_id = @personId)`,
      ),
    };
  }

  list(): Shift[] {
    return this.stmt.list.all().map(toShift);
  }

  get(id: number): Shift | null {
    const row = this.stmt.byId.get(id);
    return row === undefined ? null : toShift(row);
  }

  create(input: ShiftInput, actor: string): ShiftChange {
    const s = checkShift(input);
    return this.db.transaction((): ShiftChange => {
      if (this.stmt.byName.get(s.name) !== undefined) return { ok: false, reason: 'name-taken' };
      const now = this.clock();
      const id = Number(this.stmt.insert.run(s.name, s.startMinute, s.endMinute, s.graceMinutes, s.overnight ? 1 : 0, s.workDays, now).lastInsertRowid);
      this.audit.write({ ts: now, actor, action: 'shift.create', target: shiftTarget(id), details: { ...s } });
      this.logger.info({ id, name: s.name, actor }, 'shift created');
      return { ok: true, id };
    }).immediate();
  }

  update(id: number, input: ShiftInput, actor: string): ShiftChange {
    const s = checkShift(input);
    return this.db.transaction((): ShiftChange => {
      const before = this.stmt.byId.get(id);
      if (before === undefined) return { ok: false, reason: 'not-found' };
      const clash = this.stmt.byName.get(s.name);
      if (clash !== undefined && clash.id !== id) return { ok: false, reason: 'name-taken' };
      this.stmt.update.run(s.name, s.startMinute, s.endMinute, s.graceMinutes, s.overnight ? 1 : 0, s.workDays, id);
      const { createdAt: _c, people: _p, id: _i, ...from } = toShift(before);
      this.audit.write({ ts: this.clock(), actor, action: 'shift.update', target: shiftTarget(id), details: { from, to: { ...s } } });
      return { ok: true, id };
    }).immediate();
  }

  /** Refused while anyone is assigned to it: reassign them first. */
  remove(id: number, actor: string): ShiftChange {
    return this.db.transaction((): ShiftChange => {
      const before = this.stmt.byId.get(id);
      if (before === undefined) return { ok: false, reason: 'not-found' };
      if (before.people > 0) return { ok: false, reason: 'in-use' };
      this.stmt.remove.run(id);
      const { createdAt: _c, people: _p, ...was } = toShift(before);
      this.audit.write({ ts: this.clock(), actor, action: 'shift.delete', target: shiftTarget(id), details: { ...was } });
      return { ok: true, id };
    }).immediate();
  }

  /** Puts a person on a shift (null: none, calendar days). */
  assign(personId: number, shiftId: number | null, actor: string): AssignResult {
    return this.db.transaction((): AssignResult => {
      const person = this.stmt.person.get(personId);
      if (person === undefined) return { ok: false, reason: 'no-person' };
      if (shiftId !== null && this.stmt.byId.get(shiftId) === undefined) return { ok: false, reason: 'no-shift' };
      if (person.shift_id === shiftId) return { ok: true };
      this.stmt.assign.run(shiftId, personId);
      this.audit.write({ ts: this.clock(), actor, action: 'person.shift', target: `person:${personId}`, details: { from: person.shift_id, to: shiftId } });
      return { ok: true };
    }).immediate();
  }

  /** person id → shift id (or null), for the People page. */
  assignments(): Map<number, number | null> {
    return new Map(this.stmt.assignments.all().map((r) => [r.id, r.shift_id] as const));
  }

  /** One row per person per shift-day from `fromDay` to `toDay`, read at the clock's `now`. */
  timesheet(q: TimesheetQuery): TimesheetRow[] {
    const timeZone = q.timeZone ?? this.options.reportTimeZone;
    const { people, shifts } = this.timesheetPeople(q.personId, true);
    const span = timesheetSpan(shifts, q.fromDay, q.toDay, timeZone);
    return buildTimesheet({ people, punches: this.punchesIn(span, q.personId), fromDay: q.fromDay, toDay: q.toDay, timeZone, now: q.now ?? this.clock(), compareNames: this.compare });
  }

  /** Each active person's current shift-day: who is in, who has not arrived. */
  board(timeZone: string = this.options.reportTimeZone, now: number = this.clock()): TimesheetRow[] {
    const { people, shifts } = this.timesheetPeople(undefined, false);
    return buildBoard({ people, punches: this.punchesIn(boardSpan(shifts, now, timeZone)), timeZone, now, compareNames: this.compare });
  }

  /** Presence intervals of active people on shift-day `day`. */
  presence(day: string, timeZone: string = this.options.reportTimeZone, now: number = this.clock()): (PresenceRow & { person: TimesheetPerson })[] {
    const { people, shifts } = this.timesheetPeople(undefined, false);
    const span = timesheetSpan(shifts, day, day, timeZone);
    return buildPresence({ people, punches: this.punchesIn(span), day, timeZone, now, compareNames: this.compare });
  }

  private readonly compare = (a: string, b: string): number => this.collator.compare(a, b);

  private timesheetPeople(personId: number | undefined, includeInactive: boolean): { people: TimesheetPerson[]; shifts: (ShiftSpec | null)[] } {
    const byId = new Map(this.list().map((s) => [s.id, toSpec(s)] as const));
    const people = this.stmt.people.all({ personId: personId ?? null, all: includeInactive ? 1 : 0 }).map(
      (r): TimesheetPerson => ({
        personId: r.id,
        personName: r.name,
        employeeCode: r.employee_code,
        shift: r.shift_id === null ? null : (byId.get(r.shift_id) ?? null),
        activeFrom: r.created_at,
      }),
    );
    return { people, shifts: [...new Set(people.map((p) => p.shift))] };
  }

  private punchesIn(span: { from: number; to: number }, personId?: number): TimesheetPunch[] {
    return this.stmt.punches.all({ ...span, personId: personId ?? null }).map((r) => ({ personId: r.personId, ts: r.ts, voided: false }));
  }
}

function shiftTarget(id: number): string {
  return `shift:${id}`;
}

function toSpec(s: Shift): ShiftSpec {
  const { createdAt: _c, people: _p, ...spec } = s;
  return spec;
}

function toShift(r: ShiftRow): Shift {
  return {
    id: r.id,
    name: r.name,
    startMinute: r.start_minute,
    endMinute: r.end_minute,
    graceMinutes: r.grace_minutes,
    overnight: r.overnight === 1,
    workDays: r.work_days,
    createdAt: r.created_at,
    people: r.people,
  };
}

function minuteOk(m: number): boolean {
  return Number.isInteger(m) && m >= 0 && m < MINUTES_PER_DAY;
}

/** A clean shift or a usage error naming what is wrong: an end before the start must be marked overnight. */
export function checkShift(input: ShiftInput): ShiftInput {
  const name = normalizeName(input.name);
  const bad = (message: string, hint: string): KioskError => new KioskError('USAGE', message, { hint, context: { ...input } });
  if (name.length === 0) throw bad('a shift needs a name', 'give the shift a name such as "Ca sáng"');
  if (!minuteOk(input.startMinute) || !minuteOk(input.endMinute)) throw bad('shift times must be within one day (00:00–23:59)', 'write times as HH:MM');
  if (input.startMinute === input.endMinute) throw bad('a shift cannot start and end at the same time', 'set an end time different from the start');
  if (input.endMinute < input.startMinute && !input.overnight) {
    throw bad('the shift ends before it starts, which is only possible overnight', 'tick "overnight" for a night shift, or correct the times');
  }
  if (input.endMinute > input.startMinute && input.overnight) throw bad('an overnight shift must end before its start time (on the next day)', 'untick "overnight" or correct the times');
  if (!Number.isInteger(input.graceMinutes) || input.graceMinutes < 0 || input.graceMinutes > MAX_GRACE_MINUTES) {
    throw bad(`grace must be 0–${MAX_GRACE_MINUTES} minutes`, 'choose a shorter grace period');
  }
  if (!Number.isInteger(input.workDays) || input.workDays < 0 || input.workDays > ALL_DAYS) throw bad('working days are not a weekday set', 'pick the working weekdays');
  return { ...input, name };
}
