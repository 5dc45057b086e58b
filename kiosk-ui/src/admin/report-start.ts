/** How the timesheet and the daily summary start, on a kiosk and on the hub: person filter, first load, live reloads. */
import { h, replace } from '../dom.ts';
import { describeError } from './api.ts';
import type { ReportCtx } from './context.ts';
import { field, personPicker } from './widgets.ts';

export interface ReportStart {
  /** The "Person" field (picker `<testId>-person`), or null where the page has no people list. */
  personField: HTMLElement | null;
  /** The picked person's id as a query parameter: undefined for everyone (and until the picker is filled). */
  personId(): number | string | undefined;
}

/**
 * Fills the person picker where the page has a people list, waits for the scope's pickers (the hub's
 * kiosk list), then runs the first `load`; reloads whenever punches change where there is a live feed.
 */
export function startReport(ctx: ReportCtx, testId: string, load: () => Promise<void>): ReportStart {
  const { t } = ctx;
  const slot = h('span');
  let picker: { value(): number | string | null } | null = null;

  async function setup(): Promise<void> {
    if (ctx.people !== undefined) {
      try {
        const p = personPicker(t, await ctx.people(), { allLabel: t('filter.everyone'), testId: `${testId}-person` });
        picker = p;
        replace(slot, p.el);
      } catch (err) {
        // The report still loads, for everyone.
        ctx.error(describeError(err));
      }
    }
    await ctx.scope?.ready;
    await load();
  }

  void setup();
  ctx.onLogChanged?.(() => void load());
  return {
    personField: ctx.people === undefined ? null : field(t('filter.person'), slot),
    personId: () => picker?.value() ?? undefined,
  };
}
