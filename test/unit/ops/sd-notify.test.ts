import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { LoopWatchdog, loopAlive, SdNotifier, systemdIntegration, watchdogIntervalMs, type NotifyTransport } from '../../../src/ops/sd-notify.ts';
import { defaultOpsOptions } from '../../../src/ops/options.ts';
import { FakeTimers } from '../capture/fake-timers.ts';

/** Records what would go to $NOTIFY_SOCKET. */
class RecordingTransport implements NotifyTransport {
  readonly name = 'recording';
  readonly sent: string[] = [];
  fail = false;
  send(message: string): Promise<void> {
    if (this.fail) return Promise.reject(new Error('socket gone'));
    this.sent.push(message);
    return Promise.resolve();
  }
  close(): void {}
}

describe('systemd watchdog interval', () => {
  test('is half of WATCHDOG_USEC, and only for the process it names', () => {
    assert.equal(watchdogIntervalMs({ WATCHDOG_USEC: '30000000' }, 10), 15_000);
    assert.equal(watchdogIntervalMs({ WATCHDOG_USEC: '30000000', WATCHDOG_PID: '10' }, 10), 15_000);
    assert.equal(watchdogIntervalMs({ WATCHDOG_USEC: '30000000', WATCHDOG_PID: '11' }, 10), null);
    assert.equal(watchdogIntervalMs({}, 10), null);
    assert.equal(watchdogIntervalMs({ WATCHDOG_USEC: 'x' }, 10), null);
    assert.equal(watchdogIntervalMs({ WATCHDOG_USEC: '0' }, 10), null);
  });

  test('the loop is alive up to and including staleAfterMs since its last report', () => {
    assert.equal(loopAlive(1000, 0, 1000), true);
    assert.equal(loopAlive(1001, 0, 1000), false);
  });
});

describe('LoopWatchdog', () => {
  test('pings while the loop reports, stops when it stalls (so systemd restarts it), resumes when it recovers', () => {
    const timers = new FakeTimers(0);
    let pings = 0;
    const wd = new LoopWatchdog(() => pings++, { intervalMs: 500, staleAfterMs: 1200, timers });
    wd.start();
    // A healthy loop: reports every 100 ms for 3 s → a ping every 500 ms.
    for (let t = 0; t < 3000; t += 100) {
      timers.advance(100);
      wd.markAlive();
    }
    assert.equal(pings, 6);
    // The loop hangs: no more markAlive(). Pings continue only while the last report is fresh.
    timers.advance(1200);
    // Ticks at 3.5 s and 4.0 s still see a report ≤ 1.2 s old; from 4.5 s on it is stale.
    const atStall = pings;
    assert.equal(atStall, 8);
    timers.advance(10_000);
    assert.equal(pings, atStall, 'a hung loop must not be pinged for');
    assert.ok(wd.stats.skipped >= 20);
    // It recovers: pings resume at the next tick.
    wd.markAlive();
    timers.advance(500);
    assert.equal(pings, atStall + 1);
    wd.stop();
    timers.advance(5000);
    assert.equal(pings, atStall + 1);
    assert.equal(timers.scheduled, 0);
  });

  test('start() grants staleAfterMs of grace before the first report', () => {
    const timers = new FakeTimers(0);
    let pings = 0;
    const wd = new LoopWatchdog(() => pings++, { intervalMs: 100, staleAfterMs: 250, timers });
    timers.advance(10_000); // constructed long ago; start() resets the clock of life
    wd.start();
    timers.advance(1000);
    assert.equal(pings, 2);
  });
});

describe('SdNotifier', () => {
  test('outside systemd (no NOTIFY_SOCKET) every call is a no-op', async () => {
    const n = SdNotifier.fromEnv(defaultOpsOptions.watchdog, {});
    assert.equal(n.enabled, false);
    await n.ready('x');
    await n.watchdog();
  });

  test('sends the sd_notify states, one line each, and swallows a failed send', async () => {
    const t = new RecordingTransport();
    const n = new SdNotifier(t);
    await n.ready('listening on :8080\nloop started');
    await n.watchdog();
    await n.status('camera lost');
    await n.stopping();
    assert.deepEqual(t.sent, ['READY=1\nSTATUS=listening on :8080 loop started', 'WATCHDOG=1', 'STATUS=camera lost', 'STOPPING=1']);
    t.fail = true;
    await n.watchdog();
  });

  test('systemdIntegration: no watchdog without WATCHDOG_USEC, and nothing sent outside systemd', async () => {
    const s = systemdIntegration(defaultOpsOptions.watchdog, { env: {} });
    assert.equal(s.watchdog, null);
    assert.equal(s.notifier.enabled, false);
    await s.ready();
    s.markAlive();
    await s.stop();
  });
});
