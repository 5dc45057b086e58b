/**
 * Serves the built kiosk UI (Vite output) from disk, offline: `/` is the kiosk screen, `/admin` the
 * admin pages, `/assets/*` the hashed bundles. A small handler instead of @fastify/static: three
 * routes, one folder, file names checked against a strict pattern so no path can leave it.
 */
import { readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { apiError } from '../http-errors.ts';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

/** The pages need nothing from other origins: scripts, styles, sockets and images are all ours. */
const CSP = "default-src 'self'; img-src 'self' blob: data:; connect-src 'self'; style-src 'self'; script-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

const assetParams = z.object({ file: z.string().regex(/^[A-Za-z0-9_.-]{1,128}$/u).refine((f) => !f.startsWith('.'), { message: 'hidden file' }) }).strict();

/** Vite puts content hashes in asset names, so they can be cached for good. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

/** The kiosk's pages; the hub serves only its own admin page (no kiosk screen: no dead routes). */
const KIOSK_PAGES: Readonly<Record<string, string>> = { '/': 'index.html', '/admin': 'admin.html' };

export async function uiRoutes(app: FastifyInstance, opts: { dir: string; pages?: Readonly<Record<string, string>> }): Promise<void> {
  const cache = new Map<string, Buffer>();

  async function send(reply: FastifyReply, rel: string, cacheControl: string): Promise<FastifyReply> {
    let body = cache.get(rel);
    if (body === undefined) {
      try {
        body = await readFile(join(opts.dir, rel));
      } catch {
        if (rel.endsWith('.html')) {
          return reply
            .code(503)
            .header('content-type', 'text/plain; charset=utf-8')
            .send(`The kiosk UI is not built (${join(opts.dir, rel)} is missing): run "npx vite build kiosk-ui" (or npm run build:ui).\n`);
        }
        return reply.code(404).send(apiError('not-found', 'no such asset'));
      }
      // HTML is re-read each time (it names the current bundles); hashed assets never change.
      if (!rel.endsWith('.html')) cache.set(rel, body);
    }
    const type = TYPES[extname(rel)] ?? 'application/octet-stream';
    if (type.startsWith('text/html')) reply.header('content-security-policy', CSP);
    return reply.header('content-type', type).header('cache-control', cacheControl).send(body);
  }

  for (const [url, file] of Object.entries(opts.pages ?? KIOSK_PAGES)) app.get(url, (_request, reply) => send(reply, file, 'no-cache'));
  app.get<{ Params: z.infer<typeof assetParams> }>('/assets/:file', { schema: { params: assetParams } }, (request, reply) =>
    send(reply, join('assets', request.params.file), IMMUTABLE),
  );
}
