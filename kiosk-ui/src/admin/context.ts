/** What every admin view gets: translator, language, time zone, the people list and a live feed. */
import type { Language, PersonDto } from '../../../src/server/protocol.ts';
import type { Translate } from '../i18n.ts';

export interface AdminCtx {
  t: Translate;
  lang: Language;
  timeZone: string;
  /** Active and removed people, in Vietnamese order (cached; `refreshPeople` reloads). */
  people(): Promise<PersonDto[]>;
  refreshPeople(): void;
  /** Runs `fn` whenever punches change (socket `log:changed`) until the view is replaced. */
  onLogChanged(fn: () => void): void;
  /** Shows an error line at the top of the page. */
  error(message: string): void;
  flash(message: string): void;
}
