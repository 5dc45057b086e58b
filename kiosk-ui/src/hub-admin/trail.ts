/**
 * The hub's Access, Audit and Sightings tabs: the kiosk's own views over the hub's API (same paths and
 * shapes), with the hub's kiosk/site pickers and a column saying where each row came from.
 */
import type { HubAuditDto, HubSightingDto } from '../../../src/hub/admin-dto.ts';
import type { ViewCtx } from '../admin/context.ts';
import { accessView } from '../admin/views/access.ts';
import { auditView } from '../admin/views/audit.ts';
import { sightingsView } from '../admin/views/sightings.ts';
import { hubScope } from './scope.ts';

/** Accounts only: the hub has no paired screens, and its admins are disabled rather than removed. */
export function hubAccessView(ctx: ViewCtx, onSelfGone: () => void): HTMLElement {
  return accessView(ctx, onSelfGone, { screens: false, remove: false });
}

/** The hub's own admin actions (From: hub) and every kiosk's uploaded trail. */
export function hubAuditView(ctx: ViewCtx): HTMLElement {
  const scope = hubScope(ctx, { testId: 'audit', hubEntry: true });
  const from = (a: HubAuditDto): string => (a.kioskId === null ? ctx.t('hub.origin.hub') : a.site === null ? a.kioskId : `${a.kioskId} · ${a.site}`);
  return auditView<HubAuditDto>(ctx, { ...scope, column: { header: ctx.t('hub.origin'), cell: from } });
}

/** Strangers and spoof attempts from every kiosk, with their site and evidence photo. */
export function hubSightingsView(ctx: ViewCtx): HTMLElement {
  const scope = hubScope(ctx, { testId: 'sightings' });
  return sightingsView<HubSightingDto>(ctx, {
    scope: { ...scope, column: { header: ctx.t('hub.site'), cell: (s) => s.site } },
    photoUrl: (id) => `/api/admin/evidence/sighting/${id}`,
  });
}
