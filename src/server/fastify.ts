/**
 * The one way this code base makes a Fastify instance (kiosk server and hub): pino as its logger
 * with request logs left to our own hooks, a body limit, 503 while closing, and TLS 1.2+ when
 * certificates are given.
 */
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import type { Logger } from '../log.ts';

export interface TlsMaterial {
  key: string;
  cert: string;
}

export function createFastify(opts: { logger: Logger; bodyLimit: number; tls?: TlsMaterial | undefined }): FastifyInstance {
  return Fastify({
    loggerInstance: opts.logger,
    // Per-request logs at debug (each app's onResponse hook), not Fastify's two info lines per request.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: opts.bodyLimit,
    return503OnClosing: true,
    ...(opts.tls === undefined ? {} : { https: { key: opts.tls.key, cert: opts.tls.cert, minVersion: 'TLSv1.2' as const } }),
  }) as unknown as FastifyInstance;
}
