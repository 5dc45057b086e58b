/** Injected time: the watchdog and reconnect logic are tested with a fake clock. */

/** Opaque handle returned by `setTimeout` (Node's Timeout object, or a fake's token). */
export type TimerHandle = object;

export interface Timers {
  now(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

export const realTimers: Timers = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};
