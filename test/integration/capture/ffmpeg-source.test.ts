/**
 * FfmpegSource against the real bundled ffmpeg, on clips made here with lavfi testsrc.
 * Whole file takes ~15 s on 2 cores (the 60 s clip is read as fast as ffmpeg can decode it).
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isKioskError } from '../../../src/errors.ts';
import { FfmpegSource } from '../../../src/capture/ffmpeg-source.ts';
import { captureOptions } from '../../../src/capture/options.ts';
import type { Frame, StateChange } from '../../../src/capture/types.ts';
import { childFfmpegs, isState, makeTempDir, makeTestVideo, pidAlive, sleep, waitForState } from './media.ts';

let dir = '';
let cleanup: () => Promise<void> = async () => undefined;

before(async () => {
  ({ dir, cleanup } = await makeTempDir());
  await Promise.all([
    makeTestVideo(join(dir, 'two-seconds.mp4'), { seconds: 2, fps: 15 }),
    makeTestVideo(join(dir, 'sixty-seconds.mp4'), { seconds: 60, fps: 30 }),
    makeTestVideo(join(dir, 'whole.mkv'), { seconds: 2, fps: 30 }),
  ]);
});

after(async () => {
  await cleanup();
});

function record(source: FfmpegSource): StateChange[] {
  const states: StateChange[] = [];
  source.on('state', (s) => states.push(s));
  return states;
}

describe('FfmpegSource on video files', () => {
  test('reads every frame at the configured size, in order, then ends with eof', async () => {
    const opts = captureOptions({ width: 64, height: 48, fps: 15, realtime: false, backpressure: 'pause' });
    const source = new FfmpegSource({ kind: 'file', path: join(dir, 'two-seconds.mp4') }, opts);
    const states = record(source);
    const frames: Frame[] = [];
    for await (const f of source) frames.push(f);
    assert.equal(frames.length, 30, '2 s at 15 fps');
    frames.forEach((f, i) => {
      assert.equal(f.seq, i);
      assert.equal(f.width, 64);
      assert.equal(f.height, 48);
      assert.equal(f.pixels.length, 64 * 48 * 3);
    });
    // testsrc is colourful and moving: frames are neither blank nor all identical.
    assert.ok(frames[0]?.pixels.some((b) => b > 0));
    assert.notDeepEqual(frames[0]?.pixels, frames[29]?.pixels);
    assert.deepEqual(source.counters, { framesRead: 30, framesDropped: 0, reconnects: 0 });
    assert.equal(source.state, 'ended');
    assert.equal(states.at(-1)?.code, 'eof');
    assert.deepEqual(states.map((s) => s.state), ['starting', 'running', 'ended']);
  });

  test('fps option resamples: a 30 fps clip read at 15 fps gives half the frames', async () => {
    const opts = captureOptions({ width: 32, height: 32, fps: 15, realtime: false, backpressure: 'pause', fit: 'cover' });
    const source = new FfmpegSource({ kind: 'file', path: join(dir, 'whole.mkv') }, opts);
    let n = 0;
    for await (const f of source) {
      assert.equal(f.pixels.length, 32 * 32 * 3);
      n++;
    }
    assert.equal(n, 30);
  });

  test('consumer at 200 ms/frame fed 60 s of 30 fps: slot stays bounded, drops counted, RSS growth small', async (t) => {
    const width = 320;
    const height = 240;
    const opts = captureOptions({ width, height, fps: 30, realtime: false, backpressure: 'drop' });
    const source = new FfmpegSource({ kind: 'file', path: join(dir, 'sixty-seconds.mp4') }, opts);
    const rss0 = process.memoryUsage().rss;
    let peakRss = rss0;
    let consumed = 0;
    let maxHeld = 0;
    const sample = (): void => {
      peakRss = Math.max(peakRss, process.memoryUsage().rss);
      const c = source.counters;
      // Frames neither taken nor dropped are held in the slot: at most one.
      maxHeld = Math.max(maxHeld, c.framesRead - c.framesDropped - consumed);
    };
    const sampler = setInterval(sample, 20);
    let lastSeq = -1;
    try {
      for await (const frame of source) {
        sample();
        consumed += 1;
        assert.ok(frame.seq > lastSeq);
        assert.equal(frame.pixels.length, width * height * 3);
        lastSeq = frame.seq;
        await sleep(200);
      }
    } finally {
      clearInterval(sampler);
    }
    const c = source.counters;
    const grewMb = (peakRss - rss0) / 2 ** 20;
    t.diagnostic(`slow consumer: read ${c.framesRead}, consumed ${consumed}, dropped ${c.framesDropped}, RSS +${grewMb.toFixed(1)} MB`);
    assert.equal(c.framesRead, 1800);
    assert.equal(c.framesDropped, c.framesRead - consumed);
    assert.ok(consumed >= 2 && consumed < 1800 / 6, `the slow consumer saw only some frames (${consumed})`);
    assert.ok(maxHeld <= 1, `at most one frame held (saw ${maxHeld})`);
    assert.equal(lastSeq, 1799, 'the last frame read is the last one delivered');
    // Queuing every frame would need 1800 × 225 KiB ≈ 400 MB.
    assert.ok(grewMb < 120, `RSS grew by ${grewMb.toFixed(1)} MB`);
  });

  test('a truncated file ends cleanly with a reason naming the damage', async () => {
    const whole = await readFile(join(dir, 'whole.mkv'));
    const truncated = join(dir, 'truncated.mkv');
    await writeFile(truncated, whole.subarray(0, Math.floor(whole.length * 0.6)));
    const opts = captureOptions({ width: 64, height: 48, fps: 30, realtime: false, backpressure: 'pause' });
    const source = new FfmpegSource({ kind: 'file', path: truncated }, opts);
    const states = record(source);
    let n = 0;
    for await (const _f of source) n++;
    assert.ok(n > 0 && n < 60, `some but not all 60 frames (${n})`);
    const end = states.at(-1);
    assert.equal(end?.state, 'ended');
    assert.equal(end?.code, 'eof-with-errors');
    assert.match(end?.reason ?? '', /damaged or truncated/);
    assert.deepEqual(await childFfmpegs(), []);
  });

  test('a file cut before any frame fails iteration with CAPTURE_SOURCE_INVALID and ffmpeg\'s reason', async () => {
    const whole = await readFile(join(dir, 'two-seconds.mp4'));
    const cut = join(dir, 'no-moov.mp4');
    await writeFile(cut, whole.subarray(0, 2000));
    const source = new FfmpegSource({ kind: 'file', path: cut }, captureOptions({ realtime: false }));
    const states = record(source);
    await assert.rejects(
      (async () => {
        for await (const _f of source) assert.fail('no frame expected');
      })(),
      (err) => isKioskError(err) && err.code === 'CAPTURE_SOURCE_INVALID' && /ffmpeg exited with code 1/.test(err.message) && err.hint !== '',
    );
    assert.equal(states.at(-1)?.code, 'error');
  });
});

describe('FfmpegSource as a live source', () => {
  test('killing the ffmpeg child is detected, reported and recovered; the consumer just sees a gap', async () => {
    const looped = join(dir, 'live.mp4');
    await copyFile(join(dir, 'two-seconds.mp4'), looped);
    const opts = captureOptions({ width: 64, height: 48, fps: 15, loop: true, realtime: true, backoffMinMs: 50, backoffJitter: 0 });
    const source = new FfmpegSource({ kind: 'file', path: looped }, opts);
    assert.equal(source.live, true);
    const states = record(source);
    const seqs: number[] = [];
    const consumer = (async () => {
      for await (const f of source) seqs.push(f.seq);
    })();
    await waitForState(source, isState('running'));
    const firstPid = source.childPid;
    assert.ok(firstPid);
    await sleep(300);
    const reconnected = waitForState(source, isState('running', 'reconnected'));
    process.kill(firstPid, 'SIGKILL');
    await reconnected;
    const lost = states.find((s) => s.state === 'lost');
    assert.equal(lost?.code, 'exit');
    assert.match(lost?.reason ?? '', /killed by SIGKILL/);
    assert.deepEqual(
      states.map((s) => s.state),
      ['starting', 'running', 'lost', 'reconnecting', 'running'],
    );
    assert.equal(source.counters.reconnects, 1);
    assert.notEqual(source.childPid, firstPid);
    assert.equal(pidAlive(firstPid), false);
    const before = seqs.length;
    await sleep(400);
    assert.ok(seqs.length > before, 'frames flow again after the reconnect');
    for (let i = 1; i < seqs.length; i++) assert.ok((seqs[i] as number) > (seqs[i - 1] as number));
    const secondPid = source.childPid as number;
    await source.stop();
    await consumer;
    assert.equal(pidAlive(secondPid), false);
    assert.deepEqual(await childFfmpegs(), []);
  });

  test('a frozen ffmpeg (SIGSTOP) is detected by the stall watchdog and restarted', async () => {
    const looped = join(dir, 'frozen.mp4');
    await copyFile(join(dir, 'two-seconds.mp4'), looped);
    const stallTimeoutMs = 600;
    const opts = captureOptions({ width: 64, height: 48, fps: 15, loop: true, realtime: true, stallTimeoutMs, backoffMinMs: 50 });
    const source = new FfmpegSource({ kind: 'file', path: looped }, opts);
    const consumer = (async () => {
      for await (const _f of source);
    })();
    await waitForState(source, isState('running'));
    const pid = source.childPid as number;
    const lost = waitForState(source, isState('lost'));
    const t0 = Date.now();
    process.kill(pid, 'SIGSTOP');
    const change = await lost;
    const waited = Date.now() - t0;
    assert.equal(change.code, 'stall');
    assert.ok(waited >= stallTimeoutMs - 150, `not declared lost before the timeout (${waited} ms)`);
    await waitForState(source, isState('running', 'reconnected'));
    assert.equal(pidAlive(pid), false, 'the frozen process was killed');
    await source.stop();
    await consumer;
  });

  test('stop() resolves, ends iteration and leaves no ffmpeg process', async () => {
    const opts = captureOptions({ width: 64, height: 48, fps: 15, loop: true, realtime: true });
    const source = new FfmpegSource({ kind: 'file', path: join(dir, 'two-seconds.mp4') }, opts);
    const it = source[Symbol.asyncIterator]();
    assert.equal((await it.next()).done, false);
    const pid = source.childPid as number;
    assert.ok(pidAlive(pid));
    const pending = it.next().then(() => it.next());
    await source.stop();
    assert.equal((await pending).done, true);
    assert.equal(pidAlive(pid), false);
    assert.equal(source.state, 'ended');
    assert.equal(source.lastChange?.code, 'stopped');
    assert.deepEqual(await childFfmpegs(), []);
    await source.stop(); // idempotent
  });

  test('breaking out of for-await stops the source', async () => {
    const opts = captureOptions({ width: 64, height: 48, fps: 15, loop: true, realtime: false });
    const source = new FfmpegSource({ kind: 'file', path: join(dir, 'two-seconds.mp4') }, opts);
    let n = 0;
    let pid = 0;
    for await (const _f of source) {
      pid = source.childPid ?? 0;
      if (++n === 3) break;
    }
    assert.equal(source.state, 'ended');
    assert.equal(pidAlive(pid), false);
  });

  test('an unreachable RTSP camera is retried, then given up with CAPTURE_DEVICE_LOST', async () => {
    const opts = captureOptions({ maxReconnects: 2, backoffMinMs: 20, backoffMaxMs: 40 });
    const source = new FfmpegSource({ kind: 'url', url: 'rtsp://user:secret@127.0.0.1:1/stream' }, opts);
    assert.equal(source.label, 'rtsp://***@127.0.0.1:1/stream', 'password kept out of logs');
    const states = record(source);
    await assert.rejects(
      (async () => {
        for await (const _f of source) assert.fail('no frame expected');
      })(),
      (err) => isKioskError(err) && err.code === 'CAPTURE_DEVICE_LOST',
    );
    assert.equal(states.filter((s) => s.state === 'lost').length, 3);
    assert.equal(source.counters.reconnects, 2);
    assert.equal(states.at(-1)?.code, 'gave-up');
  });

  test('a missing camera device is reported as lost with ffmpeg\'s reason', async () => {
    const opts = captureOptions({ backoffMinMs: 20 });
    const source = new FfmpegSource({ kind: 'v4l2', device: '/dev/video-does-not-exist' }, opts);
    const lost = waitForState(source, isState('lost'));
    source.start();
    const change = await lost;
    assert.equal(change.code, 'exit');
    assert.match(change.reason, /No such file or directory|Cannot open|cannot open/i);
    await source.stop();
    assert.deepEqual(await childFfmpegs(), []);
  });
});
