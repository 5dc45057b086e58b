import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { isKioskError } from '../../../src/errors.ts';
import {
  buildCaptureCommand,
  buildFfmpegArgs,
  buildGstArgs,
  buildGstPipeline,
  buildVideoFilter,
  splitPipeline,
} from '../../../src/capture/ffmpeg-args.ts';
import { captureOptions } from '../../../src/capture/options.ts';

/** Value following `flag` in an argument list. */
function after(args: string[], flag: string): string | undefined {
  const i = args.indexOf(flag);
  return i < 0 ? undefined : args[i + 1];
}

describe('buildFfmpegArgs', () => {
  test('V4L2 camera: format, size and rate go before -i; raw RGB24 to stdout', () => {
    const args = buildFfmpegArgs({ kind: 'v4l2', device: '/dev/video2' }, captureOptions({ inputFormat: 'mjpeg' }));
    const i = args.indexOf('-i');
    assert.equal(args[i + 1], '/dev/video2');
    assert.equal(after(args, '-f'), 'v4l2');
    assert.equal(after(args, '-input_format'), 'mjpeg');
    assert.equal(after(args, '-video_size'), '640x480');
    assert.equal(after(args, '-framerate'), '15');
    assert.ok(args.indexOf('-input_format') < i && args.indexOf('-video_size') < i);
    assert.deepEqual(args.slice(-5), ['-pix_fmt', 'rgb24', '-f', 'rawvideo', 'pipe:1']);
    assert.ok(args.includes('-nostdin'));
  });

  test('raw input format is YUYV; auto leaves the driver default; capture size can differ from output', () => {
    const raw = buildFfmpegArgs({ kind: 'v4l2', device: '/dev/video0' }, captureOptions({ inputFormat: 'raw', captureWidth: 1280, captureHeight: 720 }));
    assert.equal(after(raw, '-input_format'), 'yuyv422');
    assert.equal(after(raw, '-video_size'), '1280x720');
    assert.match(after(raw, '-vf') ?? '', /scale=640:480/);
    const auto = buildFfmpegArgs({ kind: 'v4l2', device: '/dev/video0' }, captureOptions({ inputFormat: 'auto' }));
    assert.equal(auto.includes('-input_format'), false);
  });

  test('file: -re and -stream_loop only when asked, path protected with file:', () => {
    const plain = buildFfmpegArgs({ kind: 'file', path: '/v/a:b.mp4' }, captureOptions({ realtime: false, loop: false }));
    assert.equal(plain.includes('-re'), false);
    assert.equal(plain.includes('-stream_loop'), false);
    assert.equal(after(plain, '-i'), 'file:/v/a:b.mp4');
    const live = buildFfmpegArgs({ kind: 'file', path: '/v/a.mp4' }, captureOptions({ realtime: true, loop: true }));
    const i = live.indexOf('-i');
    assert.ok(live.indexOf('-re') >= 0 && live.indexOf('-re') < i);
    assert.equal(after(live, '-stream_loop'), '-1');
    assert.ok(live.indexOf('-stream_loop') < i);
  });

  test('RTSP gets the configured transport; HTTP does not', () => {
    const rtsp = buildFfmpegArgs({ kind: 'url', url: 'rtsp://cam/stream' }, captureOptions({ rtspTransport: 'udp' }));
    assert.equal(after(rtsp, '-rtsp_transport'), 'udp');
    assert.equal(after(rtsp, '-i'), 'rtsp://cam/stream');
    const http = buildFfmpegArgs({ kind: 'url', url: 'http://cam/video.mjpg' }, captureOptions());
    assert.equal(http.includes('-rtsp_transport'), false);
    assert.equal(after(http, '-i'), 'http://cam/video.mjpg');
  });
});

describe('buildVideoFilter', () => {
  test('contain letterboxes, cover crops, fill stretches; all resample fps and end in RGB24', () => {
    const base = { width: 640, height: 480, fps: 15 };
    const contain = buildVideoFilter({ ...base, fit: 'contain' });
    assert.match(contain, /^fps=15,/);
    assert.match(contain, /force_original_aspect_ratio=decrease/);
    assert.match(contain, /pad=640:480/);
    const cover = buildVideoFilter({ ...base, fit: 'cover' });
    assert.match(cover, /force_original_aspect_ratio=increase/);
    assert.match(cover, /crop=640:480/);
    const fill = buildVideoFilter({ ...base, fit: 'fill' });
    assert.match(fill, /scale=640:480,/);
    assert.doesNotMatch(fill, /pad|crop|force_original/);
    for (const f of [contain, cover, fill]) assert.match(f, /format=rgb24/);
  });
});

