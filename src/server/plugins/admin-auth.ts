/**
 * The auth boundary of the admin API. Registered inside the admin child context only (Fastify
 * encapsulation), so every route declared in that context — now or later — is behind it, and
 * nothing outside it is; there is no list of exempt URLs to keep in sync.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { readCookie, SESSION_COOKIE } from '../auth/cookie.ts';
import type { AdminIdentity } from '../auth/sessions.ts';
import type { ServerContext } from '../context.ts';
import { apiError } from '../http-errors.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the admin auth hook; null outside the admin context. */
    admin: AdminIdentity | null;
  }
}

/** The admin of a request that passed the hook (a bug, and a 500, if called elsewhere). */
export function adminOf(request: FastifyRequest): AdminIdentity {
  if (request.admin === null) throw new Error('admin route reached without a session');
  return request.admin;
}

export function actorOf(request: FastifyRequest): string {
  return `admin:${adminOf(request).username}`;
}

export function requireAdmin(app: FastifyInstance, ctx: ServerContext): void {
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const token = readCookie(request.headers.cookie, SESSION_COOKIE);
    const who = token === null ? null : ctx.sessions.validate(token);
    if (who === null) {
      return reply.code(401).header('cache-control', 'no-store').send(apiError('unauthorized', 'log in first (or the session expired)'));
    }
    request.admin = who;
  });
}
