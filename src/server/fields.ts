/** Field validators shared by the HTTP routes and the socket handlers. */
import { z } from 'zod';

// Control characters have no place in a name and break CSV viewers and log lines.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/u;

/** A person's display name: NFC (so Tâm typed on any keyboard is one person), trimmed, 1–100 characters. */
export const personName = z
  .string()
  .transform((s) => s.normalize('NFC').trim().replace(/\s+/gu, ' '))
  .pipe(z.string().min(1).max(100).refine((s) => !CONTROL.test(s), { message: 'contains control characters' }));

export const employeeCode = z
  .string()
  .trim()
  .max(40)
  .refine((s) => !CONTROL.test(s), { message: 'contains control characters' })
  .transform((s) => (s === '' ? null : s))
  .nullable()
  .transform((s) => s ?? null);

/** The kiosk menu PIN: at least 6 digits (a 4-digit PIN fell to an offline search in minutes). */
export const PIN_MIN_DIGITS = 6;
export const pin = z.string().regex(/^\d{6,12}$/u, { message: 'a PIN is 6 to 12 digits' });

/** A one-time setup or screen pairing code as typed: spaces and dashes between groups are ignored, case too. */
export const oneTimeCode = z
  .string()
  .max(64)
  .transform((s) => s.replace(/[\s-]/gu, '').toUpperCase())
  .pipe(z.string().regex(/^[A-Z0-9]{4,32}$/u, { message: 'a code is letters and digits' }));

export const reason = z
  .string()
  .transform((s) => s.normalize('NFC').trim())
  .pipe(z.string().min(1, { message: 'a reason is required' }).max(500));

export const id = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);

/** Query-string ids arrive as text. */
export const idParam = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);

export const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/u, { message: 'a day is written YYYY-MM-DD' });

export const localDateTime = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/u, { message: 'a time is written YYYY-MM-DDTHH:mm' });
