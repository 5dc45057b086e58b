/**
 * The hub admin pages' management of the fleet and the shared gallery: what `kiosk hub add-kiosk |
 * pair-code | revoke | kiosks | erase | shift | delete-shift` do on the command line, through the same repository
 * calls, each audited in hub_audit with the admin's name. Registered inside the authenticated
 * /api/admin scope of admin-routes.ts (Host/Origin checks and the session come from there):
 *   GET  kiosks/status, POST kiosks, POST kiosks/:id/pair-code, POST kiosks/:id/revoke
 *   GET  people, GET people/:uid/photo, DELETE people/:uid, PUT people/:uid/shift
 *   GET  shifts, POST shifts, PUT shifts/:name, DELETE shifts/:name
 * Every change to people or shifts takes a new gallery revision, so it reaches every kiosk at its
 * next pull; an erasure and a deleted shift travel as tombstones.
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { isKioskError } from '../errors.ts';
import { personName } from '../server/fields.ts';
import { apiError } from '../server/http-errors.ts';
import { shiftFields, shiftInput } from '../server/routes/admin/shifts.ts';
import { okReply, pairingCodeReply } from '../server/routes/schemas.ts';
import { shiftBody, shiftFieldsReply } from '../server/routes/shift-schemas.ts';
import type { DescriptorCipher } from '../store/crypto.ts';
import { checkShift } from '../store/shift-repo.ts';
import type { HubKioskStatusDto, HubPairingDto, HubPersonDto, HubShiftDto } from './admin-dto.ts';
import { actorOf } from './admin-fields.ts';
import type { Pool } from './db.ts';
import { GalleryRepo } from './gallery-repo.ts';
import { KIOSK_ID_PATTERN, KiosksRepo, kioskState } from './kiosks-repo.ts';
import type { HubOptions } from './options.ts';
import { uuid } from './protocol.ts';
import { sendPrivateJpeg } from '../server/private-jpeg.ts';

export interface HubFleetDeps {
  pool: Pool;
  /** The site key: opens the face crops for the People tab's thumbnails. */
  siteKey: DescriptorCipher;
  options: HubOptions;
  clock: () => number;
}

const kioskIdField = z.string().regex(KIOSK_ID_PATTERN, { message: 'a kiosk id is lower-case letters, digits, dot, dash or underscore (up to 63), e.g. door-2' });
const kioskParams = z.object({ id: kioskIdField }).strict();
const personParams = z.object({ uid: uuid }).strict();
const shiftParams = z.object({ name: personName }).strict();
const newKioskBody = z.object({ id: kioskIdField, name: personName.optional(), site: personName.default('main') }).strict();
const personShiftBody = z.object({ shiftName: personName.nullable() }).strict();

const kioskStatusReply = z.object({
  items: z.array(z.object({
    id: z.string(),
    name: z.string(),
    site: z.string(),
    state: z.enum(['paired', 'waiting', 'code-expired', 'revoked']),
    pairingPending: z.boolean(),
    createdAt: z.number(),
    pairedAt: z.number().nullable(),
    revokedAt: z.number().nullable(),
    lastSeenAt: z.number().nullable(),
    outboxDepth: z.number(),
    lagMs: z.number(),
    clockOffsetMs: z.number().nullable(),
    clockSkewed: z.boolean(),
  }) satisfies z.ZodType<HubKioskStatusDto>),
});
const pairingReply = z.object({ kioskId: z.string(), code: z.string(), expiresAt: z.number() }) satisfies z.ZodType<HubPairingDto>;
const peopleReply = z.object({
  items: z.array(z.object({
    uid: z.string(),
    name: z.string(),
    employeeCode: z.string().nullable(),
    shiftName: z.string().nullable(),
    active: z.boolean(),
    originKiosk: z.string().nullable(),
    samples: z.number(),
    photoUrl: z.string().nullable(),
  }) satisfies z.ZodType<HubPersonDto>),
});
const shiftsReply = z.object({
  items: z.array(shiftFieldsReply.extend({ people: z.number(), rev: z.number() }) satisfies z.ZodType<HubShiftDto>),
});
const revReply = z.object({ ok: z.literal(true), rev: z.number() });


const unknownKiosk = (reply: FastifyReply, id: string): FastifyReply => reply.code(404).send(apiError('unknown-kiosk', `no kiosk ${id} on the hub`));

