/**
 * Pure command-line building for the capture child process: ffmpeg for cameras, files and streams,
 * gst-launch-1.0 for Jetson CSI cameras. Both write packed RGB24 frames of exactly width×height to stdout.
 */
import { KioskError } from '../errors.ts';
import type { CaptureOptions } from './options.ts';

/** Inputs read through a child process (everything but image folders). */
export type ProcessInput =
  | { kind: 'v4l2'; device: string }
  | { kind: 'file'; path: string }
  | { kind: 'url'; url: string }
  | { kind: 'gst'; pipeline: string; sensorId: number };

export interface ProcessCommand {
  command: string;
  args: string[];
}

type ArgOptions = Pick<
  CaptureOptions,
  'width' | 'height' | 'fps' | 'fit' | 'inputFormat' | 'captureWidth' | 'captureHeight' | 'loop' | 'realtime' | 'rtspTransport'
>;

/** ffmpeg filter chain: resample to `fps`, fit into width×height, convert to RGB24. */
export function buildVideoFilter(opts: Pick<CaptureOptions, 'width' | 'height' | 'fps' | 'fit'>): string {
  const { width: w, height: h } = opts;
  const steps = [`fps=${opts.fps}`];
  switch (opts.fit) {
    case 'contain':
      // Convert before padding: pad on subsampled YUV would need even offsets.
      steps.push(`scale=${w}:${h}:force_original_aspect_ratio=decrease`, 'format=rgb24', `pad=${w}:${h}:(ow-iw)/2:(oh-ih)/2:black`);
      break;
    case 'cover':
      steps.push(`scale=${w}:${h}:force_original_aspect_ratio=increase`, `crop=${w}:${h}`, 'format=rgb24');
      break;
    case 'fill':
      steps.push(`scale=${w}:${h}`, 'format=rgb24');
      break;
  }
  steps.push('setsar=1');
  return steps.join(',');
}

function inputArgs(input: Exclude<ProcessInput, { kind: 'gst' }>, opts: ArgOptions): string[] {
  switch (input.kind) {
    case 'v4l2': {
      const args = ['-f', 'v4l2'];
      if (opts.inputFormat !== 'auto') args.push('-input_format', opts.inputFormat === 'mjpeg' ? 'mjpeg' : 'yuyv422');
      const cw = opts.captureWidth ?? opts.width;
      const ch = opts.captureHeight ?? opts.height;
      args.push('-video_size', `${cw}x${ch}`, '-framerate', String(opts.fps), '-i', input.device);
      return args;
    }
    case 'file': {
      const args: string[] = [];
      if (opts.realtime) args.push('-re');
      if (opts.loop) args.push('-stream_loop', '-1');
      // `file:` stops ffmpeg reading "a:b.mp4" as protocol "a".
      args.push('-i', `file:${input.path}`);
      return args;
    }
    case 'url': {
      const args: string[] = [];
      if (/^rtsps?:/i.test(input.url)) args.push('-rtsp_transport', opts.rtspTransport);
      // Live streams: hand frames on as soon as they decode rather than buffering for smoothness.
      args.push('-fflags', 'nobuffer', '-flags', 'low_delay', '-i', input.url);
      return args;
    }
  }
}

/** Arguments for ffmpeg reading `input` and writing raw RGB24 frames to stdout. */
export function buildFfmpegArgs(input: Exclude<ProcessInput, { kind: 'gst' }>, opts: ArgOptions): string[] {
  return [
    '-hide_banner',
    '-nostdin',
    '-loglevel',
    'error',
    ...inputArgs(input, opts),
    '-an',
    '-sn',
    '-dn',
    '-vf',
    buildVideoFilter(opts),
    '-pix_fmt',
    'rgb24',
    '-f',
    'rawvideo',
    'pipe:1',
  ];
}

function gstFraction(fps: number): string {
  return Number.isInteger(fps) ? `${fps}/1` : `${Math.round(fps * 1000)}/1000`;
}

/**
 * The full GStreamer pipeline text. Empty `pipeline`: the standard Jetson CSI chain (nvarguscamerasrc →
 * nvvidconv → videoconvert → RGB). A pipeline that already contains `fdsink` is used as given (it must
 * produce RGB at width×height); any other is treated as a source and gets the RGB conversion tail.
 */
export function buildGstPipeline(input: { pipeline: string; sensorId: number }, opts: ArgOptions): string {
  const { width: w, height: h } = opts;
  // GStreamer pads RGB rows to a multiple of 4 bytes; rows of width*3 bytes are only unpadded when width % 4 == 0.
  if (w % 4 !== 0) {
    throw new KioskError('CAPTURE_SOURCE_INVALID', `GStreamer RGB output needs a width divisible by 4, got ${w}`, {
      hint: 'set capture width to a multiple of 4 (e.g. 640)',
      context: { width: w },
    });
  }
  const rate = gstFraction(opts.fps);
  const pipeline = input.pipeline.trim();
  if (pipeline === '') {
    const cw = opts.captureWidth ?? w;
    const ch = opts.captureHeight ?? h;
    return [
      `nvarguscamerasrc sensor-id=${input.sensorId}`,
      `video/x-raw(memory:NVMM),width=${cw},height=${ch},framerate=${rate}`,
      'nvvidconv',
      `video/x-raw,width=${w},height=${h},format=BGRx`,
      'videoconvert',
      'video/x-raw,format=RGB',
      'fdsink fd=1',
    ].join(' ! ');
  }
  if (/\bfdsink\b/.test(pipeline)) return pipeline;
  return `${pipeline} ! videoconvert ! videoscale ! videorate ! video/x-raw,format=RGB,width=${w},height=${h},framerate=${rate},pixel-aspect-ratio=1/1 ! fdsink fd=1`;
}

/**
 * Split a pipeline like a POSIX shell would (whitespace separates, quotes group and are removed,
 * backslash escapes). gst-launch re-joins its argv itself and escapes spaces inside each argument,
 * so the whole pipeline passed as one argument would not parse.
 */
export function splitPipeline(text: string): string[] {
  const out: string[] = [];
  let cur = '';
  let inToken = false;
  let quote: '"' | "'" | null = null;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (quote) {
      if (c === quote) quote = null;
      else if (c === '\\' && quote === '"' && (text[i + 1] === '"' || text[i + 1] === '\\')) cur += text[++i];
      else cur += c;
      continue;
    }
    if (c === '"' || c === "'") {
      quote = c;
      inToken = true;
    } else if (c === '\\' && i + 1 < text.length) {
      cur += text[++i];
      inToken = true;
    } else if (/\s/.test(c)) {
      if (inToken) out.push(cur);
      cur = '';
      inToken = false;
    } else {
      cur += c;
      inToken = true;
    }
  }
  if (quote) {
    throw new KioskError('CAPTURE_SOURCE_INVALID', 'unbalanced quote in GStreamer pipeline', { context: { pipeline: text } });
  }
  if (inToken) out.push(cur);
  return out;
}

/** `-q` keeps gst-launch's progress messages off stdout, where they would corrupt the frames. */
export function buildGstArgs(input: { pipeline: string; sensorId: number }, opts: ArgOptions): string[] {
  return ['-q', ...splitPipeline(buildGstPipeline(input, opts))];
}

/** The child process to run for `input`. */
export function buildCaptureCommand(
  input: ProcessInput,
  opts: ArgOptions & { gstLaunchPath: string },
  ffmpegPath: string,
): ProcessCommand {
  if (input.kind === 'gst') return { command: opts.gstLaunchPath, args: buildGstArgs(input, opts) };
  return { command: ffmpegPath, args: buildFfmpegArgs(input, opts) };
}
