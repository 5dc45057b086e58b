/**
 * Reconnect, stall and backpressure logic of FfmpegSource against a fake child process and a fake
 * clock: deterministic, no ffmpeg. (The real-process behaviour is in test/integration/capture.)
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import type { ChildProcess } from 'node:child_process';
import { isKioskError } from '../../../src/errors.ts';
import { FfmpegSource } from '../../../src/capture/ffmpeg-source.ts';
import { captureOptions } from '../../../src/capture/options.ts';
import type { Frame, StateChange } from '../../../src/capture/types.ts';
import { FakeTimers } from './fake-timers.ts';

const W = 16;
const H = 16;
const FRAME = W * H * 3;

class FakeChild extends EventEmitter {
  readonly stdout = new PassThrough();
  readonly stderr = new PassThrough();
  exitCode: number | null = null;
  signalCode: NodeJS.Signals | null = null;
  readonly kills: string[] = [];
  constructor(readonly pid: number) {
    super();
  }
  frames(...values: number[]): void {
    this.stdout.write(Buffer.concat(values.map((v) => Buffer.alloc(FRAME, v))));
  }
  exit(code: number, stderr = ''): void {
    if (stderr) this.stderr.write(stderr);
    this.exitCode = code;
    this.finish(code, null);
  }
  failToSpawn(): void {
    this.emit('error', Object.assign(new Error('spawn ffmpeg ENOENT'), { code: 'ENOENT' }));
    this.finish(-2, null);
  }
  kill(signal: NodeJS.Signals = 'SIGTERM'): boolean {
    this.kills.push(signal);
    this.signalCode = signal;
    this.finish(null, signal);
    return true;
  }
  private finish(code: number | null, signal: NodeJS.Signals | null): void {
    setImmediate(() => {
      this.stdout.end();
      this.stderr.end();
      setImmediate(() => this.emit('close', code, signal));
    });
  }
}

/** Let stream events, setImmediate and promise callbacks run. */
async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((r) => setImmediate(r));
}

function setup(overrides: Parameters<typeof captureOptions>[0] = {}) {
  const timers = new FakeTimers();
  const children: FakeChild[] = [];
  const states: StateChange[] = [];
  const opts = captureOptions({
    width: W,
    height: H,
    backoffMinMs: 100,
    backoffMaxMs: 1000,
    backoffJitter: 0,
    ffmpegPath: '/fake/ffmpeg',
    ...overrides,
  });
  const source = new FfmpegSource({ kind: 'v4l2', device: '/dev/video0' }, opts, {
    timers,
    spawn: () => {
      const child = new FakeChild(1000 + children.length);
      children.push(child);
      return child as unknown as ChildProcess;
    },
  });
  source.on('state', (s) => states.push(s));
  const child = (i: number): FakeChild => {
    const c = children[i];
    assert.ok(c, `child ${i} was spawned`);
    return c;
  };
  return { timers, children, states, source, child };
}

