/** The audit trail: every void, manual punch, enrollment change, setting and login. */
import type { AuditDto } from '../../../../src/server/protocol.ts';
import { h, replace } from '../../dom.ts';
import { formatDateTime, localIsoDate } from '../../text.ts';
import { api, describeError, query } from '../api.ts';
import type { AdminCtx } from '../context.ts';
import { field, pager, table } from '../widgets.ts';

const PAGE_SIZE = 50;
const WEEK_MS = 6 * 86_400_000;

export function auditView(ctx: AdminCtx): HTMLElement {
  const { t } = ctx;
  const from = h('input', { type: 'date', value: localIsoDate(Date.now() - WEEK_MS, ctx.timeZone) });
  const to = h('input', { type: 'date', value: localIsoDate(Date.now(), ctx.timeZone) });
  const results = h('div', { class: 'results' });
  let page = 1;

  async function load(): Promise<void> {
    try {
      const r = await api<{ items: AuditDto[]; hasMore: boolean }>('GET', `/api/admin/audit${query({ from: from.value, to: to.value, page, pageSize: PAGE_SIZE })}`);
      const rows = r.items.map((a) =>
        h('tr', {},
          h('td', { class: 'nowrap' }, formatDateTime(a.ts, ctx.lang, ctx.timeZone)),
          h('td', {}, a.actor),
          h('td', {}, a.action),
          h('td', {}, a.target),
          h('td', { class: 'details' }, a.details),
        ),
      );
      replace(
        results,
        table([t('log.time'), t('audit.actor'), t('audit.action'), t('audit.target'), t('audit.details')], rows, t('audit.empty'), 'audit-table'),
        pager(t, { label: h('span', {}, String(page)), hasPrev: page > 1, hasNext: r.hasMore }, (delta) => { page += delta; void load(); }),
      );
    } catch (err) {
      ctx.error(describeError(err));
    }
  }

  ctx.onLogChanged(() => void load());
  void load();
  return h('section', { class: 'view' },
    h('div', { class: 'filters' },
      field(t('filter.from'), from),
      field(t('filter.to'), to),
      h('button', { type: 'button', class: 'btn primary', onclick: () => { page = 1; void load(); } }, t('filter.apply')),
    ),
    results,
  );
}
