/** Public auth routes: who am I, first-run setup, login. Everything else admin lives behind the auth hook. */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { readCookie, sessionCookie, SESSION_COOKIE } from '../auth/cookie.ts';
import { hashSecret, verifySecret } from '../auth/password.ts';
import { checkAll } from '../auth/rate-limit.ts';
import type { ServerContext } from '../context.ts';
import { pin as pinField } from '../fields.ts';
import { apiError } from '../http-errors.ts';
import { authStateReply, loggedInReply, loginBody, password, username } from './schemas.ts';

function startSession(ctx: ServerContext, reply: FastifyReply, adminId: number): void {
  const { token, maxAgeMs } = ctx.sessions.create(adminId);
  reply.header('set-cookie', sessionCookie(token, maxAgeMs, ctx.options.cookieSecure));
}

export async function authRoutes(app: FastifyInstance, opts: { ctx: ServerContext }): Promise<void> {
  const { ctx } = opts;
  const o = ctx.options;
  // Verifying against a throwaway hash when the user does not exist keeps both cases equally slow.
  let dummyHash: Promise<string> | null = null;
  const dummy = (): Promise<string> => (dummyHash ??= hashSecret('not a password', o.scryptLogN));

  const setupBody = z
    .object({
      username,
      password: password.min(o.passwordMinLength, { message: `at least ${o.passwordMinLength} characters` }),
      pin: ctx.pin.fromConfig ? pinField.optional() : pinField,
    })
    .strict();

  app.get('/state', { schema: { response: { 200: authStateReply } } }, async (request, reply) => {
    const token = readCookie(request.headers.cookie, SESSION_COOKIE);
    const who = token === null ? null : ctx.sessions.peek(token);
    reply.header('cache-control', 'no-store');
    return { setupNeeded: ctx.admins.count() === 0, authenticated: who !== null, username: who?.username ?? null, pinFromConfig: ctx.pin.fromConfig };
  });

  app.post<{ Body: z.infer<typeof setupBody> }>('/setup', { schema: { body: setupBody, response: { 200: loggedInReply } } }, async (request, reply) => {
    if (ctx.admins.count() > 0) return reply.code(409).send(apiError('setup-done', 'an admin exists already; log in instead'));
    const hash = await hashSecret(request.body.password, o.scryptLogN);
    const admin = ctx.admins.createFirst(request.body.username, hash);
    if (admin === null) return reply.code(409).send(apiError('setup-done', 'an admin exists already; log in instead'));
    if (request.body.pin !== undefined && !ctx.pin.fromConfig) await ctx.pin.set(request.body.pin, `admin:${admin.username}`);
    ctx.admins.recordLogin(admin.id, ctx.clock());
    startSession(ctx, reply, admin.id);
    request.log.info({ username: admin.username }, 'first admin created');
    return { ok: true as const, username: admin.username };
  });

  app.post<{ Body: z.infer<typeof loginBody> }>('/login', { schema: { body: loginBody, response: { 200: loggedInReply } } }, async (request, reply) => {
    const client = request.ip;
    const userKey = request.body.username.toLowerCase();
    const { loginPerClient, loginPerUser } = ctx.limiters;
    const check = checkAll([loginPerClient.check(client), loginPerUser.check(userKey)]);
    if (!check.allowed) {
      return reply
        .code(429)
        .header('retry-after', String(Math.ceil(check.retryAfterMs / 1000)))
        .send(apiError('rate-limited', 'too many failed logins; wait and try again', { retryAfterMs: check.retryAfterMs }));
    }
    // Counted before verifying and forgiven on success, so parallel guesses cannot exceed the limit.
    loginPerClient.fail(client);
    loginPerUser.fail(userKey);
    const found = ctx.admins.findCredentials(request.body.username);
    const ok = await verifySecret(request.body.password, found?.passwordHash ?? (await dummy()));
    if (found === null || !ok) {
      request.log.warn({ client, username: request.body.username }, 'failed admin login');
      return reply.code(401).send(apiError('bad-credentials', 'wrong user name or password'));
    }
    loginPerClient.reset(client);
    loginPerUser.reset(userKey);
    ctx.admins.recordLogin(found.admin.id, ctx.clock());
    startSession(ctx, reply, found.admin.id);
    return { ok: true as const, username: found.admin.username };
  });
}
