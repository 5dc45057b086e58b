/**
 * Monthly timesheet per person (or everyone): one row per shift-day, totals, and CSV / Excel downloads of the
 * same rows. The hub shows it too, for every kiosk, with its people (by uid) and its kiosk/site scope.
 */
import type { DayStatusDto, TimesheetRowDto } from '../../../../src/server/protocol.ts';
import { h, replace } from '../../dom.ts';
import { LOCALE, type MessageKey } from '../../i18n.ts';
import { formatTime, localIsoDate } from '../../text.ts';
import { api, describeError, query } from '../api.ts';
import type { ReportCtx } from '../context.ts';
import { startReport } from '../report-start.ts';
import { field, table } from '../widgets.ts';
import { weekdayLabel } from './shifts.ts';

/** First and last day (YYYY-MM-DD) of a 'YYYY-MM' month. */
export function monthRange(month: string): { from: string; to: string } {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return { from: `${month}-01`, to: `${month}-${String(last).padStart(2, '0')}` };
}

export function statusTag(ctx: ReportCtx, status: DayStatusDto): HTMLElement {
  return h('span', { class: `tag status-${status}`, 'data-status': status }, ctx.t(`status.${status}` as MessageKey));
}

/** "06:04 (+1)" when the time falls on a later calendar day than the shift-day (a night shift's check-out). */
export function shiftTime(ctx: ReportCtx, ts: number | null, day: string): string {
  if (ts === null) return '';
  const date = localIsoDate(ts, ctx.timeZone);
  const shift = Math.round((Date.parse(date) - Date.parse(day)) / 86_400_000);
  return shift === 0 ? formatTime(ts, ctx.lang, ctx.timeZone) : `${formatTime(ts, ctx.lang, ctx.timeZone)} (${shift > 0 ? '+' : ''}${shift})`;
}

export function timesheetView(ctx: ReportCtx): HTMLElement {
  const { t } = ctx;
  const month = h('input', { type: 'month', value: localIsoDate(Date.now(), ctx.timeZone).slice(0, 7), 'data-testid': 'timesheet-month' });
  const results = h('div', { class: 'results' });
  const totals = h('p', { class: 'muted', 'data-testid': 'timesheet-totals' });
  const csv = h('a', { class: 'btn', 'data-testid': 'timesheet-csv', download: '' }, t('timesheet.csv'));
  const xlsx = h('a', { class: 'btn', 'data-testid': 'timesheet-xlsx', download: '' }, t('timesheet.xlsx'));
  const hours = new Intl.NumberFormat(LOCALE[ctx.lang], { minimumFractionDigits: 2, maximumFractionDigits: 2 });

  function row(r: TimesheetRowDto<number | string>, showName: boolean): HTMLTableRowElement {
    const weekday = new Date(`${r.day}T00:00:00Z`).getUTCDay();
    return h('tr', { 'data-day': r.day, 'data-person-id': r.personId, class: r.absent ? 'is-voided' : undefined },
      h('td', { class: 'nowrap' }, `${weekdayLabel(ctx, weekday)} ${r.day}`),
      showName ? h('td', {}, r.personName) : null,
      h('td', {}, r.shiftName ?? t('shift.none')),
      h('td', { class: 'num nowrap' }, r.scheduledStart === null ? '' : `${shiftTime(ctx, r.scheduledStart, r.day)}–${shiftTime(ctx, r.scheduledEnd, r.day)}`),
      h('td', { class: 'num nowrap', 'data-col': 'first-in' }, shiftTime(ctx, r.firstIn, r.day)),
      h('td', { class: 'num nowrap', 'data-col': 'last-out' }, shiftTime(ctx, r.lastOut, r.day)),
      h('td', { class: 'num', 'data-col': 'hours' }, r.punches > 1 ? hours.format(r.workedHours) : ''),
      h('td', { class: 'num', 'data-col': 'late' }, r.lateMinutes > 0 ? r.lateMinutes : ''),
      h('td', { class: 'num', 'data-col': 'early' }, r.earlyMinutes > 0 ? r.earlyMinutes : ''),
      h('td', { 'data-col': 'status' }, statusTag(ctx, r.status)),
    );
  }

  async function load(): Promise<void> {
    if (month.value === '') return;
    const range = monthRange(month.value);
    const personId = report.personId();
    const q = { ...range, personId, ...ctx.scope?.params() };
    csv.setAttribute('href', `/api/admin/timesheet.csv${query({ ...q, lang: ctx.lang })}`);
    xlsx.setAttribute('href', `/api/admin/timesheet.xlsx${query({ ...q, lang: ctx.lang })}`);
    try {
      const r = await api<{ items: TimesheetRowDto<number | string>[] }>('GET', `/api/admin/timesheet${query(q)}`);
      const showName = personId === undefined;
      const headers = [t('timesheet.day'), ...(showName ? [t('log.name')] : []), t('shift.column'), t('timesheet.scheduled'), t('daily.firstIn'), t('daily.lastOut'), t('daily.hours'), t('timesheet.late'), t('timesheet.early'), t('timesheet.status')];
      replace(results, table(headers, r.items.map((x) => row(x, showName)), t('timesheet.empty'), 'timesheet-table'));
      const sum = r.items.reduce(
        (a, x) => ({ hours: a.hours + x.workedHours, late: a.late + (x.lateMinutes > 0 ? 1 : 0), early: a.early + (x.earlyMinutes > 0 ? 1 : 0), missing: a.missing + (x.missingCheckOut ? 1 : 0), absent: a.absent + (x.absent ? 1 : 0) }),
        { hours: 0, late: 0, early: 0, missing: 0, absent: 0 },
      );
      replace(totals, r.items.length === 0 ? '' : t('timesheet.totals', { ...sum, hours: hours.format(sum.hours) }));
    } catch (err) {
      ctx.error(describeError(err));
    }
  }

  const report = startReport(ctx, 'timesheet', load);
  return h('section', { class: 'view' },
    h('div', { class: 'filters' },
      field(t('timesheet.month'), month),
      report.personField,
      ...(ctx.scope?.fields ?? []),
      h('button', { type: 'button', class: 'btn primary', 'data-testid': 'timesheet-show', onclick: () => void load() }, t('filter.apply')),
      csv,
      xlsx,
    ),
    totals,
    results,
  );
}
