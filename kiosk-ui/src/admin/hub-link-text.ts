/**
 * What the kiosk's admin pages say about its link to the hub: the warnings every tab shows and the
 * rows of the settings tab's hub panel. DOM-free, so tests import it directly.
 */
import type { HubLinkDto, Language } from '../../../src/server/protocol.ts';
import type { Translate } from '../i18n.ts';
import { formatDateTime } from '../text.ts';

/** Whole seconds between the kiosk's clock and the hub's, whichever is ahead. */
export function secondsOff(offsetMs: number): number {
  return Math.round(Math.abs(offsetMs) / 1000);
}

/** "Clock not synchronised with the hub: …", or null while it is synchronised. */
export function clockWarning(t: Translate, hub: HubLinkDto): string | null {
  const c = hub.clock;
  if (c.state === 'synchronised') return null;
  if (c.reason === 'hub-not-reached-since-boot') return t('hubLink.clockUnconfirmed');
  // offsetMs is the kiosk's clock minus the hub's: positive means the kiosk runs ahead.
  return t(c.offsetMs > 0 ? 'hubLink.clockAhead' : 'hubLink.clockBehind', { seconds: secondsOff(c.offsetMs) });
}

/** The lines of the banner above every admin tab; none in single-kiosk mode or while all is well. */
export function hubWarnings(t: Translate, hub: HubLinkDto | null): string[] {
  if (hub === null) return [];
  const lines: string[] = [];
  const clock = clockWarning(t, hub);
  if (clock !== null) lines.push(clock);
  if (hub.state === 'refused') lines.push(t('hubLink.refused'));
  return lines;
}

export function linkState(t: Translate, hub: HubLinkDto): string {
  if (hub.state === 'refused') return t('hubLink.state.refused');
  if (hub.state === 'backing-off') return t('hubLink.state.backingOff', { failures: hub.failures });
  return t(hub.lastSuccessAt === null ? 'hubLink.state.starting' : 'hubLink.state.idle');
}

export interface HubLinkRow {
  key: 'hub' | 'kiosk' | 'site' | 'link' | 'lastSync' | 'outbox' | 'clock' | 'lastError';
  label: string;
  value: string;
  /** Something the admin should act on. */
  warn: boolean;
}

export function hubLinkRows(t: Translate, lang: Language, timeZone: string, hub: HubLinkDto): HubLinkRow[] {
  const clock = clockWarning(t, hub);
  const rows: HubLinkRow[] = [
    { key: 'hub', label: t('hubLink.hub'), value: hub.hubUrl, warn: false },
    { key: 'kiosk', label: t('hubLink.kioskId'), value: hub.kioskId, warn: false },
    ...(hub.site === '' ? [] : [{ key: 'site' as const, label: t('hubLink.site'), value: hub.site, warn: false }]),
    { key: 'link', label: t('hubLink.link'), value: linkState(t, hub), warn: hub.state !== 'idle' },
    { key: 'lastSync', label: t('hubLink.lastSync'), value: hub.lastSuccessAt === null ? t('hubLink.never') : formatDateTime(hub.lastSuccessAt, lang, timeZone), warn: false },
    { key: 'outbox', label: t('hubLink.outbox'), value: t('hubLink.outboxCount', { n: hub.outboxDepth }), warn: false },
    {
      key: 'clock',
      label: t('hubLink.clock'),
      value: clock ?? t('hubLink.clockOk', { seconds: hub.clock.state === 'synchronised' ? secondsOff(hub.clock.offsetMs) : 0, limit: secondsOff(hub.maxSkewMs) }),
      warn: clock !== null,
    },
  ];
  if (hub.lastError !== null) rows.push({ key: 'lastError', label: t('hubLink.lastError'), value: hub.lastError, warn: true });
  return rows;
}