export async function hubFleetRoutes(app: FastifyInstance, deps: HubFleetDeps): Promise<void> {
  const kiosks = new KiosksRepo(deps.pool, deps.clock);
  const gallery = new GalleryRepo(deps.pool, deps.siteKey, deps.clock);
  const pairingMs = deps.options.pairingCodeMs;

  // ---------- kiosks ----------

  app.get('/kiosks/status', { schema: { response: { 200: kioskStatusReply } } }, async () => ({
    items: (await kiosks.list()).map((k) => ({ ...k, state: kioskState(k) })),
  }));

  app.post<{ Body: z.infer<typeof newKioskBody> }>('/kiosks', { schema: { body: newKioskBody, response: { 201: pairingReply } } }, async (request, reply) => {
    const b = request.body;
    try {
      const r = await kiosks.create({ id: b.id, site: b.site, pairingMs, actor: actorOf(request), ...(b.name === undefined ? {} : { name: b.name }) });
      return reply.code(201).send(r);
    } catch (err) {
      // The id is checked above, so the one refusal left is a taken id.
      if (isKioskError(err) && err.code === 'USAGE') return reply.code(409).send(apiError('kiosk-exists', err.message));
      throw err;
    }
  });

  app.post<{ Params: z.infer<typeof kioskParams> }>('/kiosks/:id/pair-code', { schema: { params: kioskParams, response: { 200: pairingCodeReply } } }, async (request, reply) => {
    try {
      return await kiosks.newCode(request.params.id, pairingMs, actorOf(request));
    } catch (err) {
      if (isKioskError(err) && err.code === 'USAGE') return unknownKiosk(reply, request.params.id);
      throw err;
    }
  });

  app.post<{ Params: z.infer<typeof kioskParams> }>('/kiosks/:id/revoke', { schema: { params: kioskParams, response: { 200: okReply } } }, async (request, reply) => {
    if (!(await kiosks.revoke(request.params.id, actorOf(request)))) {
      return reply.code(404).send(apiError('unknown-kiosk', `no active kiosk ${request.params.id} on the hub (unknown, or revoked already)`));
    }
    return { ok: true as const };
  });

  // ---------- people ----------

  app.get('/people', { schema: { response: { 200: peopleReply } } }, async () => ({
    items: (await gallery.people()).map((p) => ({
      uid: p.uid,
      name: p.name,
      employeeCode: p.employeeCode,
      shiftName: p.shiftName,
      active: p.active,
      originKiosk: p.originKiosk,
      samples: p.samples,
      photoUrl: p.crops > 0 ? `/api/admin/people/${p.uid}/photo` : null,
    })),
  }));

  app.get<{ Params: z.infer<typeof personParams> }>('/people/:uid/photo', { schema: { params: personParams } }, async (request, reply) => {
    const jpeg = await gallery.photo(request.params.uid);
    if (jpeg === null) return reply.code(404).send(apiError('not-found', 'the hub holds no face crop of this person'));
    return sendPrivateJpeg(reply, jpeg);
  });

  app.delete<{ Params: z.infer<typeof personParams> }>('/people/:uid', { schema: { params: personParams, response: { 200: okReply } } }, async (request, reply) => {
    const r = await gallery.erase(request.params.uid, actorOf(request));
    if (r === null) return reply.code(404).send(apiError('not-found', `no person ${request.params.uid} on the hub`));
    request.log.info({ uid: r.uid, actor: actorOf(request) }, 'person erased at every kiosk');
    return { ok: true as const };
  });

  app.put<{ Params: z.infer<typeof personParams>; Body: z.infer<typeof personShiftBody> }>(
    '/people/:uid/shift',
    { schema: { params: personParams, body: personShiftBody, response: { 200: revReply } } },
    async (request, reply) => {
      const r = await gallery.setShift(request.params.uid, request.body.shiftName, actorOf(request));
      if (r.ok) return r;
      if (r.reason === 'no-person') return reply.code(404).send(apiError('not-found', `no person ${request.params.uid} on the hub`));
      return reply.code(404).send(apiError('unknown-shift', `no shift "${request.body.shiftName ?? ''}" on the hub`));
    },
  );

  // ---------- shifts ----------

  app.get('/shifts', { schema: { response: { 200: shiftsReply } } }, async () => ({
    items: (await gallery.shifts()).map((s) => ({ ...shiftFields({ ...s, overnight: s.endMinute < s.startMinute }), people: s.people, rev: s.rev })),
  }));

  /** The kiosk's own checks (end before start only overnight, grace, days); kiosks store what the hub sends as it is. */
  const shiftOf = (body: z.infer<typeof shiftBody>): { name: string; startMinute: number; endMinute: number; graceMinutes: number; workDays: number } => {
    const { overnight: _overnight, ...s } = checkShift(shiftInput(body));
    return s;
  };

  app.post<{ Body: z.infer<typeof shiftBody> }>('/shifts', { schema: { body: shiftBody, response: { 201: revReply } } }, async (request, reply) => {
    const r = await gallery.putShift(shiftOf(request.body), actorOf(request), 'new');
    if (!r.ok) return reply.code(409).send(apiError('name-taken', `a shift "${request.body.name}" exists already; edit it instead`));
    return reply.code(201).send(r);
  });

  app.put<{ Params: z.infer<typeof shiftParams>; Body: z.infer<typeof shiftBody> }>(
    '/shifts/:name',
    { schema: { params: shiftParams, body: shiftBody, response: { 200: revReply } } },
    async (request, reply) => {
      const s = shiftOf(request.body);
      // Kiosks know a shift by its name: a new name would be a new shift beside the old one on every kiosk.
      if (s.name !== request.params.name) return reply.code(400).send(apiError('name-fixed', 'a shared shift keeps its name; create a new shift for a new name'));
      const r = await gallery.putShift(s, actorOf(request), 'existing');
      if (!r.ok) return reply.code(404).send(apiError('unknown-shift', `no shift "${s.name}" on the hub`));
      return r;
    },
  );

  app.delete<{ Params: z.infer<typeof shiftParams> }>('/shifts/:name', { schema: { params: shiftParams, response: { 200: revReply } } }, async (request, reply) => {
    const { name } = request.params;
    const r = await gallery.deleteShift(name, actorOf(request));
    if (r.ok) return r;
    if (r.reason === 'not-found') return reply.code(404).send(apiError('unknown-shift', `no shift "${name}" on the hub`));
    return reply.code(409).send(apiError('in-use', `${r.people} ${r.people === 1 ? 'person is' : 'people are'} on shift "${name}"; give them another shift first`));
  });
}
