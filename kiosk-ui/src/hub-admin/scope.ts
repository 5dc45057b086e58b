/**
 * The hub's kiosk and site pickers, shared by its log, reports, audit trail and sightings: options
 * from /api/admin/kiosks (a kiosk whose clock is off or that was revoked says so), and optionally "the
 * hub itself" for the audit trail's own admin actions.
 */
import type { HubKioskDto } from '../../../src/hub/admin-dto.ts';
import { h } from '../dom.ts';
import type { Translate } from '../i18n.ts';
import { api, describeError } from '../admin/api.ts';
import type { ReportScope } from '../admin/context.ts';
import { field } from '../admin/widgets.ts';

/** Not a kiosk id (those start with a letter or digit): the picker's entry for the hub's own rows. */
const HUB_ENTRY = '@hub';

export interface HubScopeCtx {
  t: Translate;
  error(message: string): void;
}

function kioskLabel(t: Translate, k: HubKioskDto): string {
  const name = k.name === k.id ? k.id : `${k.name} (${k.id})`;
  if (k.revoked) return t('hub.kioskRevoked', { kiosk: name });
  return k.clockSkewed ? t('hub.kioskClockOff', { kiosk: name }) : name;
}

/** The scope, and the kiosk list it was filled from (for a view that needs the kiosks too: one request). */
export interface HubScope extends ReportScope {
  kiosks: Promise<readonly HubKioskDto[]>;
}

/** The pickers are `<testId>-kiosk` and `<testId>-site`. */
export function hubScope(ctx: HubScopeCtx, opts: { testId: string; hubEntry?: boolean }): HubScope {
  const { t } = ctx;
  const kiosk = h('select', { 'data-testid': `${opts.testId}-kiosk`, title: t('hub.scopeHint') }, h('option', { value: '' }, t('hub.allKiosks')),
    opts.hubEntry === true ? h('option', { value: HUB_ENTRY }, t('hub.hubOwn')) : null);
  const site = h('select', { 'data-testid': `${opts.testId}-site`, title: t('hub.scopeHint') }, h('option', { value: '' }, t('hub.allSites')));
  const kiosks = api<{ items: HubKioskDto[] }>('GET', '/api/admin/kiosks').then((r) => r.items);
  const ready = (async (): Promise<void> => {
    try {
      const items = await kiosks;
      kiosk.append(...items.map((k) => h('option', { value: k.id }, kioskLabel(t, k))));
      site.append(...[...new Set(items.map((k) => k.site))].sort().map((s) => h('option', { value: s }, s)));
    } catch (err) {
      ctx.error(describeError(err));
    }
  })();
  return {
    fields: [field(t('hub.kiosk'), kiosk), field(t('hub.site'), site)],
    params: () => ({
      ...(kiosk.value === HUB_ENTRY ? { hub: true } : kiosk.value === '' ? {} : { kioskId: kiosk.value }),
      ...(site.value === '' ? {} : { site: site.value }),
    }),
    ready,
    kiosks,
  };
}
