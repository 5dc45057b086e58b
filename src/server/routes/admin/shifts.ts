/** Shifts, each person's shift, and what is read through them: timesheet (JSON, CSV, XLSX), today's board, presence per day. */
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { z } from 'zod';
import type { Shift, ShiftChange, ShiftInput } from '../../../store/shift-repo.ts';
import type { ServerContext } from '../../context.ts';
import { apiError } from '../../http-errors.ts';
import { actorOf } from '../../plugins/admin-auth.ts';
import { presenceDto } from '../../dto.ts';
import type { ShiftDto, ShiftInputDto } from '../../protocol.ts';
import { dayRange } from '../../time.ts';
import { sendTimesheet } from '../../timesheet-export.ts';
import { exportAuditEntry } from '../../export-audit.ts';
import { idParams, okReply, createdReply } from '../schemas.ts';
import {
  assignBody,
  boardReply,
  presenceQuery,
  presenceReply,
  shiftBody,
  shiftsReply,
  timesheetExportQuery,
  timesheetQuery,
  timesheetReply,
} from '../shift-schemas.ts';

const MINUTES_PER_HOUR = 60;

function hhmm(minute: number): string {
  return `${String(Math.floor(minute / MINUTES_PER_HOUR)).padStart(2, '0')}:${String(minute % MINUTES_PER_HOUR).padStart(2, '0')}`;
}

function minuteOf(text: string): number {
  const [h, m] = text.split(':').map(Number) as [number, number];
  return h * MINUTES_PER_HOUR + m;
}

/** A shift's times and weekday mask as the admin pages edit them (the hub's shifts too). */
export function shiftFields(s: Pick<ShiftInput, 'name' | 'startMinute' | 'endMinute' | 'graceMinutes' | 'overnight' | 'workDays'>): ShiftInputDto {
  const workDays: number[] = [];
  for (let d = 0; d < 7; d++) if ((s.workDays & (1 << d)) !== 0) workDays.push(d);
  return { name: s.name, start: hhmm(s.startMinute), end: hhmm(s.endMinute), graceMinutes: s.graceMinutes, overnight: s.overnight, workDays };
}

function shiftDto(s: Shift): ShiftDto {
  return { id: s.id, ...shiftFields(s), people: s.people };
}

export function shiftInput(b: ShiftInputDto): ShiftInput {
  return {
    name: b.name,
    startMinute: minuteOf(b.start),
    endMinute: minuteOf(b.end),
    graceMinutes: b.graceMinutes,
    overnight: b.overnight,
    workDays: b.workDays.reduce((mask, d) => mask | (1 << d), 0),
  };
}

function refused(reply: FastifyReply, r: Exclude<ShiftChange, { ok: true }>, id?: number): FastifyReply {
  if (r.reason === 'not-found') return reply.code(404).send(apiError('not-found', `no shift ${id ?? ''}`.trim()));
  if (r.reason === 'name-taken') return reply.code(409).send(apiError('name-taken', 'another shift already has that name'));
  return reply.code(409).send(apiError('in-use', 'people are still assigned to this shift; move them to another shift first'));
}

export async function shiftRoutes(app: FastifyInstance, opts: { ctx: ServerContext }): Promise<void> {
  const { ctx } = opts;
  const o = ctx.options;
  const shifts = ctx.store.shifts;

  app.get('/shifts', { schema: { response: { 200: shiftsReply } } }, async () => ({
    items: shifts.list().map(shiftDto),
    assignments: [...shifts.assignments()].map(([personId, shiftId]) => ({ personId, shiftId })),
  }));

  app.post<{ Body: z.infer<typeof shiftBody> }>('/shifts', { schema: { body: shiftBody, response: { 201: createdReply } } }, async (request, reply) => {
    const r = shifts.create(shiftInput(request.body), actorOf(request));
    if (!r.ok) return refused(reply, r);
    ctx.live.logChanged();
    return reply.code(201).send({ ok: true as const, id: r.id });
  });

  app.put<{ Params: z.infer<typeof idParams>; Body: z.infer<typeof shiftBody> }>(
    '/shifts/:id',
    { schema: { params: idParams, body: shiftBody, response: { 200: okReply } } },
    async (request, reply) => {
      const r = shifts.update(request.params.id, shiftInput(request.body), actorOf(request));
      if (!r.ok) return refused(reply, r, request.params.id);
      ctx.live.logChanged();
      return { ok: true as const };
    },
  );

  app.delete<{ Params: z.infer<typeof idParams> }>('/shifts/:id', { schema: { params: idParams, response: { 200: okReply } } }, async (request, reply) => {
    const r = shifts.remove(request.params.id, actorOf(request));
    if (!r.ok) return refused(reply, r, request.params.id);
    ctx.live.logChanged();
    return { ok: true as const };
  });

  app.put<{ Params: z.infer<typeof idParams>; Body: z.infer<typeof assignBody> }>(
    '/people/:id/shift',
    { schema: { params: idParams, body: assignBody, response: { 200: okReply } } },
    async (request, reply) => {
      const r = shifts.assign(request.params.id, request.body.shiftId, actorOf(request));
      if (!r.ok && r.reason === 'no-person') return reply.code(404).send(apiError('not-found', `no person ${request.params.id}`));
      if (!r.ok) return reply.code(404).send(apiError('not-found', `no shift ${request.body.shiftId ?? ''}`));
      ctx.live.logChanged();
      return { ok: true as const };
    },
  );

  const timesheet = (q: z.infer<typeof timesheetQuery>): ReturnType<typeof shifts.timesheet> => {
    // Same limits and error lines as the other reports.
    dayRange(q.from, q.to, o.timeZone, o.maxRangeDays);
    return shifts.timesheet({ fromDay: q.from, toDay: q.to, personId: q.personId, timeZone: o.timeZone, now: ctx.clock() });
  };

  app.get<{ Querystring: z.infer<typeof timesheetQuery> }>(
    '/timesheet',
    { schema: { querystring: timesheetQuery, response: { 200: timesheetReply } } },
    async (request) => ({ items: timesheet(request.query) }),
  );

  const fileBase = (q: { from: string; to: string }): string => `timesheet-${q.from}-to-${q.to}`;

  for (const format of ['csv', 'xlsx'] as const) {
    app.get<{ Querystring: z.infer<typeof timesheetExportQuery> }>(`/timesheet.${format}`, { schema: { querystring: timesheetExportQuery } }, async (request, reply) => {
      const q = request.query;
      const rows = timesheet(q);
      ctx.store.audit.write({ ts: ctx.clock(), actor: actorOf(request), ...exportAuditEntry('timesheet', q, rows.length, format) });
      return sendTimesheet(reply, { format, base: fileBase(q) }, { rows, timeZone: o.timeZone, lang: q.lang });
    });
  }

  app.get('/board', { schema: { response: { 200: boardReply } } }, async () => {
    const now = ctx.clock();
    return { now, items: shifts.board(o.timeZone, now) };
  });

  app.get<{ Querystring: z.infer<typeof presenceQuery> }>(
    '/presence',
    { schema: { querystring: presenceQuery, response: { 200: presenceReply } } },
    async (request) => {
      const day = request.query.day;
      dayRange(day, day, o.timeZone, o.maxRangeDays);
      const now = ctx.clock();
      return { day, now, items: shifts.presence(day, o.timeZone, now).map(presenceDto) };
    },
  );
}
