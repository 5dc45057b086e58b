/** The sync agent seen through the server's HubLinkPort, and what /healthz makes of it. */
import { EventEmitter } from 'node:events';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { hubHealth } from '../../../src/cli/health.ts';
import { hubLinkOf, hubLinkPort } from '../../../src/cli/hub-link.ts';
import { silentLogger } from '../../../src/log.ts';
import type { HubLinkDto } from '../../../src/server/protocol.ts';
import type { SyncStatus } from '../../../src/sync/agent.ts';
import { clockStatus } from '../../../src/sync/backoff.ts';

const HUB = { hubUrl: 'https://hub.example:8090', kioskId: 'door-2', site: 'depot' };
const MAX_SKEW_MS = 120_000;

function syncStatus(over: Partial<SyncStatus> = {}): SyncStatus {
  return { state: 'idle', lastSuccessAt: 1_700_000_000_000, lastError: null, failures: 0, outboxDepth: 5, cursor: 31, clock: clockStatus({ offsetMs: 900, bootId: 'b1' }, 'b1', MAX_SKEW_MS), ...over };
}

/** The agent's status events, as SyncAgent emits them after each exchange. */
class FakeAgent extends EventEmitter<{ status: [SyncStatus]; records: [] }> {
  current = syncStatus();
  status(): SyncStatus {
    return this.current;
  }
}

describe('hub link port', () => {
  test('maps the agent\'s status with the hub it is joined to; the gallery cursor stays behind', () => {
    const skewed = clockStatus({ offsetMs: -300_000, bootId: 'b1' }, 'b1', MAX_SKEW_MS);
    const dto = hubLinkOf(syncStatus({ state: 'backing-off', failures: 2, lastError: 'timeout', clock: skewed }), HUB, MAX_SKEW_MS);
    assert.deepEqual(dto, {
      ...HUB, state: 'backing-off', lastSuccessAt: 1_700_000_000_000, lastError: 'timeout', failures: 2, outboxDepth: 5,
      clock: { state: 'not-synchronised', reason: 'skewed', offsetMs: -300_000 }, maxSkewMs: MAX_SKEW_MS,
    });
    assert.equal('cursor' in dto, false);
    // Another boot than the one the hub measured: not confirmed.
    assert.deepEqual(hubLinkOf(syncStatus({ clock: clockStatus({ offsetMs: 0, bootId: 'b1' }, 'b2', MAX_SKEW_MS) }), HUB, MAX_SKEW_MS).clock, { state: 'not-synchronised', reason: 'hub-not-reached-since-boot' });
  });

  test('listeners get each status the agent emits until detached; a throwing listener never reaches the agent\'s loop', () => {
    const agent = new FakeAgent();
    const port = hubLinkPort(agent, HUB, MAX_SKEW_MS, silentLogger);
    assert.equal(port.status().outboxDepth, 5);
    const seen: HubLinkDto[] = [];
    const off = port.onStatus((s) => seen.push(s));
    const offBroken = port.onStatus(() => {
      throw new Error('socket gone');
    });
    assert.doesNotThrow(() => agent.emit('status', syncStatus({ outboxDepth: 9 })));
    assert.deepEqual(seen.map((s) => s.outboxDepth), [9]);
    off();
    offBroken();
    agent.emit('status', syncStatus({ outboxDepth: 10 }));
    assert.equal(seen.length, 1);
    assert.equal(agent.listenerCount('status'), 0);
  });

  test('records-changed listeners run on each of the agent\'s "records" events until detached; a throwing one never reaches the agent', () => {
    const agent = new FakeAgent();
    const port = hubLinkPort(agent, HUB, MAX_SKEW_MS, silentLogger);
    let told = 0;
    const off = port.onRecordsChanged(() => told++);
    const offBroken = port.onRecordsChanged(() => {
      throw new Error('socket gone');
    });
    assert.doesNotThrow(() => agent.emit('records'));
    assert.equal(told, 1);
    off();
    offBroken();
    agent.emit('records');
    assert.equal(told, 1);
    assert.equal(agent.listenerCount('records'), 0);
  });

  test('health: ok only while the clock is synchronised and the last exchange succeeded', () => {
    const link = (over: Partial<SyncStatus>): HubLinkDto => hubLinkOf(syncStatus(over), HUB, MAX_SKEW_MS);
    const table: [string, HubLinkDto, ReturnType<typeof hubHealth>][] = [
      ['all well', link({}), { ok: true, clock: 'synchronised', offsetMs: 900, link: 'idle', outboxDepth: 5, lastSuccessAt: 1_700_000_000_000 }],
      ['skewed', link({ clock: clockStatus({ offsetMs: 200_000, bootId: 'b' }, 'b', MAX_SKEW_MS) }), { ok: false, clock: 'skewed', offsetMs: 200_000, link: 'idle', outboxDepth: 5, lastSuccessAt: 1_700_000_000_000 }],
      ['not reached since boot', link({ lastSuccessAt: null, clock: clockStatus(null, 'b', MAX_SKEW_MS) }), { ok: false, clock: 'unconfirmed', offsetMs: null, link: 'idle', outboxDepth: 5, lastSuccessAt: null }],
      ['unreachable now', link({ state: 'backing-off', failures: 3 }), { ok: false, clock: 'synchronised', offsetMs: 900, link: 'backing-off', outboxDepth: 5, lastSuccessAt: 1_700_000_000_000 }],
      ['refused', link({ state: 'refused' }), { ok: false, clock: 'synchronised', offsetMs: 900, link: 'refused', outboxDepth: 5, lastSuccessAt: 1_700_000_000_000 }],
    ];
    for (const [name, input, expected] of table) assert.deepEqual(hubHealth(input), expected, name);
  });
});
