/**
 * Starts a built app on its configured host and port (`app.serverOptions`, which the CLI's --host
 * and --port have already been merged into); logs the address actually bound and returns the URL
 * the device's own screen uses, with a close that ends sockets first.
 */
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { isWildcardHost } from './host-check.ts';

export interface Listening {
  url: string;
  port: number;
  /** What the socket is bound to, as the kernel reports it ("127.0.0.1:8080", "[::]:8443"). */
  bound: string;
  close(): Promise<void>;
}

function hostForUrl(host: string): string {
  return host.includes(':') ? `[${host}]` : host;
}

export async function listen(app: FastifyInstance, opts: { host?: string; port?: number } = {}): Promise<Listening> {
  const host = opts.host ?? app.serverOptions.host;
  const port = opts.port ?? app.serverOptions.port;
  await app.listen({ host, port });
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