describe('FfmpegSource reconnect (fake process, fake clock)', () => {
  test('process exit on a live source: lost → reconnecting → running again, seq continues', async () => {
    const { timers, children, states, source, child } = setup();
    const it = source[Symbol.asyncIterator]();
    child(0).frames(1);
    const f0 = (await it.next()).value as Frame;
    assert.equal(f0.seq, 0);
    assert.equal(f0.pixels[0], 1);
    assert.equal(source.state, 'running');

    child(0).exit(1, '[video4linux2] ioctl(VIDIOC_DQBUF): No such device\n');
    await settle();
    assert.deepEqual(states.map((s) => `${s.state}:${s.code}`), ['starting:start', 'running:first-frame', 'lost:exit', 'reconnecting:backoff']);
    assert.match(states[2]?.reason ?? '', /exited with code 1: .*No such device/);
    assert.equal(states[3]?.attempt, 1);
    assert.equal(states[3]?.delayMs, 100);
    assert.equal(children.length, 1, 'waits out the backoff');

    timers.advance(100);
    await settle();
    assert.equal(children.length, 2);
    assert.equal(source.counters.reconnects, 1);
    child(1).frames(2);
    const f1 = (await it.next()).value as Frame;
    assert.equal(f1.seq, 1);
    assert.equal(f1.pixels[0], 2);
    assert.equal(source.state, 'running');
    assert.equal(states.at(-1)?.code, 'reconnected');
    await source.stop();
    assert.equal(source.state, 'ended');
    assert.equal(states.at(-1)?.code, 'stopped');
  });

  test('no frame for stallTimeoutMs: the hung process is killed and the loss reported', async () => {
    const { timers, children, states, source, child } = setup({ stallTimeoutMs: 2000 });
    source.start();
    child(0).frames(1);
    await settle();
    timers.advance(1500);
    child(0).frames(2);
    await settle();
    timers.advance(1999);
    assert.equal(source.state, 'running', 'the frame at 1500 ms reset the deadline');
    timers.advance(1);
    assert.equal(source.state, 'reconnecting');
    const lost = states.find((s) => s.state === 'lost');
    assert.equal(lost?.code, 'stall');
    assert.match(lost?.reason ?? '', /no frame .* for 2000 ms/);
    assert.deepEqual(child(0).kills, ['SIGKILL']);
    await settle();
    timers.advance(100);
    await settle();
    assert.equal(children.length, 2, 'respawned after the old process was gone');
    await source.stop();
  });

  test('a camera that never delivers a first frame is lost after startTimeoutMs', async () => {
    const { timers, states, source } = setup({ startTimeoutMs: 5000 });
    source.start();
    timers.advance(4999);
    assert.equal(source.state, 'starting');
    timers.advance(1);
    assert.equal(states.find((s) => s.state === 'lost')?.code, 'stall');
    assert.match(states.find((s) => s.state === 'lost')?.reason ?? '', /no first frame/);
    await source.stop();
  });

  test('backoff grows per failed attempt; gives up after maxReconnects with CAPTURE_DEVICE_LOST', async () => {
    const { timers, children, states, source, child } = setup({ maxReconnects: 3 });
    const it = source[Symbol.asyncIterator]();
    // Handle the rejection as soon as it happens (it comes while the loop below is still running).
    const outcome = it.next().then(
      () => null,
      (err: unknown) => err,
    );
    for (let i = 0; i < 4; i++) {
      child(i).failToSpawn();
      await settle();
      const last = states.at(-1);
      if (i < 3) {
        assert.equal(last?.state, 'reconnecting');
        timers.advance(last?.delayMs ?? 0);
        await settle();
      }
    }
    assert.deepEqual(
      states.filter((s) => s.state === 'reconnecting').map((s) => s.delayMs),
      [100, 200, 400],
    );
    assert.ok(states.filter((s) => s.state === 'lost').every((s) => s.code === 'spawn-error' && /ENOENT/.test(s.reason)));
    assert.equal(children.length, 4);
    assert.equal(source.state, 'ended');
    assert.equal(states.at(-1)?.code, 'gave-up');
    const err = await outcome;
    assert.ok(isKioskError(err) && err.code === 'CAPTURE_DEVICE_LOST', 'iteration fails with CAPTURE_DEVICE_LOST');
    assert.equal(source.counters.reconnects, 3);
  });

  test('stop() during the backoff cancels the retry', async () => {
    const { timers, children, states, source, child } = setup();
    source.start();
    child(0).exit(1);
    await settle();
    assert.equal(source.state, 'reconnecting');
    await source.stop();
    timers.advance(10_000);
    await settle();
    assert.equal(children.length, 1);
    assert.equal(states.at(-1)?.code, 'stopped');
  });

  test('drop mode: a burst of frames keeps only the newest, the rest counted as dropped', async () => {
    const { source, child } = setup();
    const it = source[Symbol.asyncIterator]();
    child(0).frames(1, 2, 3, 4, 5);
    await settle();
    const f = (await it.next()).value as Frame;
    assert.equal(f.seq, 4);
    assert.equal(f.pixels[0], 5);
    assert.deepEqual(source.counters, { framesRead: 5, framesDropped: 4, reconnects: 0 });
    await source.stop();
  });

  test('pause mode: reading stops while the slot is full and nothing is dropped', async () => {
    const { source, child } = setup({ backpressure: 'pause' });
    const it = source[Symbol.asyncIterator]();
    child(0).frames(1, 2, 3);
    await settle();
    assert.equal(child(0).stdout.isPaused(), true);
    const got: number[] = [];
    for (let i = 0; i < 3; i++) got.push(((await it.next()).value as Frame).pixels[0] as number);
    assert.deepEqual(got, [1, 2, 3]);
    await settle();
    assert.equal(child(0).stdout.isPaused(), false);
    assert.equal(source.counters.framesDropped, 0);
    await source.stop();
  });
});
