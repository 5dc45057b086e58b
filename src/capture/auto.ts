/**
 * `--source` strings → typed source descriptions, and `auto`: the first /dev/video* that ffmpeg can
 * actually read a frame from (a USB camera exposes metadata nodes too, which cannot be opened).
 */
import { spawn } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { KioskError } from '../errors.ts';
import { resolveFfmpegPath } from './ffmpeg-path.ts';
import type { CaptureOptions } from './options.ts';
import type { SourceSpec } from './types.ts';

export type PathKind = 'file' | 'dir' | 'missing' | 'other';

function inspectPath(path: string): PathKind {
  try {
    const st = statSync(path);
    if (st.isFile()) return 'file';
    if (st.isDirectory()) return 'dir';
    return 'other';
  } catch {
    return 'missing';
  }
}

const SOURCE_HINT = 'use --source auto, /dev/videoN, <video file>, <image folder>, rtsp://…, http(s)://… or gst:<pipeline>';

/**
 * Parse a CLI source string. `gst:` alone or `gst:csi[:N]` is the default Jetson CSI pipeline for sensor N;
 * any other text after `gst:` is a pipeline. Files and folders must exist; devices need not (a camera
 * may be plugged in later, and the source retries).
 */
export function parseSourceSpec(spec: string, inspect: (path: string) => PathKind = inspectPath): SourceSpec {
  const text = spec.trim();
  if (text === '') throw new KioskError('CAPTURE_SOURCE_INVALID', 'empty capture source', { hint: SOURCE_HINT });
  if (text.toLowerCase() === 'auto') return { kind: 'auto' };
  if (/^gst:/i.test(text)) {
    const rest = text.slice(4).trim();
    const csi = /^csi(?::(\d+))?$/i.exec(rest);
    if (rest === '' || csi) return { kind: 'gst', pipeline: '', sensorId: csi?.[1] ? Number(csi[1]) : 0 };
    return { kind: 'gst', pipeline: rest, sensorId: 0 };
  }
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(text)?.[1]?.toLowerCase();
  if (scheme !== undefined) {
    if (['rtsp', 'rtsps', 'http', 'https'].includes(scheme)) return { kind: 'url', url: text };
    throw new KioskError('CAPTURE_SOURCE_INVALID', `unsupported capture URL scheme "${scheme}://"`, {
      hint: SOURCE_HINT,
      context: { source: text },
    });
  }
  if (text.startsWith('/dev/')) return { kind: 'v4l2', device: text };
  const path = resolve(text);
  switch (inspect(path)) {
    case 'file':
      return { kind: 'file', path };
    case 'dir':
      return { kind: 'folder', path };
    case 'missing':
      throw new KioskError('CAPTURE_SOURCE_INVALID', `capture source not found: ${text}`, { hint: SOURCE_HINT, context: { source: text, path } });
    case 'other':
      throw new KioskError('CAPTURE_SOURCE_INVALID', `capture source is neither a file nor a folder: ${text}`, {
        hint: SOURCE_HINT,
        context: { source: text, path },
      });
  }
}

/** /dev/video* in numeric order. */
export function listVideoDevices(devDir = '/dev'): string[] {
  let names: string[];
  try {
    names = readdirSync(devDir);
  } catch {
    return [];
  }
  return names
    .filter((n) => /^video\d+$/.test(n))
    .sort((a, b) => Number(a.slice(5)) - Number(b.slice(5)))
    .map((n) => `${devDir}/${n}`);
}

/** Resolves true if ffmpeg decodes one frame from `device` within `timeoutMs`. */
export function probeV4l2Device(device: string, opts: Pick<CaptureOptions, 'inputFormat' | 'probeTimeoutMs' | 'ffmpegPath'>): Promise<boolean> {
  const args = ['-hide_banner', '-nostdin', '-loglevel', 'error', '-f', 'v4l2'];
  if (opts.inputFormat !== 'auto') args.push('-input_format', opts.inputFormat === 'mjpeg' ? 'mjpeg' : 'yuyv422');
  args.push('-i', device, '-frames:v', '1', '-f', 'null', '-');
  return new Promise<boolean>((done) => {
    const child = spawn(resolveFfmpegPath(opts.ffmpegPath), args, { stdio: 'ignore' });
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.probeTimeoutMs);
    child.once('error', () => undefined);
    child.once('close', (code) => {
      clearTimeout(timer);
      done(code === 0);
    });
  });
}

export interface AutoDeps {
  listDevices?: () => string[];
  probe?: (device: string) => Promise<boolean>;
}

/** The first camera ffmpeg can read, as a v4l2 spec; otherwise CAPTURE_SOURCE_INVALID with a hint. */
export async function resolveAutoSource(
  opts: Pick<CaptureOptions, 'inputFormat' | 'probeTimeoutMs' | 'ffmpegPath'>,
  deps: AutoDeps = {},
): Promise<{ kind: 'v4l2'; device: string }> {
  const devices = (deps.listDevices ?? listVideoDevices)();
  const probe = deps.probe ?? ((device: string) => probeV4l2Device(device, opts));
  // One at a time: probing opens the camera, and parallel opens of one camera fail spuriously.
  for (const device of devices) {
    if (await probe(device)) return { kind: 'v4l2', device };
  }
  const tried = devices.length === 0 ? 'no /dev/video* devices found' : `none of ${devices.join(', ')} delivered a frame`;
  throw new KioskError('CAPTURE_SOURCE_INVALID', `no usable camera: ${tried}`, {
    hint: 'plug in a camera (and check the user is in the "video" group), or use --source <video file or image folder>',
    context: { devices },
  });
}
