/** Small building blocks shared by the admin views. */
import { h } from '../dom.ts';
import type { MessageKey, Translate } from '../i18n.ts';
import { matchesSearch } from '../text.ts';

export function field(label: string, input: HTMLElement): HTMLLabelElement {
  return h('label', { class: 'field' }, h('span', {}, label), input);
}

export function table(headers: string[], rows: HTMLTableRowElement[], empty: string, testId?: string): HTMLElement {
  if (rows.length === 0) return h('p', { class: 'empty', 'data-testid': testId === undefined ? undefined : `${testId}-empty` }, empty);
  return h('table', { class: 'grid', 'data-testid': testId }, h('thead', {}, h('tr', {}, ...headers.map((x) => h('th', {}, x)))), h('tbody', {}, ...rows));
}

/** The tab bar: a link to `#<tab>` per tab, labelled `tab.<tab>`; `select` switches without a page load. */
export function tabNav<T extends string>(t: Translate, tabs: readonly T[], current: T, select: (tab: T) => void, label: (tab: T) => MessageKey = (x) => `tab.${x}` as MessageKey): HTMLElement {
  return h('nav', { class: 'tabs' },
    ...tabs.map((x) => h('a', { href: `#${x}`, class: x === current ? 'tab active' : 'tab', 'data-testid': `tab-${x}`, onclick: (ev) => {
      ev.preventDefault();
      history.replaceState(null, '', `#${x}`);
      select(x);
    } }, t(label(x)))),
  );
}

/** Previous / next buttons around a page label; `step` gets −1 or +1. */
export function pager(t: Translate, p: { label: HTMLElement; hasPrev: boolean; hasNext: boolean }, step: (delta: -1 | 1) => void): HTMLElement {
  return h('div', { class: 'pager' },
    h('button', { type: 'button', class: 'btn small', disabled: !p.hasPrev, onclick: () => step(-1) }, t('log.prev')),
    p.label,
    h('button', { type: 'button', class: 'btn small', disabled: !p.hasNext, onclick: () => step(1) }, t('log.next')),
  );
}

/** The People pages' pager ("Page 2 of 3 (120 people)"), or null when everyone fits on one page. */
export function peoplePager(t: Translate, shown: { page: number; pages: number }, count: number, step: (delta: -1 | 1) => void): HTMLElement | null {
  if (shown.pages <= 1) return null;
  const label = h('span', { 'data-testid': 'people-page' }, t('people.page', { page: shown.page, pages: shown.pages, count }));
  return pager(t, { label, hasPrev: shown.page > 1, hasNext: shown.page < shown.pages }, step);
}

/** What a person picker lists: a kiosk's person (numeric id) or the hub's (uid). */
export interface PickablePerson<Id extends number | string> {
  id: Id;
  name: string;
  employeeCode: string | null;
}

/**
 * A person picker: a text box that filters a select accent-insensitively ("tam" finds "Tâm").
 * The select keeps the order it is given (the server's Vietnamese order); `value()` is the picked person's id.
 */
export function personPicker<Id extends number | string>(
  t: Translate,
  people: readonly PickablePerson<Id>[],
  opts: { allLabel?: string; selected?: Id | null; testId: string },
): { el: HTMLElement; value(): Id | null } {
  const idOf = new Map(people.map((p) => [String(p.id), p.id] as const));
  const select = h('select', { 'data-testid': opts.testId });
  const filter = h('input', { type: 'search', placeholder: t('filter.searchPerson'), 'data-testid': `${opts.testId}-filter`, class: 'picker-filter' });
  const fill = (): void => {
    const keep = select.value;
    select.replaceChildren(h('option', { value: '' }, opts.allLabel ?? t('log.choosePerson')));
    for (const p of people) {
      if (!matchesSearch(p.name, p.employeeCode, filter.value) && String(p.id) !== keep) continue;
      select.append(h('option', { value: String(p.id) }, p.employeeCode ? `${p.name} (${p.employeeCode})` : p.name));
    }
    select.value = keep;
  };
  filter.addEventListener('input', () => {
    fill();
    // Typing narrows the list; pick the first match so Enter/Show works without touching the select.
    const first = select.options[1];
    if (filter.value.trim() !== '' && first !== undefined && select.options.length === 2) select.value = first.value;
  });
  fill();
  if (opts.selected !== undefined && opts.selected !== null) select.value = String(opts.selected);
  return {
    el: h('span', { class: 'picker' }, filter, select),
    value: () => idOf.get(select.value) ?? null,
  };
}
