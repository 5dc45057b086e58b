/**
 * The audit trail: every void, manual punch, enrollment change, setting and login. The hub shows the
 * same view over every kiosk's trail and its own, with its kiosk/site filters (`scope`).
 */
import type { AuditDto } from '../../../../src/server/protocol.ts';
import { h, replace } from '../../dom.ts';
import { formatDateTime, localIsoDate } from '../../text.ts';
import { api, describeError, query } from '../api.ts';
import type { ListScope, ViewCtx } from '../context.ts';
import { field, pager, table } from '../widgets.ts';

const PAGE_SIZE = 50;
const WEEK_MS = 6 * 86_400_000;

export type AuditRow = Pick<AuditDto, 'ts' | 'actor' | 'action' | 'target' | 'details'>;

export function auditView<R extends AuditRow>(ctx: ViewCtx, scope?: ListScope<R>): HTMLElement {
  const { t } = ctx;
  const from = h('input', { type: 'date', value: localIsoDate(Date.now() - WEEK_MS, ctx.timeZone), 'data-testid': 'audit-from' });
  const to = h('input', { type: 'date', value: localIsoDate(Date.now(), ctx.timeZone), 'data-testid': 'audit-to' });
  const results = h('div', { class: 'results' });
  let page = 1;

  async function load(): Promise<void> {
    try {
      const r = await api<{ items: R[]; hasMore: boolean }>('GET', `/api/admin/audit${query({ from: from.value, to: to.value, ...scope?.params(), page, pageSize: PAGE_SIZE })}`);
      const rows = r.items.map((a) =>
        h('tr', {},
          h('td', { class: 'nowrap' }, formatDateTime(a.ts, ctx.lang, ctx.timeZone)),
          scope === undefined ? null : h('td', {}, scope.column.cell(a)),
          h('td', {}, a.actor),
          h('td', {}, a.action),
          h('td', {}, a.target),
          h('td', { class: 'details' }, a.details),
        ),
      );
      const headers = [t('log.time'), ...(scope === undefined ? [] : [scope.column.header]), t('audit.actor'), t('audit.action'), t('audit.target'), t('audit.details')];
      replace(
        results,
        table(headers, rows, t('audit.empty'), 'audit-table'),
        pager(t, { label: h('span', {}, String(page)), hasPrev: page > 1, hasNext: r.hasMore }, (delta) => { page += delta; void load(); }),
      );
    } catch (err) {
      ctx.error(describeError(err));
    }
  }

  ctx.onLogChanged?.(() => void load());
  void (scope?.ready ?? Promise.resolve()).then(load);
  return h('section', { class: 'view' },
    h('div', { class: 'filters' },
      field(t('filter.from'), from),
      field(t('filter.to'), to),
      ...(scope?.fields ?? []),
      h('button', { type: 'button', class: 'btn primary', 'data-testid': 'audit-apply', onclick: () => { page = 1; void load(); } }, t('filter.apply')),
    ),
    results,
  );
}
