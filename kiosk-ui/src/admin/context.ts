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

/** What a view shared with the hub's admin page needs: no people list; live updates only where there are any. */
export type ViewCtx = Pick<AdminCtx, 't' | 'lang' | 'timeZone' | 'error' | 'flash'> & Partial<Pick<AdminCtx, 'onLogChanged'>>;

/**
 * Extra filters and a column for a list shown for many kiosks (the hub): its kiosk and site pickers,
 * their query parameters, and where each row came from.
 */
export interface ListScope<R> {
  filters: HTMLElement[];
  params(): Record<string, string | boolean | undefined>;
  column: { header: string; cell(row: R): string };
  /** Settles once the pickers have their options. */
  ready: Promise<void>;
}
