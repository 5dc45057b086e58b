/**
 * The hub's People tab: everyone the kiosks of all sites know (the hub's gallery), with a face
 * thumbnail (served to the admin session only, never cached), employee code, shift, whether active,
 * the kiosk that enrolled them and how many face samples the hub holds. A shift set here, and an
 * erasure, reach every kiosk at its next sync (an erasure as a tombstone).
 */
import type { HubPersonDto, HubShiftDto } from '../../../src/hub/admin-dto.ts';
import { h, replace } from '../dom.ts';
import { collator, matchesSearch } from '../text.ts';
import { api, describeError } from '../admin/api.ts';
import type { ReportPerson } from '../admin/context.ts';
import { pageOf } from '../admin/paging.ts';
import { peoplePager, table } from '../admin/widgets.ts';

const PAGE_SIZE = 50;
import type { HubViewCtx } from './context.ts';

/** The hub's people (not erased), in Vietnamese order. */
async function loadPeople(): Promise<HubPersonDto[]> {
  const { items } = await api<{ items: HubPersonDto[] }>('GET', '/api/admin/people');
  return items.sort((a, b) => collator.compare(a.name, b.name));
}

/** The hub's people as the report views' person picker lists them: a uid is the id. */
export async function hubReportPeople(): Promise<ReportPerson<string>[]> {
  return (await loadPeople()).map((p) => ({ id: p.uid, name: p.name, employeeCode: p.employeeCode, active: p.active }));
}

export function hubPeopleView(ctx: HubViewCtx): HTMLElement {
  const { t } = ctx;
  const search = h('input', { type: 'search', placeholder: t('people.search'), 'data-testid': 'people-search' });
  const results = h('div', { class: 'results' });
  let people: HubPersonDto[] = [];
  let shifts: HubShiftDto[] = [];
  let page = 1;

  async function erase(p: HubPersonDto): Promise<void> {
    if (!window.confirm(t('hub.people.eraseConfirm', { name: p.name }))) return;
    try {
      await api('DELETE', `/api/admin/people/${p.uid}`);
      ctx.flash(t('hub.people.erased', { name: p.name }));
      await load();
    } catch (err) {
      ctx.error(describeError(err));
    }
  }

  async function setShift(p: HubPersonDto, select: HTMLSelectElement): Promise<void> {
    try {
      await api('PUT', `/api/admin/people/${p.uid}/shift`, { shiftName: select.value === '' ? null : select.value });
      ctx.flash(t('shift.assigned', { name: p.name }));
    } catch (err) {
      ctx.error(describeError(err));
      await load();
    }
  }

  function shiftPicker(p: HubPersonDto): HTMLSelectElement {
    const select = h('select', { 'data-testid': `person-shift-${p.uid}`, 'aria-label': t('shift.column') },
      h('option', { value: '' }, t('shift.none')),
      ...shifts.map((s) => h('option', { value: s.name }, `${s.name} (${s.start}–${s.end})`)),
    );
    select.value = p.shiftName ?? '';
    select.addEventListener('change', () => void setShift(p, select));
    return select;
  }

  function render(): void {
    const found = people.filter((p) => matchesSearch(p.name, p.employeeCode, search.value));
    const shown = pageOf(found, page, PAGE_SIZE);
    page = shown.page;
    const rows = shown.items.map((p) =>
      h('tr', { 'data-person-uid': p.uid, class: p.active ? undefined : 'is-voided' },
        h('td', {}, p.photoUrl === null ? '' : h('img', { src: p.photoUrl, alt: p.name, class: 'thumb', loading: 'lazy', 'data-testid': `person-photo-${p.uid}` })),
        h('td', {}, p.name),
        h('td', {}, p.employeeCode ?? ''),
        h('td', {}, shiftPicker(p)),
        h('td', {}, p.active ? h('span', { class: 'tag ok' }, t('hub.people.active')) : h('span', { class: 'tag voided' }, t('people.inactive'))),
        h('td', {}, p.originKiosk ?? '—'),
        h('td', { class: 'num' }, p.samples),
        h('td', { class: 'nowrap' },
          h('button', { type: 'button', class: 'btn small danger', 'data-testid': `person-erase-${p.uid}`, onclick: () => void erase(p) }, t('hub.people.erase'))),
      ),
    );
    replace(results, table(
      [t('people.thumbnail'), t('log.name'), t('people.code'), t('shift.column'), t('people.active'), t('hub.people.origin'), t('people.samples'), ''],
      rows, t('hub.people.empty'), 'hub-people-table',
    ), peoplePager(t, shown, found.length, (delta) => {
      page += delta;
      render();
    }));
  }

  async function load(): Promise<void> {
    try {
      const [p, s] = await Promise.all([loadPeople(), api<{ items: HubShiftDto[] }>('GET', '/api/admin/shifts')]);
      people = p;
      shifts = s.items;
      render();
    } catch (err) {
      ctx.error(describeError(err));
    }
  }

  search.addEventListener('input', () => {
    page = 1;
    render();
  });
  void load();
  return h('section', { class: 'view' },
    h('p', { class: 'muted' }, t('hub.people.hint')),
    h('div', { class: 'filters' }, search),
    results,
  );
}
