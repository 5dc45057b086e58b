/** Everything the routes and socket handlers share, built once by `buildApp`. */
import type { Logger } from '../log.ts';
import type { AdminRepo } from '../store/admin-repo.ts';
import type { Store } from '../store/store.ts';
import type { KioskPin } from './auth/kiosk-pin.ts';
import type { FailureLimiter } from './auth/rate-limit.ts';
import type { SessionManager } from './auth/sessions.ts';
import type { ServerOptions } from './options.ts';
import type { KioskPort, SnapshotPort } from './ports.ts';
import type { SettingsService } from './settings.ts';

export interface Limiters {
  pinPerClient: FailureLimiter;
  pinGlobal: FailureLimiter;
  loginPerClient: FailureLimiter;
  loginPerUser: FailureLimiter;
}

/** What admin-side changes tell the live sockets (set once realtime is attached). */
export interface LiveNotifier {
  logChanged(): void;
  sessionEnded(sessionId: string): void;
}

export interface ServerContext {
  store: Store;
  admins: AdminRepo;
  kiosk: KioskPort;
  snapshots: SnapshotPort | null;
  options: ServerOptions;
  logger: Logger;
  clock: () => number;
  sessions: SessionManager;
  pin: KioskPin;
  settings: SettingsService;
  limiters: Limiters;
  live: LiveNotifier;
}
