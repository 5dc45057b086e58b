/**
 * The fault from issue 11: the database turns read-only while the kiosk runs. The safe outcome:
 * /healthz answers 503 at once (no tick needed), the kiosk screen is told "not recording", the
 * systemd watchdog stops getting pings, admins can still read the log, and the decision made during
 * the outage is in the log once writes return.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { io as connectClient, type Socket } from 'socket.io-client';
import { healthReport, heartbeatWhileRecording } from '../../../src/cli/health.ts';
import { recordDecision } from '../../../src/cli/pipeline/decisions.ts';
import { LoopWatchdog } from '../../../src/ops/sd-notify.ts';
import { listen } from '../../../src/server/listen.ts';
import type { KioskClientToServer, KioskServerToClient, PunchPageDto, RecordingStatusDto } from '../../../src/server/protocol.ts';
import type { DurableRecorder } from '../../../src/store/durable-recorder.ts';
import { openRecorder } from '../../../src/store/store.ts';
import type { TrackDecidedEvent } from '../../../src/vote/types.ts';
import { FakeTimers } from '../../unit/capture/fake-timers.ts';
import { harness, setupAdmin } from './harness.ts';

const RETRY_MS = 2_000;
const COOLDOWN_MS = 300_000;

function decided(personId: number, name: string, at: number): TrackDecidedEvent {
  return {
    type: 'track.decided', trackId: 7, result: 'person', reason: 'majority', personId, name, similarity: 0.9,
    votes: [{ personId, name, count: 5 }], framesUsed: 6, firstSeen: at - 1500, decidedAt: at, trigger: 'window',
    evidence: { unknownCount: 0, winnerMeanSimilarity: 0.9 },
  } as unknown as TrackDecidedEvent;
}

async function eventually(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.fail(`never happened: ${what}`);
}

describe('the database turns read-only mid-run', () => {
  test('healthz 503 and "not recording" on the screen at once; the outage decision is in the log after writes return', async () => {
    let recorder: DurableRecorder | null = null;
    const loop = { healthy: () => true, camera: { state: 'running' as const }, fps: 10 };
    const h = harness({
      health: async () =>
        healthReport({ loop, backend: 'fake', descriptor: 'fused', db: h.store.db, recorder: recorder!, dataDir: '.', minFreeMb: 1, freeBytes: () => 1e12 }, h.clock.now()),
    });
    recorder = openRecorder(h.store, { journalRetryMs: RETRY_MS }, { clock: h.clock.now });
    recorder.on('state', (r) => h.kiosk.setRecording(r));
    const rec = recorder;
    const server = await listen(h.app, { host: '127.0.0.1', port: 0 });
    const screen: Socket<KioskServerToClient, KioskClientToServer> = connectClient(`${server.url}/kiosk`, { transports: ['websocket'], forceNew: true, reconnection: false });
    const seen: RecordingStatusDto[] = [];
    screen.on('recording', (r) => seen.push(r));
    try {
      const cookie = await setupAdmin(h.app);
      const tam = h.store.people.upsert({ name: 'Tâm' }).person.id;
      await eventually(() => seen.length > 0, 'the screen got the recording state');
      assert.equal(seen.at(-1)?.recording, true);
      assert.equal((await h.app.inject({ url: '/healthz' })).statusCode, 200);

      // The systemd watchdog, fed by the loop's heartbeats through the same gate `kiosk serve` uses.
      const timers = new FakeTimers(h.clock.now());
      let pings = 0;
      const watchdog = new LoopWatchdog(() => pings++, { intervalMs: 1_000, staleAfterMs: 3_000, timers });
      const heartbeat = heartbeatWhileRecording(rec, () => watchdog.markAlive());
      watchdog.start();
      heartbeat();
      timers.advance(1_000);
      assert.equal(pings, 1);

      // The fault. The first refused punch flips everything; no clock moves before the checks.
      h.store.db.pragma('query_only = ON');
      const outageAt = h.clock.now();
      const event = recordDecision(rec, 'kiosk-1', COOLDOWN_MS, decided(tam, 'Tâm', outageAt));
      h.kiosk.events.emit('decision', event);
      assert.equal(event.logged, true, 'kept in the journal: announced, and it will be in the log');

      const down = await h.app.inject({ url: '/healthz' });
      assert.equal(down.statusCode, 503);
      assert.equal(down.json().recording.ok, false);
      assert.equal(down.json().recording.pending, 1);
      assert.equal(down.json().db.writable, false);
      await eventually(() => seen.at(-1)?.recording === false, 'the screen was told it is not recording');
      assert.equal(seen.at(-1)?.pending, 1);

      // The loop keeps beating, but the watchdog hears nothing: systemd will restart the kiosk.
      for (let i = 0; i < 5; i++) {
        heartbeat();
        timers.advance(1_000);
      }
      assert.ok(watchdog.stats.skipped > 0, 'pings withheld while not recording');
      const pingsDuringOutage = pings;

      // Admins can still read (the session is not renewed, and that is fine).
      const during = await h.app.inject({ url: '/api/admin/punches?from=2024-03-01&to=2024-03-01', headers: { cookie } });
      assert.equal(during.statusCode, 200);
      assert.equal((during.json() as PunchPageDto).total, 0);

      // Writes return: the next retry replays the journal.
      h.store.db.pragma('query_only = OFF');
      h.clock.advance(RETRY_MS);
      const up = await h.app.inject({ url: '/healthz' });
      assert.equal(up.statusCode, 200);
      assert.equal(up.json().recording.ok, true);
      await eventually(() => seen.at(-1)?.recording === true, 'the screen was told recording resumed');
      const after = await h.app.inject({ url: '/api/admin/punches?from=2024-03-01&to=2024-03-01', headers: { cookie } });
      const page = after.json() as PunchPageDto;
      assert.deepEqual(page.items.map((p) => [p.personName, p.ts]), [['Tâm', outageAt]]);

      heartbeat();
      timers.advance(1_000);
      assert.ok(pings > pingsDuringOutage, 'watchdog pings resume');
      watchdog.stop();
    } finally {
      screen.disconnect();
      await h.done();
    }
  });
});
