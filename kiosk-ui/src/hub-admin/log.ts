/**
 * The hub's attendance log: punches of every kiosk in one list, with kiosk and site filters, each
 * punch's kiosk, site and clock trust (a kiosk clock that was off, or not yet confirmed, is shown,
 * with the hub's corrected time when it has one), voided punches marked, each punch's evidence photo
 * (larger on click, as on the kiosk), the CSV export, and the kiosk's corrections: "void" with a
 * reason, and a manual punch booked at a chosen kiosk; each reaches that kiosk at its next sync.
 */
import type { HubClockTrust, HubPunchDto, HubPunchPageDto } from '../../../src/hub/admin-dto.ts';
import { h, replace } from '../dom.ts';
import { formatDateTime, localIsoDate } from '../text.ts';
import { api, describeError, query } from '../admin/api.ts';
import { openEvidence, photoThumb } from '../admin/evidence.ts';
import { manualPunchForm } from '../admin/manual-punch-form.ts';
import { voidButton } from '../admin/void-form.ts';
import { field, pager, table } from '../admin/widgets.ts';
import { hubReportPeople } from './people.ts';
import { hubScope } from './scope.ts';
import type { HubViewCtx } from './context.ts';

const PAGE_SIZE = 25;
const COLUMNS = 10;

const CLOCK_TAG: Record<HubClockTrust, string> = { confirmed: 'tag ok', skewed: 'tag clock-off', unconfirmed: 'tag manual' };

