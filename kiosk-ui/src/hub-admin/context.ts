/** What every hub admin view gets: translator, language, the hub's time zone, an error line and a passing confirmation line. */
import type { Language } from '../../../src/server/protocol.ts';
import type { Translate } from '../i18n.ts';

export interface HubViewCtx {
  t: Translate;
  lang: Language;
  timeZone: string;
  error(message: string): void;
  flash(message: string): void;
}
