/** Everything the routes and socket handlers share, built once by `buildApp`. */
import type { Logger } from '../log.ts';
import type { AdminRepo } from '../store/admin-repo.ts';
import type { DisplayRepo } from '../store/display-repo.ts';
import type { Store } from '../store/store.ts';
import type { Backoff } from './auth/backoff.ts';
import type { KioskPin } from './auth/kiosk-pin.ts';
import type { PairingCodes, SetupCode } from './auth/one-time-code.ts';
import type { SecretHasher } from './auth/password.ts';
import type { SessionManager } from './auth/sessions.ts';
import type { HostGuard } from './host-check.ts';
import type { ServerOptions } from './options.ts';
import type { HubLinkPort, KioskPort, SnapshotPort } from './ports.ts';
import type { SettingsService } from './settings.ts';

/** Per-client back-offs: no bucket is shared between clients, so nobody can lock the owner out. */
export interface Limiters {
  /** Wrong kiosk PINs, per paired screen (the device's own screen is one key). */
  pin: Backoff;
  /** Failed logins per (user name, address): a known user name locks out only the address guessing it. */
  login: Backoff;
  /** Failed logins per address, whatever the user name (spraying names from one address). */
  loginAddress: Backoff;
  /** Wrong setup or pairing codes, per address. */
  code: Backoff;
  /** Wrong personal PINs at the kiosk fallback, per employee code (whichever screen they are typed on). */
  fallback: Backoff;
}

/** What admin-side changes tell the live sockets (set once realtime is attached). */
export interface LiveNotifier {
  logChanged(): void;
  sessionEnded(sessionId: string): void;
  /** A paired screen was unpaired: its sockets are dropped. */
  displayRemoved(displayId: number): void;
  /** First-run setup finished: screens stop showing the setup code. */
  setupDone(): void;
}

export interface ServerContext {
  store: Store;
  admins: AdminRepo;
  displays: DisplayRepo;
  kiosk: KioskPort;
  snapshots: SnapshotPort | null;
  /** A joined kiosk's hub link; null in single-kiosk mode. */
  hubLink: HubLinkPort | null;
  options: ServerOptions;
  logger: Logger;
  clock: () => number;
  sessions: SessionManager;
  hasher: SecretHasher;
  pin: KioskPin;
  setupCode: SetupCode;
  pairing: PairingCodes;
  hosts: HostGuard;
  /** The session cookie gets Secure (HTTPS, or configured). */
  cookieSecure: boolean;
  settings: SettingsService;
  limiters: Limiters;
  live: LiveNotifier;
}
