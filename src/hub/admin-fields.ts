/** Query fields shared by the hub's admin lists: the kiosk and site filters. */
import { z } from 'zod';

export const kioskIdField = z.string().regex(/^[a-z0-9][a-z0-9._-]{0,62}$/u, { message: 'not a kiosk id' });
export const siteField = z.string().min(1).max(200);

/** The kiosk/site filter of the hub's reports (both optional). */
export const scopeFields = { kioskId: kioskIdField.optional(), site: siteField.optional() };
