/**
 * `kiosk hub-join <url> <code>`: pairs this kiosk with a hub. The hub's certificate is checked
 * before the code is sent — against the fingerprint the hub printed (`--fingerprint`) when it is
 * self-signed — and pinned for every later connection. The reply's credential and site key go into
 * the link file; the outbox is switched on with this kiosk's history in it.
 */
import { KioskError } from '../errors.ts';
import type { Store } from '../store/store.ts';
import { OutboxRepo } from '../store/outbox-repo.ts';
import { siteCipher } from '../store/site-seal.ts';
import { writeLink, type HubLink } from './link.ts';
import { checkHubUrl, fetchPeerCertificate, HubClient, HubRequestError } from './transport.ts';
import { cliActor } from '../ops/cli-actor.ts';

export interface JoinInput {
  dataDir: string;
  store: Store;
  url: string;
  code: string;
  /** SHA-256 of the hub's certificate as `kiosk hub` printed it; required for a self-signed hub. */
  fingerprint?: string;
  timeoutMs: number;
  now?: number;
}

export interface JoinResult {
  kioskId: string;
  site: string;
  /** Records of this kiosk's past queued for upload. */
  history: number;
  pinned: string | null;
}

/** "ab:CD:…" or "abcd…" → "AB:CD:…", the form node:tls reports. */
export function normalizeFingerprint(f: string): string {
  const hex = f.replace(/[^0-9a-f]/giu, '').toUpperCase();
  return hex.match(/.{2}/gu)?.join(':') ?? '';
}

export async function joinHub(input: JoinInput): Promise<JoinResult> {
  const url = checkHubUrl(input.url);
  let certPem: string | null = null;
  let fingerprint256: string | null = null;
  if (url.protocol === 'https:') {
    const peer = await fetchPeerCertificate(url.href, input.timeoutMs).catch((err: unknown) => {
      throw new KioskError('SYNC_FAILED', err instanceof Error ? err.message : String(err), { hint: 'check the hub address and that `kiosk hub` runs there' });
    });
    if (input.fingerprint !== undefined) {
      const want = normalizeFingerprint(input.fingerprint);
      if (want !== peer.fingerprint256) {
        throw new KioskError('SYNC_FAILED', `the hub's certificate (${peer.fingerprint256}) does not match --fingerprint ${want}`, {
          hint: 'someone may be between this kiosk and the hub; compare with the fingerprint `kiosk hub` logged at start',
        });
      }
      certPem = peer.pem;
      fingerprint256 = peer.fingerprint256;
    } else if (!peer.authorized) {
      throw new KioskError('SYNC_FAILED', `the hub's certificate is self-signed (SHA-256 ${peer.fingerprint256})`, {
        hint: 'pass --fingerprint with the SHA-256 the hub logged at start, after checking it matches',
      });
    }
  }
  const client = new HubClient({ url: url.href, certPem, fingerprint256 }, input.timeoutMs);
  let reply;
  try {
    reply = await client.pair(input.code);
  } catch (err) {
    if (err instanceof HubRequestError) {
      throw new KioskError('SYNC_FAILED', `pairing failed: ${err.message}`, {
        hint: err.kind === 'refused' ? 'make a new code on the hub: `kiosk hub pair-code <kiosk>`' : 'check the hub address and that `kiosk hub` runs there',
      });
    }
    throw err;
  } finally {
    client.close();
  }
  const now = input.now ?? Date.now();
  const link: HubLink = { hubUrl: url.href, kioskId: reply.kioskId, site: reply.site, credential: reply.credential, siteKey: reply.siteKey, certPem, fingerprint256, joinedAt: now };
  siteCipher(link.siteKey);
  writeLink(input.dataDir, link);
  const outbox = new OutboxRepo(input.store.db, input.store.people);
  const { history } = outbox.enable(now);
  input.store.audit.write({ ts: now, actor: cliActor(), action: 'hub.join', target: `hub:${url.host}`, details: { kioskId: reply.kioskId, site: reply.site, history } });
  return { kioskId: reply.kioskId, site: reply.site, history, pinned: fingerprint256 };
}
