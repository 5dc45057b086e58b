/**
 * Shift definitions: name, start, end, grace, overnight and working days; create, edit, delete (each
 * audited by the server). The same view edits the kiosk's own shifts and the hub's shared ones: a
 * `ShiftsSource` says where they are kept and what may be done there.
 */
import type { ShiftDto, ShiftInputDto, ShiftsDto } from '../../../../src/server/protocol.ts';
import { h, replace } from '../../dom.ts';
import type { MessageKey } from '../../i18n.ts';
import { api, describeError } from '../api.ts';
import type { AdminCtx } from '../context.ts';
import { field, table } from '../widgets.ts';

/** Monday first, as a Vietnamese week is read; values are JS weekdays (0 = Sunday). */
export const WEEK_ORDER = [1, 2, 3, 4, 5, 6, 0] as const;
const MON_TO_FRI = [1, 2, 3, 4, 5];
const DEFAULT_GRACE_MINUTES = 5;
const MAX_GRACE_MINUTES = 240;

export function weekdayLabel(ctx: Pick<AdminCtx, 't'>, day: number): string {
  return ctx.t(`weekday.${day}` as MessageKey);
}

/** A shift as listed, wherever it is kept. */
export type ListedShift = ShiftInputDto & { people: number };

/** Where the shifts live and what may be done there. */
export interface ShiftsSource<S extends ListedShift> {
  list(): Promise<S[]>;
  /** `editing` null: a new shift. */
  save(editing: S | null, body: ShiftInputDto): Promise<void>;
  /** Refused by the server while anyone is on the shift (the button is off then too). */
  remove(s: S): Promise<void>;
  /** The name is the shift's identity (the hub's shifts reach kiosks by name): fixed once made. */
  fixedName: boolean;
  /** Attributes that identify a shift's row (for tests and scripts). */
  rowAttrs(s: S): Record<string, string | number>;
  hint: MessageKey;
}

/** The kiosk's own shifts (its admin API, by numeric id). */
export const kioskShifts: ShiftsSource<ShiftDto> = {
  list: async () => (await api<ShiftsDto>('GET', '/api/admin/shifts')).items,
  save: async (editing, body) => {
    if (editing === null) await api('POST', '/api/admin/shifts', body);
    else await api('PUT', `/api/admin/shifts/${editing.id}`, body);
  },
  remove: async (s) => {
    await api('DELETE', `/api/admin/shifts/${s.id}`);
  },
  fixedName: false,
  rowAttrs: (s) => ({ 'data-shift-id': s.id }),
  hint: 'shift.hint',
};