describe('GStreamer (Jetson CSI)', () => {
  test('empty pipeline builds the nvarguscamerasrc chain ending in RGB on fd 1', () => {
    const p = buildGstPipeline({ pipeline: '', sensorId: 1 }, captureOptions({ width: 640, height: 480, fps: 30 }));
    assert.match(p, /^nvarguscamerasrc sensor-id=1 ! video\/x-raw\(memory:NVMM\),width=640,height=480,framerate=30\/1 ! nvvidconv/);
    assert.match(p, /video\/x-raw,format=RGB ! fdsink fd=1$/);
  });

  test('fractional fps is a GStreamer fraction', () => {
    const p = buildGstPipeline({ pipeline: '', sensorId: 0 }, captureOptions({ fps: 7.5 }));
    assert.match(p, /framerate=7500\/1000/);
  });

  test('a pipeline without fdsink is a source and gets the RGB conversion tail', () => {
    const p = buildGstPipeline({ pipeline: 'v4l2src device=/dev/video0', sensorId: 0 }, captureOptions({ width: 320, height: 240, fps: 10 }));
    assert.match(p, /^v4l2src device=\/dev\/video0 ! videoconvert ! videoscale ! videorate ! video\/x-raw,format=RGB,width=320,height=240,framerate=10\/1/);
    assert.match(p, /fdsink fd=1$/);
  });

  test('a pipeline with fdsink is used as given', () => {
    const given = 'nvarguscamerasrc ! nvvidconv ! video/x-raw,format=BGRx ! videoconvert ! video/x-raw,format=RGB ! fdsink';
    assert.equal(buildGstPipeline({ pipeline: given, sensorId: 0 }, captureOptions()), given);
  });

  test('width not divisible by 4 is refused (GStreamer would pad RGB rows)', () => {
    assert.throws(
      () => buildGstPipeline({ pipeline: '', sensorId: 0 }, captureOptions({ width: 642 })),
      (err) => isKioskError(err) && err.code === 'CAPTURE_SOURCE_INVALID' && /divisible by 4/.test(err.message),
    );
  });

  test('argv: -q first (no progress text on stdout), one element per token, caps with parentheses intact', () => {
    const cmd = buildCaptureCommand({ kind: 'gst', pipeline: '', sensorId: 0 }, captureOptions({ gstLaunchPath: '/usr/bin/gst-launch-1.0' }), '/ignored/ffmpeg');
    assert.equal(cmd.command, '/usr/bin/gst-launch-1.0');
    assert.equal(cmd.args[0], '-q');
    assert.equal(cmd.args[1], 'nvarguscamerasrc');
    assert.equal(cmd.args[2], 'sensor-id=0');
    assert.equal(cmd.args[3], '!');
    assert.equal(cmd.args[4], 'video/x-raw(memory:NVMM),width=640,height=480,framerate=15/1');
    assert.deepEqual(cmd.args.slice(-3), ['!', 'fdsink', 'fd=1']);
    assert.equal(cmd.args.some((a) => /\s/.test(a)), false);
  });

  test('ffmpeg inputs run the given ffmpeg binary', () => {
    const cmd = buildCaptureCommand({ kind: 'file', path: '/x.mp4' }, captureOptions(), '/opt/ffmpeg');
    assert.equal(cmd.command, '/opt/ffmpeg');
    assert.deepEqual(buildGstArgs({ pipeline: 'a ! fdsink', sensorId: 0 }, captureOptions()), ['-q', 'a', '!', 'fdsink']);
  });
});

describe('splitPipeline', () => {
  const table: Array<[string, string[]]> = [
    ['a ! b', ['a', '!', 'b']],
    ['  a   !\tb  ', ['a', '!', 'b']],
    ["src ! 'video/x-raw, width=640' ! sink", ['src', '!', 'video/x-raw, width=640', '!', 'sink']],
    ['src ! "caps=a b" ! sink', ['src', '!', 'caps=a b', '!', 'sink']],
    ['src name=my\\ src', ['src', 'name=my src']],
    ['x ""', ['x', '']],
    ['', []],
  ];
  for (const [text, tokens] of table) {
    test(`${JSON.stringify(text)} → ${JSON.stringify(tokens)}`, () => {
      assert.deepEqual(splitPipeline(text), tokens);
    });
  }

  test('an unbalanced quote is an error', () => {
    assert.throws(() => splitPipeline("a ! 'b"), (err) => isKioskError(err) && err.code === 'CAPTURE_SOURCE_INVALID');
  });
});
