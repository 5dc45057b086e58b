/** What every admin view gets: translator, language, time zone, the people list and a live feed. */
import type { Language, PersonDto } from '../../../src/server/protocol.ts';
import type { Translate } from '../i18n.ts';
import type { PickablePerson } from './widgets.ts';

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

/** Extra filters of a view shown for many kiosks (the hub), with the query parameters they add to its requests and downloads. */
export interface ReportScope {
  fields: HTMLElement[];
  params(): Record<string, string | boolean | undefined>;
  /** Resolves once the fields are filled (e.g. the hub's kiosk list); the first load waits for it. */
  ready: Promise<void>;
}

/** A list's scope adds a column saying where each row came from. */
export interface ListScope<R> extends ReportScope {
  column: { header: string; cell(row: R): string };
}

/** A person a report can be narrowed to: a kiosk's (numeric id) or the hub's (its uid is the id). */
export interface ReportPerson<Id extends number | string = number | string> extends PickablePerson<Id> {
  active: boolean;
}

/**
 * What the report views (timesheet, daily summary, who is in) need. A kiosk passes its AdminCtx. The hub
 * serves the same API paths for every kiosk, passes its people (by uid), has no live feed, and adds its
 * kiosk/site scope. Where there is a people list the timesheet and the daily summary show a person picker.
 */
export interface ReportCtx extends Pick<AdminCtx, 't' | 'lang' | 'timeZone' | 'error'> {
  people?(): Promise<readonly ReportPerson[]>;
  onLogChanged?: AdminCtx['onLogChanged'];
  scope?: ReportScope;
}
