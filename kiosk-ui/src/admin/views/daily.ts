/** Daily summary: first in, last out and hours per person per local day (on a kiosk, and on the hub for every kiosk). */
import type { DailyRowDto } from '../../../../src/server/protocol.ts';
import { h, replace } from '../../dom.ts';
import { LOCALE } from '../../i18n.ts';
import { formatTime, localIsoDate } from '../../text.ts';
import { api, describeError, query } from '../api.ts';
import type { ReportCtx } from '../context.ts';
import { startReport } from '../report-start.ts';
import { field, table } from '../widgets.ts';

const WEEK_MS = 6 * 86_400_000;

export function dailyView(ctx: ReportCtx): HTMLElement {
  const { t } = ctx;
  const from = h('input', { type: 'date', value: localIsoDate(Date.now() - WEEK_MS, ctx.timeZone), 'data-testid': 'daily-from' });
  const to = h('input', { type: 'date', value: localIsoDate(Date.now(), ctx.timeZone), 'data-testid': 'daily-to' });
  const results = h('div', { class: 'results' });
  const hours = new Intl.NumberFormat(LOCALE[ctx.lang], { minimumFractionDigits: 2, maximumFractionDigits: 2 });

  async function load(): Promise<void> {
    try {
      const q = { from: from.value, to: to.value, personId: report.personId(), ...ctx.scope?.params() };
      const r = await api<{ items: DailyRowDto<number | string>[] }>('GET', `/api/admin/daily${query(q)}`);
      const rows = r.items.map((d) =>
        h('tr', {},
          h('td', { class: 'nowrap' }, d.day),
          h('td', {}, d.personName),
          h('td', { class: 'num' }, formatTime(d.firstIn, ctx.lang, ctx.timeZone)),
          h('td', { class: 'num' }, formatTime(d.lastOut, ctx.lang, ctx.timeZone)),
          h('td', { class: 'num' }, hours.format(d.hours)),
          h('td', { class: 'num' }, d.punches),
        ),
      );
      replace(results, table([t('daily.day'), t('log.name'), t('daily.firstIn'), t('daily.lastOut'), t('daily.hours'), t('daily.punches')], rows, t('daily.empty'), 'daily-table'));
    } catch (err) {
      ctx.error(describeError(err));
    }
  }

  const report = startReport(ctx, 'daily', load);
  return h('section', { class: 'view' },
    h('p', { class: 'muted' }, t('daily.shiftHint')),
    h('div', { class: 'filters' },
      field(t('filter.from'), from),
      field(t('filter.to'), to),
      report.personField,
      ...(ctx.scope?.fields ?? []),
      h('button', { type: 'button', class: 'btn primary', 'data-testid': 'daily-show', onclick: () => void load() }, t('filter.apply')),
    ),
    results,
  );
}
