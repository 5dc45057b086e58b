/**
 * One error handler for the HTTP API: bad input is a 400 with the offending fields, coded
 * KioskErrors map through one table, and anything unexpected is a 500 whose details stay in the log.
 */
import type { FastifyError, FastifyInstance } from 'fastify';
import { isKioskError, type ErrorCode } from '../errors.ts';
import type { ApiErrorDto } from './protocol.ts';

const STATUS_OF: Partial<Record<ErrorCode, number>> = {
  USAGE: 400,
  DESCRIPTOR_INVALID: 400,
  GALLERY_EMPTY: 409,
  STORE_FAILED: 500,
  HUB_DB_UNAVAILABLE: 503,
  AUTH_REFUSED: 401,
};

interface ZodLikeIssue {
  path: PropertyKey[];
  message: string;
}

function zodIssues(err: unknown): ZodLikeIssue[] | null {
  if (typeof err !== 'object' || err === null || !('issues' in err)) return null;
  const issues = (err as { issues: unknown }).issues;
  return Array.isArray(issues) ? (issues as ZodLikeIssue[]) : null;
}

export function apiError(error: string, message: string, extra: Partial<ApiErrorDto> = {}): ApiErrorDto {
  return { error, message, ...extra };
}

export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, request, reply) => {
    const issues = zodIssues(err);
    if (issues !== null) {
      const where = (err as { validationContext?: string }).validationContext ?? 'request';
      return reply.code(400).send(
        apiError('bad-request', `invalid ${where}`, {
          issues: issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })),
        }),
      );
    }
    if (isKioskError(err)) {
      const status = STATUS_OF[err.code] ?? 500;
      if (status === 503) {
        request.log.warn({ err: err.toLine() }, 'request refused: a dependency is unavailable');
        return reply.code(503).header('retry-after', '5').send(apiError('unavailable', 'temporarily unavailable; retry later'));
      }
      if (status >= 500) {
        request.log.error({ err }, 'request failed');
        return reply.code(status).send(apiError('internal', 'internal error'));
      }
      return reply.code(status).send(apiError(err.code === 'USAGE' ? 'bad-request' : err.code.toLowerCase(), err.hint ? `${err.message} — ${err.hint}` : err.message));
    }
    const status = typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
    if (status >= 500) {
      request.log.error({ err }, 'request failed');
      return reply.code(500).send(apiError('internal', 'internal error'));
    }
    // Fastify's own 4xx: body too large, bad JSON, unsupported content type.
    return reply.code(status).send(apiError(err.code ?? 'bad-request', err.message));
  });
  app.setNotFoundHandler((request, reply) => reply.code(404).send(apiError('not-found', `no route ${request.method} ${request.url.split('?')[0]}`)));
}
