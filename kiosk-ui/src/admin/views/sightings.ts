/** Unknown faces and spoof attempts, newest first, each with its evidence photo when one was kept (click: larger). */
import type { SightingDto } from '../../../../src/server/protocol.ts';
import { h, replace } from '../../dom.ts';
import { formatDateTime, localIsoDate } from '../../text.ts';
import { api, describeError, query } from '../api.ts';
import type { AdminCtx } from '../context.ts';
import { field, pager, table } from '../widgets.ts';

const PAGE_SIZE = 50;

export function sightingsView(ctx: AdminCtx): HTMLElement {
  const { t } = ctx;
  const today = localIsoDate(Date.now(), ctx.timeZone);
  const from = h('input', { type: 'date', value: today });
  const to = h('input', { type: 'date', value: today });
  const kind = h('select', {}, h('option', { value: '' }, t('filter.allKinds')), h('option', { value: 'unknown' }, t('sightings.unknown')), h('option', { value: 'spoof' }, t('sightings.spoof')));
  const results = h('div', { class: 'results' });
  let page = 1;

  function photo(s: SightingDto): HTMLElement {
    const src = `/api/admin/sightings/${s.id}/photo`;
    const open = (): void => {
      const dialog = h('dialog', { class: 'evidence', 'data-testid': 'sighting-dialog' },
        h('p', {}, `${t(s.kind === 'spoof' ? 'sightings.spoof' : 'sightings.unknown')} · ${formatDateTime(s.ts, ctx.lang, ctx.timeZone)}`),
        h('img', { class: 'evidence-photo', src, alt: t('log.photo') }),
        h('div', { class: 'row' }, h('button', { type: 'button', class: 'btn ghost', onclick: () => dialog.close() }, t('log.closeEvidence'))),
      );
      dialog.addEventListener('close', () => dialog.remove());
      document.body.append(dialog);
      dialog.showModal();
    };
    return h('button', { type: 'button', class: 'photo-button', 'data-testid': `sighting-photo-${s.id}`, title: t('log.photo'), onclick: open },
      h('img', { class: 'thumb', src, alt: t('log.photo'), loading: 'lazy' }));
  }

  async function load(): Promise<void> {
    try {
      const r = await api<{ items: SightingDto[]; hasMore: boolean }>('GET', `/api/admin/sightings${query({ from: from.value, to: to.value, kind: kind.value, page, pageSize: PAGE_SIZE })}`);
      const rows = r.items.map((s) =>
        h('tr', {},
          h('td', { class: 'nowrap' }, formatDateTime(s.ts, ctx.lang, ctx.timeZone)),
          h('td', {}, h('span', { class: `tag ${s.kind === 'spoof' ? 'voided' : 'manual'}` }, t(s.kind === 'spoof' ? 'sightings.spoof' : 'sightings.unknown'))),
          h('td', { class: 'num' }, s.count),
          h('td', {}, s.kioskId),
          h('td', {}, s.hasPhoto ? photo(s) : h('span', { class: 'muted' }, '—')),
        ),
      );
      replace(
        results,
        table([t('log.time'), t('sightings.kind'), t('sightings.count'), t('log.kiosk'), t('log.photo')], rows, t('sightings.empty'), 'sightings-table'),
        pager(t, { label: h('span', {}, String(page)), hasPrev: page > 1, hasNext: r.hasMore }, (delta) => { page += delta; void load(); }),
      );
    } catch (err) {
      ctx.error(describeError(err));
    }
  }

  void load();
  return h('section', { class: 'view' },
    h('div', { class: 'filters' },
      field(t('filter.from'), from),
      field(t('filter.to'), to),
      field(t('filter.kind'), kind),
      h('button', { type: 'button', class: 'btn primary', onclick: () => { page = 1; void load(); } }, t('filter.apply')),
    ),
    results,
  );
}
