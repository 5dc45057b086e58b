/**
 * Admin accounts and paired screens: change your own password; add, disable, enable and remove
 * admins (never the last enabled one); issue screen pairing codes and unpair screens. Every change
 * is audited by the repositories in the same transaction.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { formatCode } from '../../auth/one-time-code.ts';
import type { ServerContext } from '../../context.ts';
import type { AdminChange } from '../../../store/admin-repo.ts';
import { apiError } from '../../http-errors.ts';
import { actorOf, adminOf } from '../../plugins/admin-auth.ts';
import type { Realtime } from '../../realtime.ts';
import {
  adminsReply,
  createdReply,
  disabledBody,
  displaysReply,
  idParams,
  okReply,
  pairingBody,
  pairingCodeReply,
  password,
  passwordChangeBody,
  username,
} from '../schemas.ts';

export async function adminAccountRoutes(app: FastifyInstance, opts: { ctx: ServerContext; realtime: Realtime }): Promise<void> {
  const { ctx, realtime } = opts;
  const o = ctx.options;
  const newPassword = password.min(o.passwordMinLength, { message: `at least ${o.passwordMinLength} characters` });
  const newAdminBody = z.object({ username, password: newPassword }).strict();

  /** Ends the sockets of sessions a change ended; refusals become 404 / 409. */
  const settle = (reply: FastifyReply, change: AdminChange): FastifyReply | { ok: true } => {
    if (!change.ok) {
      return change.reason === 'not-found'
        ? reply.code(404).send(apiError('not-found', 'no such admin'))
        : reply.code(409).send(apiError('last-admin', 'the last enabled admin cannot be disabled or removed; add another admin first'));
    }
    for (const id of change.endedSessions) ctx.live.sessionEnded(id);
    return { ok: true as const };
  };

  app.get('/admins', { schema: { response: { 200: adminsReply } } }, async (request) => {
    const me = adminOf(request).adminId;
    return {
      items: ctx.admins.list().map((a) => ({ id: a.id, username: a.username, createdAt: a.createdAt, lastLoginAt: a.lastLoginAt, disabled: a.disabledAt !== null, self: a.id === me })),
    };
  });

  app.post<{ Body: z.infer<typeof newAdminBody> }>('/admins', { schema: { body: newAdminBody, response: { 201: createdReply } } }, async (request, reply) => {
    const hash = await ctx.hasher.hash(request.body.password);
    const admin = ctx.admins.create(request.body.username, hash, actorOf(request));
    return reply.code(201).send({ ok: true as const, id: admin.id });
  });

  app.put<{ Params: z.infer<typeof idParams>; Body: z.infer<typeof disabledBody> }>(
    '/admins/:id/disabled',
    { schema: { params: idParams, body: disabledBody, response: { 200: okReply } } },
    async (request, reply) => settle(reply, ctx.admins.setDisabled(request.params.id, request.body.disabled, actorOf(request))),
  );

  app.delete<{ Params: z.infer<typeof idParams> }>('/admins/:id', { schema: { params: idParams, response: { 200: okReply } } }, async (request, reply) =>
    settle(reply, ctx.admins.remove(request.params.id, actorOf(request))),
  );

  const passwordBody = passwordChangeBody.extend({ newPassword }).strict();
  app.put<{ Body: z.infer<typeof passwordBody> }>('/password', { schema: { body: passwordBody, response: { 200: okReply } } }, async (request, reply) => {
    const who = adminOf(request);
    // Same back-off as logins: a left-open session is no lever for guessing the password.
    const key = `${who.username}\u0000${request.ip}`;
    const check = ctx.limiters.login.check(key);
    if (!check.allowed) return reply.code(429).send(apiError('rate-limited', 'too many wrong passwords; wait and try again', { retryAfterMs: check.retryAfterMs }));
    ctx.limiters.login.fail(key);
    const found = ctx.admins.findCredentials(who.username);
    if (found === null || !(await ctx.hasher.verify(request.body.currentPassword, found.passwordHash)).ok) {
      return reply.code(403).send(apiError('bad-credentials', 'the current password is wrong'));
    }
    ctx.limiters.login.reset(key);
    const hash = await ctx.hasher.hash(request.body.newPassword);
    // The admin's other sessions end; this one stays.
    return settle(reply, ctx.admins.setPasswordHash(who.adminId, hash, actorOf(request), 'changed', who.sessionId));
  });

  app.get('/displays', { schema: { response: { 200: displaysReply } } }, async () => ({
    items: ctx.displays.list().map((d) => ({ id: d.id, name: d.name, createdAt: d.createdAt, createdBy: d.createdBy, connected: realtime.displayConnections(d.id) })),
  }));

  app.post<{ Body: z.infer<typeof pairingBody> }>('/displays/pairing-codes', { schema: { body: pairingBody, response: { 201: pairingCodeReply } } }, async (request, reply) => {
    const actor = actorOf(request);
    const { code, expiresAt } = ctx.pairing.issue(request.body.name, actor);
    ctx.displays.recordCodeIssued(request.body.name, actor, expiresAt);
    return reply.code(201).send({ code: formatCode(code), expiresAt });
  });

  app.delete<{ Params: z.infer<typeof idParams> }>('/displays/:id', { schema: { params: idParams, response: { 200: okReply } } }, async (request, reply) => {
    if (!ctx.displays.remove(request.params.id, actorOf(request))) return reply.code(404).send(apiError('not-found', 'no such screen'));
    ctx.live.displayRemoved(request.params.id);
    return { ok: true as const };
  });
}
