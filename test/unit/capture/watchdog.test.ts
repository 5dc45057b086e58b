import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { Watchdog } from '../../../src/capture/watchdog.ts';
import { FakeTimers } from './fake-timers.ts';

describe('Watchdog', () => {
  test('fires once when nothing arrives within the timeout', () => {
    const timers = new FakeTimers();
    const stalls: number[] = [];
    const dog = new Watchdog((ms) => stalls.push(ms), timers);
    dog.arm(2000);
    timers.advance(1999);
    assert.deepEqual(stalls, []);
    timers.advance(1);
    assert.deepEqual(stalls, [2000]);
    assert.equal(dog.armed, false);
    timers.advance(10_000);
    assert.equal(stalls.length, 1, 'does not fire again until re-armed');
  });

  test('kicks push the deadline back, measured from the last kick', () => {
    const timers = new FakeTimers();
    const stalls: number[] = [];
    const dog = new Watchdog((ms) => stalls.push(ms), timers);
    dog.arm(2000);
    for (let i = 0; i < 100; i++) {
      timers.advance(66);
      dog.kick();
    }
    assert.deepEqual(stalls, []);
    assert.equal(timers.scheduled, 1, 'one timer, whatever the frame rate');
    const lastKick = timers.now();
    timers.advance(2500);
    assert.deepEqual(stalls, [2000]);
    assert.ok(timers.now() - lastKick >= 2000);
  });

  test('disarm() cancels; re-arming uses the new timeout', () => {
    const timers = new FakeTimers();
    const stalls: number[] = [];
    const dog = new Watchdog((ms) => stalls.push(ms), timers);
    dog.arm(500);
    dog.disarm();
    timers.advance(5000);
    assert.deepEqual(stalls, []);
    dog.arm(10_000);
    timers.advance(9_999);
    dog.arm(300);
    timers.advance(300);
    assert.deepEqual(stalls, [300]);
  });
});