export function hubLogView(ctx: HubViewCtx): HTMLElement {
  const { t } = ctx;
  const today = localIsoDate(Date.now(), ctx.timeZone);
  const from = h('input', { type: 'date', value: today, 'data-testid': 'log-from' });
  const to = h('input', { type: 'date', value: today, 'data-testid': 'log-to' });
  const voided = h('input', { type: 'checkbox', checked: true, 'data-testid': 'log-voided' });
  const scope = hubScope(ctx, { testId: 'log' });
  const results = h('div', { class: 'results' });
  const exportLink = h('a', { class: 'btn', 'data-testid': 'export-csv', download: '' }, t('log.export'));
  const manualSlot = h('div');
  let page = 1;

  const params = (): Record<string, string | number | boolean | undefined> => ({
    from: from.value,
    to: to.value,
    ...scope.params(),
    includeVoided: voided.checked,
  });

  async function load(): Promise<void> {
    exportLink.href = `/api/admin/export.csv${query({ ...params(), lang: ctx.lang })}`;
    try {
      render(await api<HubPunchPageDto>('GET', `/api/admin/punches${query({ ...params(), page, pageSize: PAGE_SIZE })}`));
    } catch (err) {
      ctx.error(describeError(err));
    }
  }

  function statusCell(p: HubPunchDto): HTMLElement {
    if (p.voidedAt !== null) return h('span', { class: 'tag voided', 'data-testid': `voided-${p.id}` }, t('log.voided', { reason: p.voidReason ?? '' }));
    if (p.manual) return h('span', { class: 'tag manual', 'data-testid': `manual-${p.id}` }, t('log.manual', { reason: p.manualReason ?? '' }));
    return h('span', { class: 'tag ok' }, t('log.ok'));
  }

  function clockCell(p: HubPunchDto): HTMLElement {
    return h('span', {},
      h('span', { class: CLOCK_TAG[p.clockTrust], 'data-testid': `clock-${p.id}` }, t(`hub.clock.${p.clockTrust}`)),
      // The hub's own estimate matters only where the kiosk's wall clock could not be trusted.
      p.clockTrust === 'confirmed' || p.correctedTs === null ? null : h('div', { class: 'muted' }, t('hub.corrected', { time: formatDateTime(p.correctedTs, ctx.lang, ctx.timeZone) })),
    );
  }

  function photoCell(p: HubPunchDto): HTMLElement {
    if (!p.hasPhoto) return h('span', { class: 'muted' }, '—');
    const src = `/api/admin/evidence/punch/${p.id}`;
    return photoThumb(t, src, `photo-${p.id}`, () => openEvidence(t, {
      testId: 'evidence-dialog',
      heading: t('log.evidenceTitle', { id: p.id }),
      caption: t('hub.punchPhoto', { name: p.personName, kiosk: p.kioskId, time: formatDateTime(p.ts, ctx.lang, ctx.timeZone) }),
      src,
    }));
  }

  function render(r: HubPunchPageDto): void {
    const rows = r.items.map((p) => {
      const row = h('tr', { 'data-punch-id': p.id, 'data-kiosk': p.kioskId, class: p.voidedAt !== null ? 'is-voided' : undefined },
        h('td', { class: 'nowrap' }, formatDateTime(p.ts, ctx.lang, ctx.timeZone)),
        h('td', {}, p.personName),
        h('td', {}, p.employeeCode ?? '—'),
        h('td', {}, p.kioskId),
        h('td', {}, p.site),
        h('td', { class: 'num' }, p.similarity === null ? '—' : p.similarity.toFixed(3)),
        h('td', {}, clockCell(p)),
        h('td', {}, statusCell(p)),
        h('td', {}, photoCell(p)),
        h('td', {}),
      );
      if (p.voidedAt === null) row.lastElementChild?.append(voidButton(t, { id: p.id, colspan: COLUMNS, reload: load, error: (m) => ctx.error(m), done: (m) => ctx.flash(m) }, row));
      return row;
    });
    const pages = Math.max(1, Math.ceil(r.total / r.pageSize));
    replace(
      results,
      h('p', { class: 'muted', 'data-testid': 'log-total' }, t('log.total', { total: r.total })),
      table([t('log.time'), t('log.name'), t('hub.code'), t('hub.kiosk'), t('hub.site'), t('log.similarity'), t('hub.clock'), t('log.status'), t('log.photo'), t('log.actions')], rows, t('log.empty'), 'log-table'),
      pager(t, { label: h('span', { 'data-testid': 'log-page' }, t('log.page', { page: r.page, pages })), hasPrev: page > 1, hasNext: page < pages }, (delta) => {
        page += delta;
        void load();
      }),
    );
  }

  /** The manual punch form: the hub's people, and the kiosk (in service) the punch is booked at. */
  async function setupManual(): Promise<void> {
    try {
      const [people, kiosks] = await Promise.all([hubReportPeople(), scope.kiosks]);
      const kiosk = h('select', { 'data-testid': 'manual-kiosk' }, h('option', { value: '' }, t('hub.chooseKiosk')),
        ...kiosks.filter((k) => !k.revoked).map((k) => h('option', { value: k.id }, k.name === k.id ? k.id : `${k.name} (${k.id})`)));
      replace(manualSlot, manualPunchForm(t, {
        people: people.filter((p) => p.active),
        timeZone: ctx.timeZone,
        extra: {
          fields: [field(t('hub.bookedAt'), kiosk)],
          body: () => {
            if (kiosk.value !== '') return { kioskId: kiosk.value };
            ctx.error(t('hub.chooseKiosk'));
            return null;
          },
        },
        reload: load,
        error: (m) => ctx.error(m),
        done: (m) => ctx.flash(m),
      }));
    } catch (err) {
      ctx.error(describeError(err));
    }
  }

  const apply = (): void => {
    page = 1;
    void load();
  };
  void scope.ready.then(load);
  void setupManual();
  return h('section', { class: 'view' },
    h('div', { class: 'filters' },
      field(t('filter.from'), from),
      field(t('filter.to'), to),
      ...scope.fields,
      h('label', { class: 'check' }, voided, t('filter.includeVoided')),
      h('button', { type: 'button', class: 'btn primary', 'data-testid': 'log-apply', onclick: apply }, t('filter.apply')),
      exportLink,
    ),
    manualSlot,
    results,
  );
}
