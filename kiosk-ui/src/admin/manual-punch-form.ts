/**
 * "Add a manual punch" above a log (the kiosk's and the hub's): a person, a local date and time, a
 * reason, posted to /api/admin/punches. The hub adds a field (the kiosk the punch is booked at) and
 * its value to the body.
 */
import { h } from '../dom.ts';
import type { Translate } from '../i18n.ts';
import { localIsoDateTime } from '../text.ts';
import { api, describeError } from './api.ts';
import { field, personPicker, type PickablePerson } from './widgets.ts';

export interface ManualPunchForm<Id extends number | string> {
  /** Who may be chosen (active people). */
  people: readonly PickablePerson<Id>[];
  timeZone: string;
  /** More fields, and what they add to the body (null: not filled in; `error` was told why). */
  extra?: { fields: HTMLElement[]; body(): Record<string, string> | null };
  reload(): Promise<void>;
  error(message: string): void;
  /** Says it is done (and so replaces an error line left from an earlier try). */
  done(message: string): void;
}

export function manualPunchForm<Id extends number | string>(t: Translate, f: ManualPunchForm<Id>): HTMLElement {
  const person = personPicker(t, f.people, { testId: 'manual-person' });
  const at = h('input', { type: 'datetime-local', value: localIsoDateTime(Date.now(), f.timeZone), 'data-testid': 'manual-at' });
  const reason = h('input', { type: 'text', maxlength: 500, 'data-testid': 'manual-reason' });
  const add = async (): Promise<void> => {
    const personId = person.value();
    if (personId === null) return f.error(t('log.choosePerson'));
    const extra = f.extra === undefined ? {} : f.extra.body();
    if (extra === null) return;
    try {
      await api('POST', '/api/admin/punches', { personId, at: at.value, reason: reason.value, ...extra });
      reason.value = '';
      await f.reload();
      f.done(t('log.manualAdded', { name: f.people.find((p) => p.id === personId)?.name ?? '' }));
    } catch (err) {
      f.error(describeError(err));
    }
  };
  return h('details', { class: 'manual' },
    h('summary', {}, t('log.addManual')),
    h('div', { class: 'filters' },
      field(t('filter.person'), person.el),
      ...(f.extra?.fields ?? []),
      field(t('log.manualAt'), at),
      field(t('log.manualReason'), reason),
      h('button', { type: 'button', class: 'btn primary', 'data-testid': 'manual-add', onclick: () => void add() }, t('log.add')),
    ),
  );
}