export function shiftsView<S extends ListedShift>(ctx: Pick<AdminCtx, 't' | 'error' | 'flash'>, source: ShiftsSource<S>): HTMLElement {
  const { t } = ctx;
  const results = h('div', { class: 'results' });
  const name = h('input', { type: 'text', maxlength: 100, required: true, 'data-testid': 'shift-name' });
  const start = h('input', { type: 'time', value: '08:00', required: true, 'data-testid': 'shift-start' });
  const end = h('input', { type: 'time', value: '17:00', required: true, 'data-testid': 'shift-end' });
  const grace = h('input', { type: 'number', min: 0, max: MAX_GRACE_MINUTES, value: DEFAULT_GRACE_MINUTES, 'data-testid': 'shift-grace' });
  const overnight = h('input', { type: 'checkbox', 'data-testid': 'shift-overnight' });
  const days = new Map(WEEK_ORDER.map((d) => [d, h('input', { type: 'checkbox', value: String(d), 'data-testid': `shift-day-${d}` })] as const));
  const submit = h('button', { type: 'submit', class: 'btn primary', 'data-testid': 'shift-save' }, t('shift.add'));
  const cancel = h('button', { type: 'button', class: 'btn', hidden: true }, t('shift.cancel'));
  let editing: S | null = null;

  function fill(s: S | null): void {
    editing = s;
    name.value = s?.name ?? '';
    name.disabled = source.fixedName && s !== null;
    start.value = s?.start ?? '08:00';
    end.value = s?.end ?? '17:00';
    grace.value = String(s?.graceMinutes ?? DEFAULT_GRACE_MINUTES);
    overnight.checked = s?.overnight ?? false;
    for (const [d, box] of days) box.checked = (s?.workDays ?? MON_TO_FRI).includes(d);
    replace(submit, t(s === null ? 'shift.add' : 'shift.save'));
    cancel.hidden = s === null;
  }

  // End before start is a night shift: tick the box for the admin, who can still untick it (the server then explains).
  const guessOvernight = (): void => {
    if (start.value !== '' && end.value !== '') overnight.checked = end.value < start.value;
  };
  start.addEventListener('change', guessOvernight);
  end.addEventListener('change', guessOvernight);

  async function save(ev: Event): Promise<void> {
    ev.preventDefault();
    const body: ShiftInputDto = {
      name: name.value,
      start: start.value,
      end: end.value,
      graceMinutes: Number(grace.value),
      overnight: overnight.checked,
      workDays: [...days].filter(([, box]) => box.checked).map(([d]) => d),
    };
    try {
      await source.save(editing, body);
      ctx.flash(t('shift.saved', { name: body.name }));
      fill(null);
      await load();
    } catch (err) {
      ctx.error(describeError(err));
    }
  }

  async function remove(s: S): Promise<void> {
    if (!window.confirm(t('shift.deleteConfirm', { name: s.name }))) return;
    try {
      await source.remove(s);
      ctx.flash(t('shift.deleted'));
      if (editing?.name === s.name) fill(null);
      await load();
    } catch (err) {
      ctx.error(describeError(err));
    }
  }

  async function load(): Promise<void> {
    try {
      const items = await source.list();
      const rows = items.map((s) =>
        h('tr', source.rowAttrs(s),
          h('td', {}, s.name),
          h('td', { class: 'num' }, s.start),
          h('td', { class: 'num' }, s.end, s.overnight ? h('span', { class: 'tag' }, ' +1') : null),
          h('td', { class: 'num' }, s.graceMinutes),
          h('td', {}, WEEK_ORDER.filter((d) => s.workDays.includes(d)).map((d) => weekdayLabel(ctx, d)).join(' ')),
          h('td', { class: 'num' }, s.people),
          h('td', { class: 'nowrap' },
            h('button', { type: 'button', class: 'btn small', onclick: () => fill(s) }, t('shift.edit')), ' ',
            h('button', { type: 'button', class: 'btn small danger', disabled: s.people > 0, onclick: () => void remove(s) }, t('shift.delete')),
          ),
        ),
      );
      replace(results, table([t('shift.name'), t('shift.start'), t('shift.end'), t('shift.grace'), t('shift.days'), t('shift.people'), ''], rows, t('shift.empty'), 'shifts-table'));
    } catch (err) {
      ctx.error(describeError(err));
    }
  }

  cancel.addEventListener('click', () => fill(null));
  fill(null);
  void load();
  return h('section', { class: 'view' },
    h('p', { class: 'muted' }, t(source.hint)),
    results,
    h('form', { class: 'settings', onsubmit: (ev) => void save(ev), 'data-testid': 'shift-form' },
      h('div', { class: 'filters' }, field(t('shift.name'), name), field(t('shift.start'), start), field(t('shift.end'), end), field(t('shift.grace'), grace)),
      h('label', { class: 'check' }, overnight, t('shift.overnight')),
      h('div', { class: 'filters', role: 'group', 'aria-label': t('shift.days') },
        h('span', { class: 'muted' }, t('shift.days')),
        ...[...days].map(([d, box]) => h('label', { class: 'check' }, box, weekdayLabel(ctx, d))),
      ),
      h('div', { class: 'inline-form' }, submit, cancel),
    ),
  );
}
