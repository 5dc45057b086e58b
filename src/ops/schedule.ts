/**
 * A periodic job that never overlaps itself: the next run is scheduled when the previous one ends,
 * so a slow backup on a busy kiosk delays the next one instead of stacking copies.
 */
import { errorMessage } from '../errors.ts';
import { silentLogger, type Logger } from '../log.ts';
import { realTimers, type TimerHandle, type Timers } from '../capture/timers.ts';

export interface Periodic {
  /** Run the job now (waits for a run in progress first); errors are logged, not thrown. */
  runNow(): Promise<void>;
  /** Resolves when no run is in progress (the one a timer just started included). */
  idle(): Promise<void>;
  /** Cancels future runs and waits for the current one. */
  stop(): Promise<void>;
}

export function every(
  name: string,
  intervalMs: number,
  job: () => unknown,
  opts: { timers?: Timers; logger?: Logger; runAtStart?: boolean } = {},
): Periodic {
  const timers = opts.timers ?? realTimers;
  const logger = opts.logger ?? silentLogger;
  let timer: TimerHandle | null = null;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;

  const arm = (ms: number): void => {
    if (stopped) return;
    timer = timers.setTimeout(() => {
      timer = null;
      void runNow();
    }, ms);
  };

  const runNow = (): Promise<void> => {
    running = running.then(async () => {
      if (stopped) return;
      if (timer !== null) timers.clearTimeout(timer);
      timer = null;
      try {
        await job();
      } catch (err) {
        logger.error({ job: name, err: errorMessage(err) }, `${name} failed`);
      }
      arm(intervalMs);
    });
    return running;
  };

  if (opts.runAtStart === true) void runNow();
  else arm(intervalMs);

  return {
    runNow,
    idle: () => running,
    stop: async () => {
      stopped = true;
      if (timer !== null) timers.clearTimeout(timer);
      timer = null;
      await running;
    },
  };
}
