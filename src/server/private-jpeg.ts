/** A face or evidence photo to a logged-in admin: JPEG, kept by no cache on the way or in the browser. */
import type { FastifyReply } from 'fastify';

export function sendPrivateJpeg(reply: FastifyReply, jpeg: Buffer): FastifyReply {
  return reply.header('content-type', 'image/jpeg').header('cache-control', 'private, no-store').send(jpeg);
}
