/** What the hub's admin route modules share: the kiosk and site query fields, and the admin behind a request. */
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { hubAdminActor, type HubAdminIdentity } from './admins-repo.ts';

export const kioskIdField = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,62}$/u, { message: 'not a kiosk id' });
export const siteField = z.string().min(1).max(200);

/** The kiosk/site filter of the hub's reports (both optional). */
export const scopeFields = { kioskId: kioskIdField.optional(), site: siteField.optional() };

/** The kiosk/site filter of a report as one audit word ("kiosk:<id>", "site:<name>"; none = every kiosk). */
export function scopeLabel(q: { kioskId?: string | undefined; site?: string | undefined }): string | undefined {
  if (q.kioskId !== undefined) return `kiosk:${q.kioskId}`;
  return q.site === undefined ? undefined : `site:${q.site}`;
}

/** The admin of a request that passed the /api/admin hook (a bug, and a 500, if called elsewhere). */
export function hubAdminOf(request: FastifyRequest): HubAdminIdentity {
  if (request.hubAdmin === null) throw new Error('hub admin route reached without a session');
  return request.hubAdmin;
}

/** As on the kiosk: `admin:<username>` tells a page admin from `cli:<user>` and `kiosk:<id>` in hub_audit. */
export const actorOf = (request: FastifyRequest): string => hubAdminActor(hubAdminOf(request).username);
