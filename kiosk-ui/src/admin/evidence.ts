/**
 * Evidence photos in the admin pages (the kiosk's and the hub's): a thumbnail that opens a dialog with
 * the photo at a readable size, a caption, and whatever the view adds (the vote behind a punch, actions).
 */
import { h, type Child } from '../dom.ts';
import type { Translate } from '../i18n.ts';

export function photoThumb(t: Translate, src: string, testId: string, open: () => void): HTMLElement {
  return h('button', { type: 'button', class: 'photo-button', 'data-testid': testId, title: t('log.photo'), onclick: open },
    h('img', { class: 'thumb', src, alt: t('log.photo'), loading: 'lazy' }));
}

export interface EvidenceDialog {
  testId: string;
  heading?: string;
  caption: string;
  src: string;
  /** Shown under the photo. */
  body?: Child[];
  /** Buttons before "close". */
  actions?: Child[];
}

export function openEvidence(t: Translate, d: EvidenceDialog): HTMLDialogElement {
  const dialog = h('dialog', { class: 'evidence', 'data-testid': d.testId },
    d.heading === undefined ? null : h('h3', {}, d.heading),
    h('p', {}, d.caption),
    h('img', { class: 'evidence-photo', src: d.src, alt: t('log.photo'), 'data-testid': 'evidence-photo' }),
    ...(d.body ?? []),
    h('div', { class: 'row' }, ...(d.actions ?? []),
      h('button', { type: 'button', class: 'btn ghost', 'data-testid': 'evidence-close', onclick: () => dialog.close() }, t('log.closeEvidence'))),
  );
  dialog.addEventListener('close', () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
  return dialog;
}
