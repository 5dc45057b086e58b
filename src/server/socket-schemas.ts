/**
 * Runtime validators for every client → server socket message. Typed against protocol.ts, so a
 * change to the contract that is not reflected here fails to compile.
 */
import { z } from 'zod';
import { employeeCode, id, oneTimeCode, personName, pin } from './fields.ts';
import type { AdminClientToServer, KioskClientToServer } from './protocol.ts';

type RequestOf<M, K extends keyof M> = M[K] extends (req: infer R, ...rest: never[]) => void ? R : never;

type SchemaMap<M> = { [K in keyof M]: z.ZodType<RequestOf<M, K>, unknown> };

const empty = z.object({}).strict();

export const kioskRequestSchemas: SchemaMap<KioskClientToServer> = {
  'display:pair': z.object({ code: oneTimeCode }).strict(),
  'menu:unlock': z.object({ pin }).strict(),
  'menu:lock': empty,
  'people:list': z.object({ search: z.string().max(100).optional() }).strict(),
  'enroll:begin': z.object({ name: personName, employeeCode, personId: id.optional() }).strict(),
  'enroll:confirm': z.object({ sessionId: z.string().min(1).max(100) }).strict(),
  'enroll:cancel': z.object({ sessionId: z.string().min(1).max(100) }).strict(),
  'people:remove': z.object({ personId: id }).strict(),
  'fallback:punch': z.object({ employeeCode: z.string().trim().min(1).max(40), pin }).strict(),
  'punch:not-me': z.object({ punchId: id }).strict(),
};

export const adminRequestSchemas: SchemaMap<AdminClientToServer> = {
  'status:get': empty,
};
