/**
 * The hub's kiosk/site filter, shared by its log and its reports: a kiosk picker (each kiosk named with
 * its clock and revocation state) and a site picker, filled from /api/admin/kiosks.
 */
import type { HubKioskDto } from '../../../src/hub/admin-dto.ts';
import { h } from '../dom.ts';
import type { Translate } from '../i18n.ts';
import { api, describeError } from '../admin/api.ts';
import type { ReportScope } from '../admin/context.ts';
import { field } from '../admin/widgets.ts';

export interface HubScopeCtx {
  t: Translate;
  error(message: string): void;
}

function kioskLabel(t: Translate, k: HubKioskDto): string {
  const name = k.name === k.id ? k.id : `${k.name} (${k.id})`;
  if (k.revoked) return t('hub.kioskRevoked', { kiosk: name });
  return k.clockSkewed ? t('hub.kioskClockOff', { kiosk: name }) : name;
}

/** `testIdPrefix`: the pickers are `<prefix>-kiosk` and `<prefix>-site`. */
export function hubScope(ctx: HubScopeCtx, testIdPrefix: string): ReportScope {
  const { t } = ctx;
  const kiosk = h('select', { 'data-testid': `${testIdPrefix}-kiosk`, title: t('hub.scopeHint') }, h('option', { value: '' }, t('hub.allKiosks')));
  const site = h('select', { 'data-testid': `${testIdPrefix}-site`, title: t('hub.scopeHint') }, h('option', { value: '' }, t('hub.allSites')));
  const ready = (async (): Promise<void> => {
    try {
      const { items } = await api<{ items: HubKioskDto[] }>('GET', '/api/admin/kiosks');
      kiosk.append(...items.map((k) => h('option', { value: k.id }, kioskLabel(t, k))));
      site.append(...[...new Set(items.map((k) => k.site))].sort().map((s) => h('option', { value: s }, s)));
    } catch (err) {
      ctx.error(describeError(err));
    }
  })();
  return {
    fields: [field(t('hub.kiosk'), kiosk), field(t('hub.site'), site)],
    params: () => ({ kioskId: kiosk.value === '' ? undefined : kiosk.value, site: site.value === '' ? undefined : site.value }),
    ready,
  };
}
