/** zod schemas of the shift and timesheet API, checked against protocol.ts DTOs. */
import { z } from 'zod';
import { day, id, idParam, personName } from '../fields.ts';
import type { BoardDto, DayStatusDto, PresenceDto, ShiftDto, ShiftInputDto, ShiftsDto, TimesheetRowDto } from '../protocol.ts';

const MAX_GRACE_MINUTES = 240;

/** 'HH:MM' on a 24-hour clock. */
export const clockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/u, { message: 'a time is written HH:MM (00:00–23:59)' });

export const shiftBody = z
  .object({
    name: personName,
    start: clockTime,
    end: clockTime,
    graceMinutes: z.number().int().min(0).max(MAX_GRACE_MINUTES),
    overnight: z.boolean(),
    workDays: z.array(z.number().int().min(0).max(6)).max(7),
  })
  .strict() satisfies z.ZodType<ShiftInputDto, unknown>;

export const assignBody = z.object({ shiftId: id.nullable() }).strict();

export const timesheetQuery = z.object({ from: day, to: day, personId: idParam.optional() }).strict();

export const timesheetExportQuery = timesheetQuery.extend({ lang: z.enum(['vi', 'en']).default('vi') }).strict();

export const presenceQuery = z.object({ day }).strict();

/** A shift's editable fields in a reply (the kiosk's shifts, and the hub's shared ones). */
export const shiftFieldsReply = z.object({
  name: z.string(),
  start: z.string(),
  end: z.string(),
  graceMinutes: z.number(),
  overnight: z.boolean(),
  workDays: z.array(z.number()),
}) satisfies z.ZodType<ShiftInputDto>;

const shiftReply = shiftFieldsReply.extend({ id: z.number(), people: z.number() }) satisfies z.ZodType<ShiftDto>;

export const shiftsReply = z.object({
  items: z.array(shiftReply),
  assignments: z.array(z.object({ personId: z.number(), shiftId: z.number().nullable() })),
}) satisfies z.ZodType<ShiftsDto>;

const dayStatus = z.enum(['in', 'out', 'missing-out', 'absent', 'not-arrived', 'upcoming', 'off']) satisfies z.ZodType<DayStatusDto>;

/** Person ids are numbers on a kiosk and uids on the hub: the report schemas are built for either. */
type PersonIdSchema = z.ZodNumber | z.ZodString;

export function timesheetRowOf<Id extends PersonIdSchema>(personId: Id) {
  return z.object({
    personId,
    personName: z.string(),
    employeeCode: z.string().nullable(),
    shiftName: z.string().nullable(),
    day: z.string(),
    scheduledStart: z.number().nullable(),
    scheduledEnd: z.number().nullable(),
    workDay: z.boolean(),
    firstIn: z.number().nullable(),
    lastOut: z.number().nullable(),
    punches: z.number(),
    workedHours: z.number(),
    lateMinutes: z.number(),
    earlyMinutes: z.number(),
    missingCheckOut: z.boolean(),
    absent: z.boolean(),
    status: dayStatus,
  });
}

export function timesheetReplyOf<Id extends PersonIdSchema>(personId: Id) {
  return z.object({ items: z.array(timesheetRowOf(personId)) });
}

export function boardReplyOf<Id extends PersonIdSchema>(personId: Id) {
  return z.object({ now: z.number(), items: z.array(timesheetRowOf(personId)) });
}

export function presenceReplyOf<Id extends PersonIdSchema>(personId: Id) {
  return z.object({
    day: z.string(),
    now: z.number(),
    items: z.array(
      z.object({
        personId,
        personName: z.string(),
        shiftName: z.string().nullable(),
        from: z.number(),
        to: z.number(),
        scheduledStart: z.number().nullable(),
        scheduledEnd: z.number().nullable(),
        intervals: z.array(z.object({ from: z.number(), to: z.number().nullable(), open: z.boolean() })),
      }),
    ),
  });
}

export const timesheetReply = timesheetReplyOf(z.number()) satisfies z.ZodType<{ items: TimesheetRowDto[] }>;

export const boardReply = boardReplyOf(z.number()) satisfies z.ZodType<BoardDto>;

export const presenceReply = presenceReplyOf(z.number()) satisfies z.ZodType<PresenceDto>;
