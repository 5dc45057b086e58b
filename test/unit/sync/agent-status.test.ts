/**
 * The sync agent's status feeds /healthz and the admin page, so it must never throw; and a wall clock
 * set after the last exchange must not keep saying "synchronised". A hub stand-in answers pushes.
 */
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import type { PushReply, PushRequest } from '../../../src/hub/protocol.ts';
import { SyncAgent } from '../../../src/sync/agent.ts';
import { defaultSyncOptions } from '../../../src/sync/options.ts';
import { HubClient } from '../../../src/sync/transport.ts';
import { OutboxRepo } from '../../../src/store/outbox-repo.ts';
import { DescriptorCipher } from '../../../src/store/crypto.ts';
import { fakeSyncClock, testKiosk } from '../../helpers/hub.ts';

/** Answers every push with the hub's clock `offsetMs` away from the kiosk's, gallery up to date. */
class StandInHub extends HubClient {
  constructor(private readonly offsetMs: number) {
    super({ url: 'http://127.0.0.1:9', certPem: null, fingerprint256: null }, 1_000);
  }
  override async push(req: PushRequest): Promise<PushReply> {
    return { acked: req.records.map((r) => r.id), hubTime: req.wallMs - this.offsetMs, clock: { offsetMs: this.offsetMs, skewed: false }, galleryRev: 0 };
  }
}

/** An outbox whose reads fail on demand (a disk gone read-only or corrupt under the kiosk). */
class FailingOutbox extends OutboxRepo {
  failing = false;
  override depth(): { records: number; oldestWallMs: number | null } {
    if (this.failing) throw new Error('SQLITE_IOERR: disk I/O error');
    return super.depth();
  }
}

describe('sync agent status', () => {
  const clock = fakeSyncClock(1_800_000_000_000, 60_000, 'boot-a');
  const k = testKiosk(clock);
  after(() => k.close());
  const outbox = new FailingOutbox(k.store.db, k.store.people);
  outbox.enable(clock.wallMs());
  const agent = new SyncAgent({ db: k.store.db, people: k.store.people, attendance: k.store.attendance, shifts: k.store.shifts, outbox, client: new StandInHub(2_000), site: new DescriptorCipher(Buffer.alloc(32, 7)), options: defaultSyncOptions, clock });

  test('synchronised after an exchange; a wall clock set an hour ahead since then is reported skewed', async () => {
    assert.deepEqual(agent.status().clock, { state: 'not-synchronised', reason: 'hub-not-reached-since-boot' });
    await agent.syncOnce();
    assert.deepEqual(agent.status().clock, { state: 'synchronised', offsetMs: 2_000 });
    assert.equal(agent.status().lastSuccessAt, clock.wallMs(), 'a direct exchange counts as a success too');
    clock.advance(30_000);
    assert.deepEqual(agent.status().clock, { state: 'synchronised', offsetMs: 2_000 }, 'time passing moves both clocks');
    clock.setWall(clock.wallMs() + 3_600_000);
    assert.deepEqual(agent.status().clock, { state: 'not-synchronised', reason: 'skewed', offsetMs: 3_602_000 });
  });

  test('an unreadable outbox gives the last figures and says why, never throws', () => {
    const before = agent.status();
    outbox.failing = true;
    const s = agent.status();
    outbox.failing = false;
    assert.equal(s.outboxDepth, before.outboxDepth);
    assert.match(s.lastError ?? '', /^cannot read the outbox: SQLITE_IOERR/u);
  });
});
