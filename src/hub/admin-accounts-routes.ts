/**
 * The hub's admin accounts on its admin page (the same repository functions as `kiosk hub admins`,
 * `disable-admin`, `enable-admin`, `add-admin`): list, add, disable or enable (never oneself, never
 * the last enabled admin; disabling ends that admin's sessions at once), and change one's own password
 * (the admin's other sessions end). The request and reply shapes are the kiosk's, so the kiosk's
 * access view serves both. Every change is audited by the repository in the same transaction.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { Backoff } from '../server/auth/backoff.ts';
import type { SecretHasher } from '../server/auth/password.ts';
import { apiError } from '../server/http-errors.ts';
import { tooMany } from '../server/routes/auth.ts';
import { adminsReply, createdReply, disabledBody, idParams, okReply, password, passwordChangeBody, username } from '../server/routes/schemas.ts';
import { actorOf, hubAdminOf } from './admin-fields.ts';
import { HUB_ADMIN_REFUSALS, type HubAdminChange, type HubAdminsRepo } from './admins-repo.ts';
import type { HubOptions } from './options.ts';

export interface HubAccountDeps {
  admins: HubAdminsRepo;
  hasher: SecretHasher;
  options: HubOptions;
  clock: () => number;
}

export async function hubAccountRoutes(app: FastifyInstance, deps: HubAccountDeps): Promise<void> {
  const { admins, hasher, options: o } = deps;
  const newPassword = password.min(o.passwordMinLength, { message: `at least ${o.passwordMinLength} characters` });
  const newAdminBody = z.object({ username, password: newPassword }).strict();
  const passwordBody = passwordChangeBody.extend({ newPassword }).strict();
  // Same back-off as logins: a session left open is no lever for guessing its password.
  const guesses = new Backoff(o.loginBackoff, deps.clock);

  const settle = (reply: FastifyReply, change: HubAdminChange): FastifyReply | { ok: true } => {
    if (change.ok) return { ok: true as const };
    return reply.code(change.reason === 'not-found' ? 404 : 409).send(apiError(change.reason, HUB_ADMIN_REFUSALS[change.reason]));
  };

  app.get('/admins', { schema: { response: { 200: adminsReply } } }, async (request) => {
    const who = hubAdminOf(request);
    return {
      items: (await admins.list()).map((a) => ({ id: a.id, username: a.username, createdAt: a.createdAt, lastLoginAt: a.lastLoginAt, disabled: a.disabledAt !== null, self: a.id === who.adminId })),
    };
  });

  app.post<{ Body: z.infer<typeof newAdminBody> }>('/admins', { schema: { body: newAdminBody, response: { 201: createdReply } } }, async (request, reply) => {
    const created = await admins.create(request.body.username, await hasher.hash(request.body.password), actorOf(request));
    return reply.code(201).send({ ok: true as const, id: created.id });
  });

  app.put<{ Params: z.infer<typeof idParams>; Body: z.infer<typeof disabledBody> }>(
    '/admins/:id/disabled',
    { schema: { params: idParams, body: disabledBody, response: { 200: okReply } } },
    async (request, reply) => {
      const who = hubAdminOf(request);
      const actor = actorOf(request);
      return settle(reply, await admins.setDisabled({ id: request.params.id }, request.body.disabled, actor, who.adminId));
    },
  );

  app.put<{ Body: z.infer<typeof passwordBody> }>('/password', { schema: { body: passwordBody, response: { 200: okReply } } }, async (request, reply) => {
    const who = hubAdminOf(request);
    const actor = actorOf(request);
    const key = `${who.username.toLowerCase()}\u0000${request.ip}`;
    const check = guesses.check(key);
    if (!check.allowed) return tooMany(reply, check, 'too many wrong passwords; wait and try again');
    guesses.fail(key);
    const found = await admins.findCredentials(who.username);
    if (found === null || !(await hasher.verify(request.body.currentPassword, found.passwordHash)).ok) {
      return reply.code(403).send(apiError('bad-credentials', 'the current password is wrong'));
    }
    guesses.reset(key);
    return settle(reply, await admins.setPassword({ id: who.adminId }, await hasher.hash(request.body.newPassword), actor, who.sessionId));
  });
}
