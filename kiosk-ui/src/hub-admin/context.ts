/** What every hub admin view gets beyond the log's: a passing confirmation line. */
import type { HubLogCtx } from './log.ts';

export interface HubViewCtx extends HubLogCtx {
  flash(message: string): void;
}
