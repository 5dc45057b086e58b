/**
 * People: accent-insensitive search (server side), Vietnamese order, thumbnails if enabled, removal,
 * who must enroll again because no face crop was kept for a model change, and the personal PIN of
 * the kiosk's "Not recognised?" fallback (set or cleared here; only its hash is stored).
 */
import type { PersonDto, ShiftsDto } from '../../../../src/server/protocol.ts';
import { h, replace } from '../../dom.ts';
import { formatDate } from '../../text.ts';
import { api, describeError, query } from '../api.ts';
import type { AdminCtx } from '../context.ts';
import { pageOf } from '../paging.ts';
import { peoplePager, table } from '../widgets.ts';

const SEARCH_DEBOUNCE_MS = 200;
const PAGE_SIZE = 50;

export function peopleView(ctx: AdminCtx): HTMLElement {
  const { t } = ctx;
  const search = h('input', { type: 'search', placeholder: t('people.search'), 'data-testid': 'people-search' });
  const inactive = h('input', { type: 'checkbox' });
  const results = h('div', { class: 'results' });
  let timer: ReturnType<typeof setTimeout> | null = null;
  let page = 1;

  async function remove(p: PersonDto): Promise<void> {
    if (!window.confirm(t('people.removeConfirm', { name: p.name }))) return;
    try {
      await api('DELETE', `/api/admin/people/${p.id}`);
      ctx.refreshPeople();
      await load();
    } catch (err) {
      ctx.error(describeError(err));
    }
  }

  function pinForm(p: PersonDto, row: HTMLTableRowElement): void {
    if (p.employeeCode === null) return ctx.error(t('people.pinNeedsCode'));
    const pin = h('input', { type: 'password', inputmode: 'numeric', autocomplete: 'new-password', maxlength: 12, 'data-testid': 'pin-new', 'aria-label': t('people.pin') });
    const save = async (): Promise<void> => {
      try {
        await api('PUT', `/api/admin/people/${p.id}/pin`, { pin: pin.value });
        await load();
      } catch (err) {
        ctx.error(describeError(err));
      }
    };
    const formRow = h('tr', { class: 'void-row' },
      h('td', { colspan: row.cells.length },
        h('span', { class: 'inline-form' }, h('span', {}, t('people.pinPrompt', { name: p.name })), pin,
          h('button', { type: 'button', class: 'btn primary', 'data-testid': 'pin-save', onclick: () => void save() }, t('people.setPin')),
          h('button', { type: 'button', class: 'btn ghost', onclick: () => formRow.remove() }, t('menu.cancel')),
        ),
      ),
    );
    row.after(formRow);
    pin.focus();
  }

  async function clearPin(p: PersonDto): Promise<void> {
    try {
      await api('DELETE', `/api/admin/people/${p.id}/pin`);
      await load();
    } catch (err) {
      ctx.error(describeError(err));
    }
  }

  async function assignShift(p: PersonDto, select: HTMLSelectElement): Promise<void> {
    try {
      await api('PUT', `/api/admin/people/${p.id}/shift`, { shiftId: select.value === '' ? null : Number(select.value) });
      ctx.flash(t('shift.assigned', { name: p.name }));
    } catch (err) {
      ctx.error(describeError(err));
      await load();
    }
  }

  /** Each person's shift, chosen here (the shifts themselves are defined on the Shifts page). */
  function shiftPicker(p: PersonDto, shifts: ShiftsDto, current: number | null): HTMLSelectElement {
    const select = h('select', { 'data-testid': 'person-shift', 'aria-label': t('shift.column') },
      h('option', { value: '' }, t('shift.none')),
      ...shifts.items.map((s) => h('option', { value: String(s.id) }, `${s.name} (${s.start}–${s.end})`)),
    );
    select.value = current === null ? '' : String(current);
    select.addEventListener('change', () => void assignShift(p, select));
    return select;
  }

  async function load(): Promise<void> {
    try {
      const [r, shifts] = await Promise.all([
        api<{ items: PersonDto[]; snapshotsEnabled: boolean }>('GET', `/api/admin/people${query({ search: search.value, includeInactive: inactive.checked })}`),
        api<ShiftsDto>('GET', '/api/admin/shifts'),
      ]);
      const assigned = new Map(shifts.assignments.map((a) => [a.personId, a.shiftId] as const));
      const headers = [...(r.snapshotsEnabled ? [t('people.thumbnail')] : []), t('log.name'), t('people.code'), t('shift.column'), t('people.samples'), t('people.pin'), t('people.enrolled'), ''];
      const shown = pageOf(r.items, page, PAGE_SIZE);
      page = shown.page;
      const rows = shown.items.map((p) => {
        const row: HTMLTableRowElement = h('tr', { 'data-person-id': p.id, class: p.active ? undefined : 'is-voided' },
          r.snapshotsEnabled ? h('td', {}, p.thumbnailUrl === null ? '' : h('img', { src: p.thumbnailUrl, alt: '', class: 'thumb', loading: 'lazy' })) : null,
          h('td', {}, p.name, p.active ? null : h('span', { class: 'tag voided' }, t('people.inactive')),
            p.needsReenrollment ? ' ' : null,
            p.needsReenrollment ? h('span', { class: 'tag manual', title: t('people.needsReenrollmentHint'), 'data-testid': 'needs-reenrollment' }, t('people.needsReenrollment')) : null),
          h('td', {}, p.employeeCode ?? ''),
          h('td', {}, p.active ? shiftPicker(p, shifts, assigned.get(p.id) ?? null) : ''),
          h('td', { class: 'num' }, p.sampleCount),
          h('td', { 'data-testid': `pin-state-${p.id}` }, p.hasPin ? t('people.pinSet') : t('people.pinNone')),
          h('td', { class: 'nowrap' }, formatDate(p.createdAt, ctx.lang, ctx.timeZone)),
          h('td', { class: 'nowrap' },
            p.active ? h('button', { type: 'button', class: 'btn small', 'data-testid': `pin-set-${p.id}`, onclick: () => pinForm(p, row) }, t('people.setPin')) : null,
            p.active && p.hasPin ? h('button', { type: 'button', class: 'btn small ghost', onclick: () => void clearPin(p) }, t('people.clearPin')) : null,
            p.active ? h('button', { type: 'button', class: 'btn small danger', onclick: () => void remove(p) }, t('people.remove')) : null),
        );
        return row;
      });
      replace(results, table(headers, rows, t('people.empty'), 'people-table'),
        peoplePager(t, shown, r.items.length, (delta) => {
          page += delta;
          void load();
        }));
    } catch (err) {
      ctx.error(describeError(err));
    }
  }

  search.addEventListener('input', () => {
    if (timer !== null) clearTimeout(timer);
    timer = setTimeout(() => {
      page = 1;
      void load();
    }, SEARCH_DEBOUNCE_MS);
  });
  inactive.addEventListener('change', () => {
    page = 1;
    void load();
  });
  void load();
  return h('section', { class: 'view' }, h('div', { class: 'filters' }, search, h('label', { class: 'check' }, inactive, t('people.includeInactive'))), results);
}
