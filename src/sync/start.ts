/** The sync agent of a joined kiosk, from its link file; null for a kiosk that never joined a hub (single-kiosk mode). */
import { silentLogger, type Logger } from '../log.ts';
import { OutboxRepo } from '../store/outbox-repo.ts';
import { siteCipher } from '../store/site-seal.ts';
import type { SyncClock } from '../store/sql-functions.ts';
import type { Store } from '../store/store.ts';
import { SyncAgent } from './agent.ts';
import { readLink } from './link.ts';
import type { SyncOptions } from './options.ts';
import { HubClient } from './transport.ts';

export function syncAgentFor(store: Store, dataDir: string, options: SyncOptions, logger: Logger = silentLogger, clock?: SyncClock): SyncAgent | null {
  return joinedSync(store, dataDir, options, logger, clock)?.agent ?? null;
}

/** Where a joined kiosk syncs to and as whom (what its admin pages show). */
export interface JoinedHub {
  hubUrl: string;
  kioskId: string;
  site: string;
}

/** The sync agent and the hub it talks to; null for a kiosk that never joined a hub. */
export function joinedSync(store: Store, dataDir: string, options: SyncOptions, logger: Logger = silentLogger, clock?: SyncClock): { agent: SyncAgent; hub: JoinedHub } | null {
  const link = readLink(dataDir);
  if (link === null) return null;
  const outbox = new OutboxRepo(store.db, store.people);
  // A link without the outbox on (a join interrupted between the two): turn it on now.
  outbox.enable(Date.now());
  const hubUrl = options.hubUrl ?? link.hubUrl;
  const client = new HubClient({ url: hubUrl, certPem: link.certPem, fingerprint256: link.fingerprint256 }, options.requestTimeoutMs, {
    kioskId: link.kioskId,
    credential: link.credential,
  });
  logger.info({ hub: hubUrl, kioskId: link.kioskId, site: link.site }, 'joined to a hub: syncing');
  const agent = new SyncAgent({ db: store.db, people: store.people, attendance: store.attendance, shifts: store.shifts, outbox, client, site: siteCipher(link.siteKey), options, logger, ...(clock === undefined ? {} : { clock }) });
  return { agent, hub: { hubUrl, kioskId: link.kioskId, site: link.site } };
}
