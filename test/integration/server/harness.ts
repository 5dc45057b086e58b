/** Builds the server on a temp store with a fake kiosk and a settable clock; logs an admin in. */
import type { FastifyInstance } from 'fastify';
import { buildApp, type AppDeps } from '../../../src/server/app.ts';
import type { Store } from '../../../src/store/store.ts';
import { FakeKiosk, tempStore } from './fakes.ts';

export const TZ = 'Asia/Ho_Chi_Minh';
export const ADMIN = { username: 'quản trị', password: 'correct horse battery' } as const;
export const PIN = '246810';

export interface Clock {
  now(): number;
  set(ts: number): void;
  advance(ms: number): void;
}

export function fakeClock(start = Date.UTC(2024, 2, 1, 1, 0, 0)): Clock {
  let t = start;
  return { now: () => t, set: (ts) => void (t = ts), advance: (ms) => void (t += ms) };
}

export interface Harness {
  app: FastifyInstance;
  store: Store;
  kiosk: FakeKiosk;
  clock: Clock;
  done(): Promise<void>;
}

export function harness(opts: { config?: AppDeps['config']; settings?: AppDeps['settings']; clock?: Clock; snapshots?: AppDeps['snapshots']; health?: AppDeps['health']; metrics?: AppDeps['metrics']; hubLink?: AppDeps['hubLink'] } = {}): Harness {
  const clock = opts.clock ?? fakeClock();
  const { store, done } = tempStore({ clock: clock.now });
  const kiosk = new FakeKiosk(store);
  const deps: AppDeps = { store, kiosk, clock: clock.now, config: { scryptLogN: 10, timeZone: TZ, ...opts.config } };
  if (opts.settings !== undefined) deps.settings = opts.settings;
  if (opts.snapshots !== undefined) deps.snapshots = opts.snapshots;
  if (opts.health !== undefined) deps.health = opts.health;
  if (opts.metrics !== undefined) deps.metrics = opts.metrics;
  if (opts.hubLink !== undefined) deps.hubLink = opts.hubLink;
  const app = buildApp(deps);
  return {
    app,
    store,
    kiosk,
    clock,
    done: async () => {
      await app.close();
      done();
    },
  };
}

export function cookieOf(res: { headers: Record<string, unknown> }): string {
  const raw = res.headers['set-cookie'];
  const first = Array.isArray(raw) ? String(raw[0]) : String(raw);
  return first.split(';')[0]!;
}

/** First-run setup through the API; returns the session cookie. */
export async function setupAdmin(app: FastifyInstance, pin: string | undefined = PIN): Promise<string> {
  // The code shown on the device's own screen and printed by `kiosk serve`: the test is at the device.
  const payload: Record<string, string> = { ...ADMIN, setupCode: app.setupCode.current() ?? '' };
  if (pin !== undefined) payload.pin = pin;
  const res = await app.inject({ method: 'POST', url: '/api/auth/setup', payload });
  if (res.statusCode !== 200) throw new Error(`setup failed: ${res.statusCode} ${res.body}`);
  return cookieOf(res);
}

/** Local wall-clock time in the test zone (UTC+7, no DST) → ms. */
export function hanoi(day: string, time: string): number {
  return Date.parse(`${day}T${time}+07:00`);
}
