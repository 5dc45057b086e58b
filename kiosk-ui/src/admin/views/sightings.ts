/**
 * Unknown faces and spoof attempts, newest first, each with its evidence photo when one was kept
 * (click: larger). The hub shows the same view over every kiosk, with its kiosk/site filters (`scope`)
 * and its own photo route (`photoUrl`).
 */
import type { SightingDto } from '../../../../src/server/protocol.ts';
import { h, replace } from '../../dom.ts';
import { formatDateTime, localIsoDate } from '../../text.ts';
import { api, describeError, query } from '../api.ts';
import type { ListScope, ViewCtx } from '../context.ts';
import { openEvidence, photoThumb } from '../evidence.ts';
import { field, pager, table } from '../widgets.ts';

const PAGE_SIZE = 50;

export type SightingRow = Pick<SightingDto, 'ts' | 'count' | 'kioskId' | 'hasPhoto'> & { id: string | number; kind: string };

const kioskPhoto = (id: string | number): string => `/api/admin/sightings/${id}/photo`;

export function sightingsView<R extends SightingRow>(ctx: ViewCtx, opts: { scope?: ListScope<R>; photoUrl?: (id: R['id']) => string } = {}): HTMLElement {
  const { t } = ctx;
  const { scope, photoUrl = kioskPhoto } = opts;
  const today = localIsoDate(Date.now(), ctx.timeZone);
  const from = h('input', { type: 'date', value: today, 'data-testid': 'sightings-from' });
  const to = h('input', { type: 'date', value: today, 'data-testid': 'sightings-to' });
  const kind = h('select', { 'data-testid': 'sightings-kind' }, h('option', { value: '' }, t('filter.allKinds')), h('option', { value: 'unknown' }, t('sightings.unknown')), h('option', { value: 'spoof' }, t('sightings.spoof')));
  const results = h('div', { class: 'results' });
  let page = 1;
  const kindLabel = (s: R): string => t(s.kind === 'spoof' ? 'sightings.spoof' : 'sightings.unknown');

  function photo(s: R): HTMLElement {
    const src = photoUrl(s.id);
    return photoThumb(t, src, `sighting-photo-${s.id}`, () =>
      openEvidence(t, { testId: 'sighting-dialog', caption: `${kindLabel(s)} · ${s.kioskId} · ${formatDateTime(s.ts, ctx.lang, ctx.timeZone)}`, src }));
  }

  async function load(): Promise<void> {
    try {
      const r = await api<{ items: R[]; hasMore: boolean }>('GET', `/api/admin/sightings${query({ from: from.value, to: to.value, kind: kind.value, ...scope?.params(), page, pageSize: PAGE_SIZE })}`);
      const rows = r.items.map((s) =>
        h('tr', { 'data-sighting': String(s.id) },
          h('td', { class: 'nowrap' }, formatDateTime(s.ts, ctx.lang, ctx.timeZone)),
          h('td', {}, h('span', { class: `tag ${s.kind === 'spoof' ? 'voided' : 'manual'}` }, kindLabel(s))),
          h('td', { class: 'num' }, s.count),
          h('td', {}, s.kioskId),
          scope === undefined ? null : h('td', {}, scope.column.cell(s)),
          h('td', {}, s.hasPhoto ? photo(s) : h('span', { class: 'muted' }, '—')),
        ),
      );
      const headers = [t('log.time'), t('sightings.kind'), t('sightings.count'), t('log.kiosk'), ...(scope === undefined ? [] : [scope.column.header]), t('log.photo')];
      replace(
        results,
        table(headers, rows, t('sightings.empty'), 'sightings-table'),
        pager(t, { label: h('span', {}, String(page)), hasPrev: page > 1, hasNext: r.hasMore }, (delta) => { page += delta; void load(); }),
      );
    } catch (err) {
      ctx.error(describeError(err));
    }
  }

  void (scope?.ready ?? Promise.resolve()).then(load);
  return h('section', { class: 'view' },
    h('div', { class: 'filters' },
      field(t('filter.from'), from),
      field(t('filter.to'), to),
      field(t('filter.kind'), kind),
      ...(scope?.fields ?? []),
      h('button', { type: 'button', class: 'btn primary', 'data-testid': 'sightings-apply', onclick: () => { page = 1; void load(); } }, t('filter.apply')),
    ),
    results,
  );
}
