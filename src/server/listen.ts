/** Starts a built app on the configured host and port; returns its URL and a close that ends sockets first. */
import { createServer } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { KioskError, errorMessage } from '../errors.ts';

export interface Listening {
  url: string;
  port: number;
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

export async function listen(app: FastifyInstance, opts: { host?: string; port?: number } = {}): Promise<Listening> {
  const host = opts.host ?? app.serverOptions.host;
  const port = opts.port ?? app.serverOptions.port;
  try {
    await app.listen({ host, port });
  } catch (err) {
    throw listenFailure(err, host, port);
  }
  const addr = app.server.address();
  const actualPort = typeof addr === 'object' && addr !== null ? addr.port : port;
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  const url = `http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${actualPort}`;
  app.log.info({ url }, 'kiosk server listening');
  return { url, port: actualPort, close: () => app.close() };
}
