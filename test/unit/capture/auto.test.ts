import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { isKioskError } from '../../../src/errors.ts';
import { parseSourceSpec, resolveAutoSource, type PathKind } from '../../../src/capture/auto.ts';
import { captureOptions } from '../../../src/capture/options.ts';
import type { SourceSpec } from '../../../src/capture/types.ts';

const paths: Record<string, PathKind> = {
  [resolve('clips/door.mp4')]: 'file',
  [resolve('photos')]: 'dir',
  ['/tmp/sock']: 'other',
};
const inspect = (p: string): PathKind => paths[p] ?? 'missing';

describe('parseSourceSpec', () => {
  const table: Array<[string, SourceSpec]> = [
    ['auto', { kind: 'auto' }],
    [' AUTO ', { kind: 'auto' }],
    ['/dev/video0', { kind: 'v4l2', device: '/dev/video0' }],
    ['/dev/v4l/by-id/usb-cam-video-index0', { kind: 'v4l2', device: '/dev/v4l/by-id/usb-cam-video-index0' }],
    ['clips/door.mp4', { kind: 'file', path: resolve('clips/door.mp4') }],
    ['photos', { kind: 'folder', path: resolve('photos') }],
    ['rtsp://user:pw@10.0.0.5:554/stream1', { kind: 'url', url: 'rtsp://user:pw@10.0.0.5:554/stream1' }],
    ['http://cam.local/video.mjpg', { kind: 'url', url: 'http://cam.local/video.mjpg' }],
    ['HTTPS://cam.local/live', { kind: 'url', url: 'HTTPS://cam.local/live' }],
    ['gst:', { kind: 'gst', pipeline: '', sensorId: 0 }],
    ['gst:csi', { kind: 'gst', pipeline: '', sensorId: 0 }],
    ['gst:csi:1', { kind: 'gst', pipeline: '', sensorId: 1 }],
    ['gst:nvarguscamerasrc ! fdsink', { kind: 'gst', pipeline: 'nvarguscamerasrc ! fdsink', sensorId: 0 }],
  ];
  for (const [text, spec] of table) {
    test(`${JSON.stringify(text)} → ${spec.kind}`, () => {
      assert.deepEqual(parseSourceSpec(text, inspect), spec);
    });
  }

  const bad: Array<[string, RegExp]> = [
    ['', /empty/],
    ['   ', /empty/],
    ['ftp://host/x.mp4', /unsupported capture URL scheme "ftp/],
    ['nope.mp4', /not found/],
    ['/tmp/sock', /neither a file nor a folder/],
  ];
  for (const [text, message] of bad) {
    test(`${JSON.stringify(text)} is CAPTURE_SOURCE_INVALID with a hint`, () => {
      assert.throws(
        () => parseSourceSpec(text, inspect),
        (err) => isKioskError(err) && err.code === 'CAPTURE_SOURCE_INVALID' && message.test(err.message) && /--source/.test(err.hint),
      );
    });
  }

  test('real file system: this test file is a file, its folder a folder', () => {
    const here = new URL('.', import.meta.url).pathname;
    assert.equal(parseSourceSpec(`${here}auto.test.ts`).kind, 'file');
    assert.equal(parseSourceSpec(here).kind, 'folder');
  });
});

describe('resolveAutoSource', () => {
  const opts = captureOptions();

  test('picks the first device ffmpeg can read, probing in order and one at a time', async () => {
    const probed: string[] = [];
    let inFlight = 0;
    const spec = await resolveAutoSource(opts, {
      listDevices: () => ['/dev/video0', '/dev/video1', '/dev/video2', '/dev/video3'],
      probe: async (d) => {
        inFlight += 1;
        assert.equal(inFlight, 1);
        probed.push(d);
        await new Promise((r) => setImmediate(r));
        inFlight -= 1;
        return d === '/dev/video2' || d === '/dev/video3';
      },
    });
    assert.deepEqual(spec, { kind: 'v4l2', device: '/dev/video2' });
    assert.deepEqual(probed, ['/dev/video0', '/dev/video1', '/dev/video2']);
  });

  test('no devices: CAPTURE_SOURCE_INVALID suggesting a file or folder', async () => {
    await assert.rejects(
      resolveAutoSource(opts, { listDevices: () => [], probe: () => Promise.reject(new Error('must not probe')) }),
      (err) => isKioskError(err) && err.code === 'CAPTURE_SOURCE_INVALID' && /no \/dev\/video/.test(err.message) && /--source <video file or image folder>/.test(err.hint),
    );
  });

  test('devices that cannot be read are named in the error', async () => {
    await assert.rejects(
      resolveAutoSource(opts, { listDevices: () => ['/dev/video0', '/dev/video1'], probe: async () => false }),
      (err) => isKioskError(err) && /\/dev\/video0, \/dev\/video1/.test(err.message),
    );
  });
});
