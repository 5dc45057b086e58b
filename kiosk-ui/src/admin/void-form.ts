/**
 * "Void" on a log row (the kiosk's and the hub's): the button opens a reason field under the row; the
 * admin confirms, the view posts `{ reason }` to `/api/admin/punches/<id>/void` and reloads.
 */
import { h } from '../dom.ts';
import type { Translate } from '../i18n.ts';
import { api, describeError } from './api.ts';

export interface VoidAction {
  /** The punch's id in the API's path (a number on a kiosk, a uuid on the hub). */
  id: number | string;
  /** Columns of the log table, so the form row spans it. */
  colspan: number;
  reload(): Promise<void>;
  error(message: string): void;
  /** Says it is done (and so replaces an error line left from an earlier try). */
  done(message: string): void;
}

export function voidButton(t: Translate, a: VoidAction, row: HTMLTableRowElement): HTMLButtonElement {
  return h('button', { type: 'button', class: 'btn small', 'data-testid': `void-${a.id}`, onclick: () => openVoidForm(t, a, row) }, t('log.void'));
}

function openVoidForm(t: Translate, a: VoidAction, row: HTMLTableRowElement): void {
  const reason = h('input', { type: 'text', placeholder: t('log.voidReason'), 'data-testid': 'void-reason', maxlength: 500 });
  const go = async (): Promise<void> => {
    try {
      await api('POST', `/api/admin/punches/${a.id}/void`, { reason: reason.value });
      await a.reload();
      a.done(t('log.voidDone'));
    } catch (err) {
      a.error(describeError(err));
    }
  };
  const formRow = h('tr', { class: 'void-row' },
    h('td', { colspan: a.colspan },
      h('span', { class: 'inline-form' }, reason,
        h('button', { type: 'button', class: 'btn danger', 'data-testid': 'void-confirm', onclick: () => void go() }, t('log.confirmVoid')),
        h('button', { type: 'button', class: 'btn ghost', onclick: () => formRow.remove() }, t('menu.cancel')),
      ),
    ),
  );
  row.after(formRow);
  reason.focus();
}
