/**
 * HTTP(S) to the hub, kiosk-initiated only. A hub with a self-signed certificate is pinned: the
 * certificate seen at join (checked against the fingerprint the hub printed) is the only one
 * accepted afterwards, whatever name the connection used. Plain HTTP is allowed to loopback only.
 * Failures are typed: 'unreachable' and 'server' are retried with back-off; 'refused' means this
 * kiosk's credential no longer works (revoked) and needs an admin.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { connect as tlsConnect, type PeerCertificate } from 'node:tls';
import type { z } from 'zod';
import { KioskError, errorMessage } from '../errors.ts';
import { isLoopbackHost } from '../server/host-check.ts';
import { bearer, galleryReply, pairReply, pushReply, type GalleryReply, type PairReply, type PushReply, type PushRequest } from '../hub/protocol.ts';

export type HubFailureKind = 'unreachable' | 'server' | 'refused' | 'bad-reply';

export class HubRequestError extends Error {
  constructor(readonly kind: HubFailureKind, message: string, readonly status: number | null = null) {
    super(message);
    this.name = 'HubRequestError';
  }
}

export interface Endpoint {
  url: string;
  /** PEM of the pinned certificate (self-signed hub); null: the system's CAs. */
  certPem: string | null;
  fingerprint256: string | null;
}

export function checkHubUrl(url: string): URL {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new KioskError('USAGE', `"${url}" is not a URL`, { hint: 'give the hub address as https://host:port' });
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new KioskError('USAGE', `hub URL ${url} must be https://`, { hint: 'e.g. https://hub.example:8090' });
  if (u.protocol === 'http:' && !isLoopbackHost(u.hostname.replace(/^\[|\]$/gu, ''))) {
    throw new KioskError('USAGE', `plain http to ${u.hostname} would send punches and faces unencrypted`, { hint: 'use https:// (the hub serves HTTPS beyond loopback)' });
  }
  return u;
}

/** The certificate a TLS server presents, without trusting it yet (join checks its fingerprint). */
export function fetchPeerCertificate(url: string, timeoutMs: number): Promise<{ pem: string; fingerprint256: string; authorized: boolean }> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({ host: u.hostname.replace(/^\[|\]$/gu, ''), port: Number(u.port || 443), rejectUnauthorized: false, servername: /^[\d.:]+$/u.test(u.hostname) ? undefined : u.hostname });
    const timer = setTimeout(() => socket.destroy(new Error('timed out')), timeoutMs);
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      const cert: PeerCertificate = socket.getPeerCertificate();
      const pem = `-----BEGIN CERTIFICATE-----\n${cert.raw.toString('base64').match(/.{1,64}/gu)!.join('\n')}\n-----END CERTIFICATE-----\n`;
      resolve({ pem, fingerprint256: cert.fingerprint256, authorized: socket.authorized });
      socket.end();
    });
    socket.once('error', (err) => {
      clearTimeout(timer);
      reject(new HubRequestError('unreachable', `cannot reach ${u.host}: ${errorMessage(err)}`));
    });
  });
}

export class HubClient {
  readonly #agent: HttpsAgent | null;
  readonly #url: URL;

  constructor(private readonly endpoint: Endpoint, private readonly timeoutMs: number, private readonly auth: { kioskId: string; credential: string } | null = null) {
    this.#url = checkHubUrl(endpoint.url);
    const pinned = endpoint.fingerprint256;
    this.#agent = this.#url.protocol === 'https:'
      ? new HttpsAgent({
        keepAlive: true,
        maxSockets: 2,
        ...(endpoint.certPem === null ? {} : { ca: endpoint.certPem }),
        // Pinned: the exact certificate matters, not the name it was reached under (a load balancer, a proxy).
        ...(pinned === null ? {} : { checkServerIdentity: (_host: string, cert: PeerCertificate) => (cert.fingerprint256 === pinned ? undefined : new Error(`hub certificate ${cert.fingerprint256} is not the pinned ${pinned}`)) }),
      })
      : null;
  }

  pair(code: string): Promise<PairReply> {
    return this.call('POST', '/api/sync/pair', { code }, pairReply);
  }

  push(req: PushRequest): Promise<PushReply> {
    return this.call('POST', '/api/sync/push', req, pushReply);
  }

  gallery(since: number, limit: number): Promise<GalleryReply> {
    return this.call('GET', `/api/sync/gallery?since=${since}&limit=${limit}`, undefined, galleryReply);
  }

  close(): void {
    this.#agent?.destroy();
  }

  private call<T extends z.ZodType>(method: 'GET' | 'POST', path: string, body: unknown, schema: T): Promise<z.infer<T>> {
    const url = new URL(path, this.#url);
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const headers: Record<string, string | number> = { accept: 'application/json' };
    if (payload !== undefined) Object.assign(headers, { 'content-type': 'application/json', 'content-length': payload.length });
    if (this.auth !== null) headers.authorization = bearer(this.auth.kioskId, this.auth.credential);
    const send = this.#agent === null ? httpRequest : httpsRequest;
    return new Promise((resolve, reject) => {
      const req = send(url, { method, headers, timeout: this.timeoutMs, ...(this.#agent === null ? {} : { agent: this.#agent }) }, (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', (err) => reject(new HubRequestError('unreachable', `reply from the hub broke off: ${errorMessage(err)}`)));
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          const text = Buffer.concat(chunks).toString('utf8');
          if (status === 401 || status === 403) return reject(new HubRequestError('refused', messageOf(text, 'the hub refused this kiosk'), status));
          if (status !== 200) return reject(new HubRequestError(status >= 500 || status === 429 ? 'server' : 'bad-reply', `hub answered ${status}: ${messageOf(text, 'no message')}`, status));
          try {
            resolve(schema.parse(JSON.parse(text)) as z.infer<T>);
          } catch (err) {
            reject(new HubRequestError('bad-reply', `unexpected reply from the hub: ${errorMessage(err).slice(0, 200)}`, status));
          }
        });
      });
      req.on('timeout', () => req.destroy(new Error(`no answer within ${this.timeoutMs} ms`)));
      req.on('error', (err) => reject(new HubRequestError('unreachable', `cannot reach the hub at ${this.#url.host}: ${errorMessage(err)}`)));
      req.end(payload);
    });
  }
}

function messageOf(text: string, fallback: string): string {
  try {
    const m = (JSON.parse(text) as { message?: unknown }).message;
    return typeof m === 'string' ? m : fallback;
  } catch {
    return fallback;
  }
}
