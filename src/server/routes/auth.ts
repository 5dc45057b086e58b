/**
 * Public auth routes: who am I, first-run setup, login. Everything else admin lives behind the auth hook.
 * Setup proves presence at the device: it needs the one-time code shown on the kiosk's own screen
 * and printed by `kiosk serve` / `kiosk doctor`, from any address, loopback included.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { checkAll, type RateCheck } from '../auth/backoff.ts';
import { readCookie, sessionCookie, SESSION_COOKIE } from '../auth/cookie.ts';
import type { ServerContext } from '../context.ts';
import { oneTimeCode, pin as pinField } from '../fields.ts';
import { apiError } from '../http-errors.ts';
import { authStateReply, loggedInReply, loginBody, password, username } from './schemas.ts';

function startSession(ctx: ServerContext, reply: FastifyReply, adminId: number): void {
  const { token, maxAgeMs } = ctx.sessions.create(adminId);
  reply.header('set-cookie', sessionCookie(token, maxAgeMs, ctx.cookieSecure));
}

export function tooMany(reply: FastifyReply, check: RateCheck & { allowed: false }, message: string): FastifyReply {
  return reply
    .code(429)
    .header('retry-after', String(Math.ceil(check.retryAfterMs / 1000)))
    .send(apiError('rate-limited', message, { retryAfterMs: check.retryAfterMs }));
}

export async function authRoutes(app: FastifyInstance, opts: { ctx: ServerContext }): Promise<void> {
  const { ctx } = opts;
  const o = ctx.options;
  // Verifying against a throwaway hash when the user does not exist keeps both cases equally slow.
  let dummyHash: Promise<string> | null = null;
  const dummy = (): Promise<string> => (dummyHash ??= ctx.hasher.hash('not a password'));

  const setupBody = z
    .object({
      setupCode: oneTimeCode,
      username,
      password: password.min(o.passwordMinLength, { message: `at least ${o.passwordMinLength} characters` }),
      pin: ctx.pin.fromConfig ? pinField.optional() : pinField,
    })
    .strict();

  app.get('/state', { schema: { response: { 200: authStateReply } } }, async (request, reply) => {
    const token = readCookie(request.headers.cookie, SESSION_COOKIE);
    const who = token === null ? null : ctx.sessions.peek(token);
    reply.header('cache-control', 'no-store');
    return {
      setupNeeded: ctx.admins.count() === 0,
      authenticated: who !== null,
      username: who?.username ?? null,
      pinFromConfig: ctx.pin.fromConfig,
      pinResetRequired: who !== null && ctx.pin.resetRequired(),
    };
  });

  app.post<{ Body: z.infer<typeof setupBody> }>('/setup', { schema: { body: setupBody, response: { 200: loggedInReply } } }, async (request, reply) => {
    if (ctx.admins.count() > 0) return reply.code(409).send(apiError('setup-done', 'an admin exists already; log in instead'));
    const key = `setup:${request.ip}`;
    const check = ctx.limiters.code.check(key);
    if (!check.allowed) return tooMany(reply, check, 'too many wrong setup codes; wait and try again');
    if (!ctx.setupCode.matches(request.body.setupCode)) {
      ctx.limiters.code.fail(key);
      request.log.warn({ client: request.ip }, 'first-run setup with a wrong setup code');
      return reply.code(403).send(apiError('bad-setup-code', 'wrong setup code: it is shown on the kiosk screen and printed by `kiosk serve` and `kiosk doctor` on the device'));
    }
    const hash = await ctx.hasher.hash(request.body.password);
    const admin = ctx.admins.createFirst(request.body.username, hash);
    if (admin === null) return reply.code(409).send(apiError('setup-done', 'an admin exists already; log in instead'));
    ctx.limiters.code.reset(key);
    ctx.setupCode.consume();
    ctx.live.setupDone();
    if (request.body.pin !== undefined && !ctx.pin.fromConfig) await ctx.pin.set(request.body.pin, `admin:${admin.username}`);
    ctx.admins.recordLogin(admin.id, ctx.clock());
    startSession(ctx, reply, admin.id);
    request.log.info({ username: admin.username, client: request.ip }, 'first admin created');
    return { ok: true as const, username: admin.username };
  });

  app.post<{ Body: z.infer<typeof loginBody> }>('/login', { schema: { body: loginBody, response: { 200: loggedInReply } } }, async (request, reply) => {
    const client = request.ip;
    const userKey = `${request.body.username.toLowerCase()}\u0000${client}`;
    const { login, loginAddress } = ctx.limiters;
    const check = checkAll([login.check(userKey), loginAddress.check(client)]);
    if (!check.allowed) return tooMany(reply, check, 'too many failed logins from this address; wait and try again');
    // Counted before verifying and forgiven on success, so parallel guesses cannot exceed the limit.
    login.fail(userKey);
    loginAddress.fail(client);
    const found = ctx.admins.findCredentials(request.body.username);
    const r = await ctx.hasher.verify(request.body.password, found?.passwordHash ?? (await dummy()));
    if (found === null || !r.ok || found.admin.disabledAt !== null) {
      request.log.warn({ client, username: request.body.username }, 'failed admin login');
      return reply.code(401).send(apiError('bad-credentials', 'wrong user name or password'));
    }
    login.reset(userKey);
    loginAddress.reset(client);
    const actor = `admin:${found.admin.username}`;
    // A hash from before today's cost: the password is known right now, so store it at today's cost.
    if (r.rehash) ctx.admins.setPasswordHash(found.admin.id, await ctx.hasher.hash(request.body.password), actor, 'upgraded');
    ctx.admins.recordLogin(found.admin.id, ctx.clock());
    startSession(ctx, reply, found.admin.id);
    return { ok: true as const, username: found.admin.username };
  });
}
