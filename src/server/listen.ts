/** Starts a built app on the configured host and port; returns its URL and a close that ends sockets first. */
import type { FastifyInstance } from 'fastify';

export interface Listening {
  url: string;
  port: number;
  close(): Promise<void>;
}

export async function listen(app: FastifyInstance, opts: { host?: string; port?: number } = {}): Promise<Listening> {
  const host = opts.host ?? app.serverOptions.host;
  const port = opts.port ?? app.serverOptions.port;
  await app.listen({ host, port });
  const addr = app.server.address();
  const actualPort = typeof addr === 'object' && addr !== null ? addr.port : port;
  const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;
  const url = `http://${shownHost.includes(':') ? `[${shownHost}]` : shownHost}:${actualPort}`;
  app.log.info({ url }, 'kiosk server listening');
  return { url, port: actualPort, close: () => app.close() };
}
