/** A joined kiosk's hub link on the admin pages: the warning banner above every tab and the panel on the settings tab. */
import type { HubLinkDto, Language } from '../../../../src/server/protocol.ts';
import { h } from '../../dom.ts';
import type { Translate } from '../../i18n.ts';
import { hubLinkRows, hubWarnings } from '../hub-link-text.ts';

/** Null in single-kiosk mode and while the clock is synchronised and the hub accepts this kiosk. */
export function hubBanner(t: Translate, hub: HubLinkDto | null): HTMLElement | null {
  const lines = hubWarnings(t, hub);
  if (lines.length === 0) return null;
  return h('div', { class: 'hub-banner', role: 'status', 'data-testid': 'hub-banner' }, ...lines.map((line) => h('p', {}, line)));
}

export function hubLinkPanel(t: Translate, lang: Language, timeZone: string, hub: HubLinkDto): HTMLElement {
  return h('div', { class: 'settings hub-link', 'data-testid': 'hub-link' },
    h('h2', {}, t('hubLink.title')),
    h('dl', {}, ...hubLinkRows(t, lang, timeZone, hub).flatMap((r) => [
      h('dt', {}, r.label),
      h('dd', { class: r.warn ? 'warn' : undefined, 'data-testid': `hub-link-${r.key}` }, r.value),
    ])),
  );
}
