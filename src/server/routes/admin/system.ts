/** Session end, kiosk PIN, recognition settings and live status (admin accounts and screens: admins.ts). */
import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';
import { clearedSessionCookie } from '../../auth/cookie.ts';
import type { ServerContext } from '../../context.ts';
import { cameraDto } from '../../dto.ts';
import { apiError } from '../../http-errors.ts';
import { actorOf, adminOf } from '../../plugins/admin-auth.ts';
import type { Realtime } from '../../realtime.ts';
import { okReply, pinBody, settingsBody, settingsReply, statusReply } from '../schemas.ts';

export async function systemRoutes(app: FastifyInstance, opts: { ctx: ServerContext; realtime: Realtime }): Promise<void> {
  const { ctx, realtime } = opts;
  const o = ctx.options;

  app.post('/logout', { schema: { response: { 200: okReply } } }, async (request, reply) => {
    const who = adminOf(request);
    ctx.sessions.destroy(who.sessionId);
    ctx.live.sessionEnded(who.sessionId);
    reply.header('set-cookie', clearedSessionCookie(ctx.cookieSecure));
    return { ok: true as const };
  });

  app.put<{ Body: z.infer<typeof pinBody> }>('/pin', { schema: { body: pinBody, response: { 200: okReply } } }, async (request, reply) => {
    if (ctx.pin.fromConfig) return reply.code(409).send(apiError('pin-from-config', 'the kiosk PIN is set in the config file (kioskPinHash)'));
    await ctx.pin.set(request.body.pin, actorOf(request));
    return { ok: true as const };
  });

  app.get('/settings', { schema: { response: { 200: settingsReply } } }, async () => {
    const cur = ctx.settings.current();
    return { ...cur, defaults: ctx.settings.defaults, timeZone: o.timeZone, snapshotsEnabled: o.snapshotsEnabled };
  });

  app.put<{ Body: z.infer<typeof settingsBody> }>('/settings', { schema: { body: settingsBody, response: { 200: settingsReply } } }, async (request) => {
    ctx.settings.update(request.body, actorOf(request));
    const cur = ctx.settings.current();
    return { ...cur, defaults: ctx.settings.defaults, timeZone: o.timeZone, snapshotsEnabled: o.snapshotsEnabled };
  });

  app.get('/status', { schema: { response: { 200: statusReply } } }, async () => {
    const s = ctx.kiosk.status();
    return { camera: cameraDto(s.camera), backend: s.backend, descriptor: s.descriptor, fps: s.fps, enrolledPeople: s.enrolledPeople, socket: realtime.stats() };
  });
}
