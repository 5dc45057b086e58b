/**
 * The hub's reports for every kiosk, inside the authenticated /api/admin scope of admin-routes.ts:
 *   GET timesheet, timesheet.csv, timesheet.xlsx   ?from=&to=[&personId=][&kioskId=][&site=][&lang=]
 *   GET daily                                      ?from=&to=[&personId=][&kioskId=][&site=]
 *   GET board                                      [?kioskId=][&site=]
 *   GET presence                                   ?day=[&kioskId=][&site=]
 * The answers are the kiosk's (same pure code, same CSV/XLSX cells) with uids as person ids, and each
 * timesheet row names the kiosk of its first and its last punch; personId is a person's uid (or an alias
 * uid, which stands for its person). See timesheet-source.ts for what counts and who is listed under a
 * kiosk/site filter.
 */
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { dailyDto, presenceDto } from '../server/dto.ts';
import { day } from '../server/fields.ts';
import { defaultServerOptions } from '../server/options.ts';
import { dailyReplyOf } from '../server/routes/schemas.ts';
import { boardReplyOf, presenceReplyOf, timesheetRowOf } from '../server/routes/shift-schemas.ts';
import { dayRange } from '../server/time.ts';
import { sendTimesheet, type ExtraColumns } from '../server/timesheet-export.ts';
import { actorOf, scopeFields, scopeLabel } from './admin-fields.ts';
import { exportAuditEntry } from '../server/export-audit.ts';
import { hubAudit } from './kiosks-repo.ts';
import type { HubBoardDto, HubDailyRowDto, HubPresenceDto, HubTimesheetRowDto } from './admin-dto.ts';
import type { Pool } from './db.ts';
import type { HubOptions } from './options.ts';
import { uuid } from './protocol.ts';
import { HubTimesheetSource, type ReportFilter, type ReportScope } from './timesheet-source.ts';

// Range limit of the kiosk admin's reports.
const MAX_RANGE_DAYS = defaultServerOptions.maxRangeDays;

const rangeQuery = z.object({ from: day, to: day, personId: uuid.optional(), ...scopeFields }).strict();
const exportQuery = rangeQuery.extend({ lang: z.enum(['vi', 'en']).default('vi') }).strict();
const boardQuery = z.object(scopeFields).strict();
const presenceQuery = z.object({ day, ...scopeFields }).strict();

const uid = z.string();
const timesheetRow = timesheetRowOf(uid).extend({ firstInKiosk: z.string().nullable(), lastOutKiosk: z.string().nullable() });
const timesheetReply = z.object({ items: z.array(timesheetRow) }) satisfies z.ZodType<{ items: HubTimesheetRowDto[] }>;

/** The hub's downloads add, after the kiosk's cells, the kiosk of the first and the last punch. */
const KIOSK_COLUMNS: ExtraColumns<HubTimesheetRowDto> = {
  headers: { en: ['First in at (kiosk)', 'Last out at (kiosk)'], vi: ['Vào tại (kiosk)', 'Ra tại (kiosk)'] },
  cells: (r) => [r.firstInKiosk, r.lastOutKiosk],
};
const dailyReply = dailyReplyOf(uid) satisfies z.ZodType<{ items: HubDailyRowDto[] }>;
const boardReply = boardReplyOf(uid) satisfies z.ZodType<HubBoardDto>;
const presenceReply = presenceReplyOf(uid) satisfies z.ZodType<HubPresenceDto>;

export interface HubTimesheetDeps {
  pool: Pool;
  options: HubOptions;
  clock: () => number;
}

const scopeOf = (q: ReportScope): ReportScope => ({ kioskId: q.kioskId, site: q.site });
const filterOf = (q: z.infer<typeof rangeQuery>): ReportFilter => ({ scope: scopeOf(q), personUid: q.personId });

export async function hubTimesheetRoutes(app: FastifyInstance, deps: HubTimesheetDeps): Promise<void> {
  const timeZone = deps.options.timeZone;
  const source = new HubTimesheetSource(deps.pool);

  const timesheet = (q: z.infer<typeof rangeQuery>): Promise<HubTimesheetRowDto[]> => {
    // Same limits and error lines as the other reports.
    dayRange(q.from, q.to, timeZone, MAX_RANGE_DAYS);
    return source.timesheet({ fromDay: q.from, toDay: q.to, timeZone, now: deps.clock(), ...filterOf(q) });
  };

  app.get<{ Querystring: z.infer<typeof rangeQuery> }>('/timesheet', { schema: { querystring: rangeQuery, response: { 200: timesheetReply } } }, async (request) => ({
    items: await timesheet(request.query),
  }));

  for (const format of ['csv', 'xlsx'] as const) {
    app.get<{ Querystring: z.infer<typeof exportQuery> }>(`/timesheet.${format}`, { schema: { querystring: exportQuery } }, async (request, reply) => {
      const q = request.query;
      // The kiosk id is a safe file-name part; a site name is free text, so it stays out of the header.
      const base = `timesheet-${q.kioskId ?? 'all'}-${q.from}-to-${q.to}`;
      const rows = await timesheet(q);
      const e = exportAuditEntry('timesheet', { ...q, scope: scopeLabel(q) }, rows.length, format);
      await hubAudit(deps.pool, deps.clock(), actorOf(request), e.action, e.target, e.details);
      return sendTimesheet(reply, { format, base }, { rows, timeZone, lang: q.lang, extra: KIOSK_COLUMNS });
    });
  }

  app.get<{ Querystring: z.infer<typeof rangeQuery> }>('/daily', { schema: { querystring: rangeQuery, response: { 200: dailyReply } } }, async (request) => {
    const q = request.query;
    const rows = await source.daily({ ...dayRange(q.from, q.to, timeZone, MAX_RANGE_DAYS), timeZone, ...filterOf(q) });
    return { items: rows.map(dailyDto) };
  });

  app.get<{ Querystring: z.infer<typeof boardQuery> }>('/board', { schema: { querystring: boardQuery, response: { 200: boardReply } } }, async (request) => {
    const now = deps.clock();
    return { now, items: await source.board({ timeZone, now, scope: scopeOf(request.query) }) };
  });

  app.get<{ Querystring: z.infer<typeof presenceQuery> }>('/presence', { schema: { querystring: presenceQuery, response: { 200: presenceReply } } }, async (request) => {
    const q = request.query;
    dayRange(q.day, q.day, timeZone, MAX_RANGE_DAYS);
    const now = deps.clock();
    return { day: q.day, now, items: (await source.presence({ day: q.day, timeZone, now, scope: scopeOf(q) })).map(presenceDto) };
  });
}
