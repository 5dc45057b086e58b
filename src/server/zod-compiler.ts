/**
 * Route schemas are zod schemas: requests are parsed (and coerced/normalised) by zod, and replies
 * are parsed by the response schema before serialising. z.object drops undeclared keys, so a reply
 * can only contain fields its schema names — the guard that keeps descriptors on the server.
 */
import type { FastifyInstance } from 'fastify';
import type { z } from 'zod';

function isZod(schema: unknown): schema is z.ZodType {
  return typeof schema === 'object' && schema !== null && 'safeParse' in schema && typeof (schema as { safeParse: unknown }).safeParse === 'function';
}

export function installZodCompilers(app: FastifyInstance): void {
  app.setValidatorCompiler(({ schema, url, method }) => {
    if (!isZod(schema)) throw new Error(`route ${method} ${url}: request schemas must be zod schemas`);
    return (data: unknown) => {
      const r = schema.safeParse(data);
      return r.success ? { value: r.data } : { error: r.error };
    };
  });
  app.setSerializerCompiler(({ schema, url, method }) => {
    if (!isZod(schema)) throw new Error(`route ${method} ${url}: response schemas must be zod schemas`);
    return (data: unknown) => JSON.stringify(schema.parse(data));
  });
}
