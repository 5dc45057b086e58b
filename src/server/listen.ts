/**
 * Starts a built app on its configured host and port (`app.serverOptions`, which the CLI's --host
 * and --port have already been merged into); logs the address actually bound and returns the URL
 * the device's own screen uses, with a close that ends sockets first.
 */
import { createServer, type AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { KioskError, errorMessage } from '../errors.ts';
import { isWildcardHost } from './host-check.ts';

export interface Listening {
  url: string;
  port: number;
  /** What the socket is bound to, as the kernel reports it ("127.0.0.1:8080", "[::]:8443"). */
  bound: string;
  close(): Promise<void>;
}

/** Why a bind failed, as one line with what to do (the raw error drags a stack and bundled sources along). */
export function listenFailure(err: unknown, host: string, port: number): KioskError {
  const code = (err as { code?: unknown }).code;
  const where = `${host}:${port}`;
  const hints: Record<string, [string, string]> = {
    EADDRINUSE: [`port ${port} on ${host} is already in use`, 'stop the other program (is another kiosk running? `ss -ltnp` shows who holds it) or pass --port <another port>'],
    EACCES: [`not allowed to listen on ${where}`, 'ports below 1024 need privileges: use a port from 1024 up (default 8080)'],
    EADDRNOTAVAIL: [`${host} is not an address of this machine`, 'use 127.0.0.1, or an address this machine has (`ip addr`)'],
    ENOTFOUND: [`cannot resolve host ${host}`, 'use an IP address such as 127.0.0.1'],
  };
  const [message, hint] = hints[typeof code === 'string' ? code : ''] ?? [`cannot listen on ${where}: ${errorMessage(err)}`, 'check server.host and server.port'];
  return new KioskError('SERVER_LISTEN_FAILED', message, { hint, context: { host, port }, cause: err });
}

/**
 * Fails fast, before models load for a minute, when the port is taken: binds and releases it.
 * listen() still checks for real (another program may take the port in between).
 */
export function checkPortFree(host: string, port: number): Promise<void> {
  if (port === 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (err) => reject(listenFailure(err, host, port)));
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve()));
  });
}

function hostForUrl(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

export async function listen(app: FastifyInstance, opts: { host?: string; port?: number } = {}): Promise<Listening> {
  const host = opts.host ?? app.serverOptions.host;
  const port = opts.port ?? app.serverOptions.port;
  try {
    await app.listen({ host, port });
  } catch (err) {
    throw listenFailure(err, host, port);
  }
  const addr = app.server.address() as AddressInfo | string | null;
  const info = typeof addr === 'object' && addr !== null ? addr : { address: host, port, family: '' };
  const bound = `${hostForUrl(info.address)}:${info.port}`;
  // A wildcard bind serves every interface; the device's own screen still reaches it on loopback.
  const shown = isWildcardHost(info.address) ? '127.0.0.1' : info.address;
  const scheme = app.tls ? 'https' : 'http';
  const url = `${scheme}://${hostForUrl(shown)}:${info.port}`;
  app.log.info({ bound, url, tls: app.tls }, `kiosk server bound to ${bound} (${scheme})`);
  return { url, port: info.port, bound, close: () => app.close() };
}
