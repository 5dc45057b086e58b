/**
 * Attendance log: date range + person filter, paging, void with reason, manual punch, CSV export,
 * and each punch's evidence: its face photo (larger on click) with the vote behind it, and "add this
 * photo to the person's samples" from a correct punch.
 */
import type { PunchDto, PunchPageDto } from '../../../../src/server/protocol.ts';
import { h, replace } from '../../dom.ts';
import { formatDateTime, localIsoDate } from '../../text.ts';
import { api, describeError, query } from '../api.ts';
import type { AdminCtx } from '../context.ts';
import { openEvidence, photoThumb } from '../evidence.ts';
import { manualPunchForm } from '../manual-punch-form.ts';
import { voidButton } from '../void-form.ts';
import { field, pager, personPicker, table } from '../widgets.ts';

const PAGE_SIZE = 25;

export function logView(ctx: AdminCtx): HTMLElement {
  const { t } = ctx;
  const today = localIsoDate(Date.now(), ctx.timeZone);
  const from = h('input', { type: 'date', value: today, 'data-testid': 'log-from' });
  const to = h('input', { type: 'date', value: today, 'data-testid': 'log-to' });
  const voided = h('input', { type: 'checkbox', checked: true, 'data-testid': 'log-voided' });
  const pickerSlot = h('span');
  const results = h('div', { class: 'results' });
  const exportLink = h('a', { class: 'btn', 'data-testid': 'export-csv', download: '' }, t('log.export'));
  const manualSlot = h('div');
  let picker: { value(): number | null } = { value: () => null };
  let page = 1;

  const params = (): Record<string, string | number | boolean | undefined> => ({
    from: from.value,
    to: to.value,
    personId: picker.value() ?? undefined,
    includeVoided: voided.checked,
  });

  const updateExport = (): void => {
    exportLink.href = `/api/admin/export.csv${query({ ...params(), lang: ctx.lang })}`;
  };

  async function load(): Promise<void> {
    updateExport();
    try {
      const r = await api<PunchPageDto>('GET', `/api/admin/punches${query({ ...params(), page, pageSize: PAGE_SIZE })}`);
      render(r);
    } catch (err) {
      ctx.error(describeError(err));
    }
  }

  function statusCell(p: PunchDto): HTMLElement {
    const review = p.review ? h('span', { class: 'tag review', 'data-testid': `review-${p.id}` }, t('log.review')) : null;
    if (p.voidedAt !== null) return h('span', {}, h('span', { class: 'tag voided' }, t('log.voided', { reason: p.voidReason ?? '' })), review);
    if (p.manual) return h('span', { class: 'tag manual' }, t('log.manual', { reason: p.manualReason ?? '' }));
    if (p.source === 'fallback') return h('span', {}, h('span', { class: 'tag manual' }, t('log.source.fallback')), review);
    return h('span', { class: 'tag ok' }, t('log.ok'));
  }

  const photoUrl = (p: PunchDto): string => `/api/admin/punches/${p.id}/photo`;

  function photoCell(p: PunchDto): HTMLElement {
    if (!p.hasPhoto) return h('span', { class: 'muted' }, '—');
    return photoThumb(t, photoUrl(p), `photo-${p.id}`, () => evidence(p));
  }

  /** The evidence dialog: the photo at a readable size, the vote (winner, runner-up), add to samples. */
  function evidence(p: PunchDto): void {
    const note = h('p', { class: 'muted', 'data-testid': 'evidence-note' });
    const v = p.vote;
    const runnerUp = v?.tallies[1];
    const facts: [string, string][] = v === null ? [] : [
      [t('log.votes'), v.tallies.map((x) => `${x.name ?? '?'} ×${x.count} (${x.meanSimilarity.toFixed(3)})`).join(', ') + (v.unknownCount > 0 ? `; ${t('log.unknownVotes')} ×${v.unknownCount}` : '')],
      [t('log.similarity'), p.similarity === null ? '—' : p.similarity.toFixed(3)],
      [t('log.runnerUp'), runnerUp === undefined ? t('log.noRunnerUp') : `${runnerUp.name ?? '?'} (${runnerUp.meanSimilarity.toFixed(3)})`],
      [t('log.share'), v.winnerShare === null ? '—' : `${Math.round(v.winnerShare * 100)}%`],
      [t('log.margin'), v.winnerMeanMargin === null ? '—' : v.winnerMeanMargin.toFixed(3)],
    ];
    const add = async (button: HTMLButtonElement): Promise<void> => {
      button.disabled = true;
      try {
        await api('POST', `/api/admin/punches/${p.id}/add-to-samples`);
        replace(note, t('log.addedToSamples', { name: p.personName }));
      } catch (err) {
        button.disabled = false;
        ctx.error(describeError(err));
      }
    };
    const addButton = p.voidedAt === null
      ? h('button', { type: 'button', class: 'btn primary', 'data-testid': 'evidence-add', onclick: (e: Event) => void add(e.currentTarget as HTMLButtonElement) }, t('log.addToSamples', { name: p.personName }))
      : null;
    openEvidence(t, {
      testId: 'evidence-dialog',
      heading: t('log.evidenceTitle', { id: p.id }),
      caption: `${p.personName} · ${formatDateTime(p.ts, ctx.lang, ctx.timeZone)} · ${t(`log.source.${p.source}`)}`,
      src: photoUrl(p),
      body: [facts.length === 0 ? null : h('dl', { class: 'facts', 'data-testid': 'evidence-facts' }, ...facts.flatMap(([k, val]) => [h('dt', {}, k), h('dd', {}, val)])), note],
      actions: [addButton],
    });
  }

  function render(r: PunchPageDto): void {
    const rows = r.items.map((p) => {
      const row = h('tr', { 'data-punch-id': p.id, class: p.voidedAt !== null ? 'is-voided' : undefined },
        h('td', { class: 'nowrap' }, formatDateTime(p.ts, ctx.lang, ctx.timeZone)),
        h('td', {}, p.personName),
        h('td', {}, p.kioskId),
        h('td', { class: 'num' }, p.similarity === null ? '—' : p.similarity.toFixed(3)),
        h('td', {}, statusCell(p)),
        h('td', {}, photoCell(p)),
        h('td', {}),
      );
      if (p.voidedAt === null) {
        row.lastElementChild?.append(voidButton(t, { id: p.id, colspan: 7, reload: load, error: (m) => ctx.error(m), done: (m) => ctx.flash(m) }, row));
      }
      return row;
    });
    const pages = Math.max(1, Math.ceil(r.total / r.pageSize));
    replace(
      results,
      h('p', { class: 'muted', 'data-testid': 'log-total' }, t('log.total', { total: r.total })),
      table([t('log.time'), t('log.name'), t('log.kiosk'), t('log.similarity'), t('log.status'), t('log.photo'), t('log.actions')], rows, t('log.empty'), 'log-table'),
      pager(t, { label: h('span', { 'data-testid': 'log-page' }, t('log.page', { page: r.page, pages })), hasPrev: page > 1, hasNext: page < pages }, (delta) => { page += delta; void load(); }),
    );
  }

  async function setup(): Promise<void> {
    const people = await ctx.people();
    const p = personPicker(t, people, { allLabel: t('filter.everyone'), testId: 'log-person' });
    picker = p;
    replace(pickerSlot, p.el);
    replace(manualSlot, manualPunchForm(t, { people: people.filter((x) => x.active), timeZone: ctx.timeZone, reload: load, error: (m) => ctx.error(m), done: (m) => ctx.flash(m) }));
    await load();
  }

  const apply = (): void => {
    page = 1;
    void load();
  };
  ctx.onLogChanged(() => void load());
  void setup();
  return h('section', { class: 'view' },
    h('div', { class: 'filters' },
      field(t('filter.from'), from),
      field(t('filter.to'), to),
      field(t('filter.person'), pickerSlot),
      h('label', { class: 'check' }, voided, t('filter.includeVoided')),
      h('button', { type: 'button', class: 'btn primary', 'data-testid': 'log-apply', onclick: apply }, t('filter.apply')),
      exportLink,
    ),
    manualSlot,
    results,
  );
}
