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
  const link = readLink(dataDir);
  if (link === null) return null;
  const outbox = new OutboxRepo(store.db, store.people);
  // A link without the outbox on (a join interrupted between the two): turn it on now.
  outbox.enable(Date.now());
  const client = new HubClient({ url: options.hubUrl ?? link.hubUrl, certPem: link.certPem, fingerprint256: link.fingerprint256 }, options.requestTimeoutMs, {
    kioskId: link.kioskId,
    credential: link.credential,
  });
  logger.info({ hub: options.hubUrl ?? link.hubUrl, kioskId: link.kioskId, site: link.site }, 'joined to a hub: syncing');
  return new SyncAgent({ db: store.db, people: store.people, outbox, client, site: siteCipher(link.siteKey), options, logger, ...(clock === undefined ? {} : { clock }) });
}
