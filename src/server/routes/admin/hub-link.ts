/** A joined kiosk's link to its hub (clock, outbox, last sync) for the admin pages; `{hub: null}` in single-kiosk mode. */
import type { FastifyInstance } from 'fastify';
import type { ServerContext } from '../../context.ts';
import { hubLinkDto } from '../../dto.ts';
import { hubLinkReply } from '../schemas.ts';

export async function hubLinkRoutes(app: FastifyInstance, opts: { ctx: ServerContext }): Promise<void> {
  const { ctx } = opts;
  app.get('/hub-link', { schema: { response: { 200: hubLinkReply } } }, async () => ({ hub: ctx.hubLink === null ? null : hubLinkDto(ctx.hubLink.status()) }));
}
