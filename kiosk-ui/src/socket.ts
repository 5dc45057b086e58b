/** Typed socket.io clients for the two namespaces; the event maps come from the server's protocol.ts. */
import { io, type Socket } from 'socket.io-client';
import type {
  AdminClientToServer,
  AdminNamespace,
  AdminServerToClient,
  KioskClientToServer,
  KioskNamespace,
  KioskServerToClient,
  Refusal,
} from '../../src/server/protocol.ts';

export type KioskSocket = Socket<KioskServerToClient, KioskClientToServer>;
export type AdminSocket = Socket<AdminServerToClient, AdminClientToServer>;

/** How long the UI waits for a reply before treating the request as failed. */
export const ACK_TIMEOUT_MS = 15_000;

/** Where a paired screen keeps its pairing token (sent as handshake auth on every connect). */
const DISPLAY_TOKEN_KEY = 'kiosk.displayToken';

export const displayToken = {
  get: (): string | null => localStorage.getItem(DISPLAY_TOKEN_KEY),
  set: (token: string): void => localStorage.setItem(DISPLAY_TOKEN_KEY, token),
  clear: (): void => localStorage.removeItem(DISPLAY_TOKEN_KEY),
};

export function connectKiosk(): KioskSocket {
  const ns: KioskNamespace = '/kiosk';
  // A function, so a reconnect after pairing sends the token it just got.
  return io(ns, { auth: (cb) => cb({ displayToken: displayToken.get() ?? '' }) });
}

export function connectAdmin(): AdminSocket {
  const ns: AdminNamespace = '/admin';
  return io(ns, { withCredentials: true });
}

/** A timed-out or dropped request reads like any other refusal. */
export function offline(): Refusal {
  return { ok: false, reason: 'failed', message: 'no reply from the server' };
}
