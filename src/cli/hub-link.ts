/**
 * The sync agent seen through the server's HubLinkPort: the admin pages, their socket feed and
 * /healthz read a joined kiosk's link through this, so the server never imports the sync agent.
 */
import { errorMessage } from '../errors.ts';
import type { Logger } from '../log.ts';
import type { HubLinkPort } from '../server/ports.ts';
import type { HubLinkDto } from '../server/protocol.ts';
import type { SyncStatus } from '../sync/agent.ts';
import type { JoinedHub } from '../sync/start.ts';

/** What the port needs of the agent (a structural slice, so tests pass a fake). */
export interface SyncStatusSource {
  status(): SyncStatus;
  on(event: 'status', listener: (s: SyncStatus) => void): unknown;
  off(event: 'status', listener: (s: SyncStatus) => void): unknown;
  on(event: 'records', listener: () => void): unknown;
  off(event: 'records', listener: () => void): unknown;
}

export function hubLinkOf(s: SyncStatus, hub: JoinedHub, maxSkewMs: number): HubLinkDto {
  return {
    hubUrl: hub.hubUrl,
    kioskId: hub.kioskId,
    site: hub.site,
    state: s.state,
    lastSuccessAt: s.lastSuccessAt,
    lastError: s.lastError,
    failures: s.failures,
    outboxDepth: s.outboxDepth,
    clock: s.clock,
    maxSkewMs,
  };
}

export function hubLinkPort(agent: SyncStatusSource, hub: JoinedHub, maxSkewMs: number, logger: Logger): HubLinkPort {
  return {
    status: () => hubLinkOf(agent.status(), hub, maxSkewMs),
    onStatus: (listener) => {
      // The agent emits from its loop: a failing listener must not stop the sync loop.
      const on = (s: SyncStatus): void => {
        try {
          listener(hubLinkOf(s, hub, maxSkewMs));
        } catch (err) {
          logger.warn({ err: errorMessage(err) }, 'passing the hub link status to the admin pages failed');
        }
      };
      agent.on('status', on);
      return () => void agent.off('status', on);
    },
    onRecordsChanged: (listener) => {
      const on = (): void => {
        try {
          listener();
        } catch (err) {
          logger.warn({ err: errorMessage(err) }, 'telling the admin pages about the hub\'s changes failed');
        }
      };
      agent.on('records', on);
      return () => void agent.off('records', on);
    },
  };
}
