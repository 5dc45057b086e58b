/** Query fields of the hub's admin API that several of its route modules read: a kiosk and a site. */
import { z } from 'zod';

export const kioskIdField = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,62}$/u, { message: 'not a kiosk id' });
export const siteField = z.string().min(1).max(200);

/** The kiosk/site filter of the hub's reports (both optional). */
export const scopeFields = { kioskId: kioskIdField.optional(), site: siteField.optional() };
