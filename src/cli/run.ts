/**
 * `kiosk run --source <…>`: the whole loop headless. One line per decision (JSON with --json),
 * and for a finite source a summary line at the end. SIGINT/SIGTERM stop it cleanly.
 */
import type { CliContext } from './context.ts';
import { buildLoop } from './pipeline/build.ts';
import type { LoopSummary } from './pipeline/kiosk-loop.ts';
import type { DecisionEvent } from '../server/ports.ts';

export function formatDecision(d: DecisionEvent, timeZone: string): string {
  const time = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', second: '2-digit' }).format(d.decidedAt);
  const votes = Object.entries(d.votes).map(([k, v]) => `${k}×${v}`).join(' ');
  if (d.result === 'person') {
    const state = d.logged ? 'checked in' : `already checked in${d.previousPunchTs ? ` at ${new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit' }).format(d.previousPunchTs)}` : ''}`;
    return `${time} track ${d.track}: ${d.name} ${state} (similarity ${d.similarity.toFixed(3)}, ${d.frames} frames: ${votes})`;
  }
  return `${time} track ${d.track}: ${d.result === 'spoof' ? 'SPOOF refused' : 'unknown person'} (${d.frames} frames: ${votes})`;
}

export async function runHeadless(ctx: CliContext, opts: { source?: string; json: boolean }): Promise<LoopSummary> {
  const built = await buildLoop({ config: ctx.config, store: ctx.store(), log: ctx.log, source: opts.source });
  const tz = ctx.config.store.reportTimeZone;
  built.loop.on('decision', (d) => console.log(opts.json ? JSON.stringify(d) : formatDecision(d, tz)));
  const stop = (): void => void built.loop.stop();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    const summary = await built.loop.run();
    console.log(opts.json ? JSON.stringify(summary) : `summary: ${summary.framesProcessed} of ${summary.framesRead} frames processed in ${summary.seconds}s (${summary.fps} fps); decisions: ${summary.decisions.person} person (${summary.decisions.logged} logged), ${summary.decisions.unknown} unknown, ${summary.decisions.spoof} spoof; end: ${summary.endReason}`);
    return summary;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    await built.close();
  }
}
