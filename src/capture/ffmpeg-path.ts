/**
 * Which ffmpeg decodes the cameras: the configured one (capture.ffmpegPath); else the system's
 * ffmpeg when it is at least SYSTEM_FFMPEG_MIN_MAJOR (Debian 12 ships 5.1, JetPack 6 gets it from
 * apt, and both receive security fixes); else the one bundled by @ffmpeg-installer/ffmpeg, a static
 * build from December 2018 that parses every camera and RTSP stream with six years of unfixed
 * decoder bugs. `kiosk doctor` warns when that one is in use.
 */
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { KioskError, errorMessage } from '../errors.ts';
import { findExecutable } from './find-executable.ts';

/** FFmpeg 5.0 (January 2022) is the oldest release line a kiosk should trust with network streams. */
export const SYSTEM_FFMPEG_MIN_MAJOR = 5;
const VERSION_TIMEOUT_MS = 5_000;

export type FfmpegOrigin = 'config' | 'system' | 'bundled';

export interface FfmpegChoice {
  path: string;
  origin: FfmpegOrigin;
  /** First line of `ffmpeg -version` for system binaries (null when not asked: config, bundled). */
  versionLine: string | null;
}

export interface FfmpegVersion {
  /** Null for snapshot builds ("N-47683-g0e8eb07980") that carry no release number. */
  major: number | null;
  minor: number | null;
  /** The last year of the copyright line: when the build was made. */
  year: number | null;
}

/** Parses the first line of `ffmpeg -version` ("ffmpeg version 5.1.9-0+deb12u1 Copyright (c) 2000-2026 …"). */
export function parseFfmpegVersion(line: string): FfmpegVersion | null {
  const m = /^ffmpeg version (\S+)/.exec(line.trim());
  if (!m) return null;
  const release = /^n?(\d+)\.(\d+)/.exec(m[1] as string);
  const year = /Copyright \(c\) \d{4}-(\d{4})/.exec(line)?.[1];
  return {
    major: release ? Number(release[1]) : null,
    minor: release ? Number(release[2]) : null,
    year: year === undefined ? null : Number(year),
  };
}

/** Pure: the choice, given what the machine has. */
export function chooseFfmpeg(found: { override?: string; system: { path: string; versionLine: string } | null; bundled: string | null }): FfmpegChoice | null {
  if (found.override) return { path: found.override, origin: 'config', versionLine: null };
  const sys = found.system;
  const major = sys ? parseFfmpegVersion(sys.versionLine)?.major ?? null : null;
  if (sys && major !== null && major >= SYSTEM_FFMPEG_MIN_MAJOR) return { path: sys.path, origin: 'system', versionLine: sys.versionLine };
  if (found.bundled) return { path: found.bundled, origin: 'bundled', versionLine: null };
  // An old system ffmpeg still beats none.
  return sys ? { path: sys.path, origin: 'system', versionLine: sys.versionLine } : null;
}

export function bundledFfmpegPath(): string | null {
  try {
    return (createRequire(import.meta.url)('@ffmpeg-installer/ffmpeg') as { path: string }).path;
  } catch {
    return null;
  }
}

function systemFfmpeg(env: NodeJS.ProcessEnv): { path: string; versionLine: string } | null {
  const path = findExecutable('ffmpeg', env);
  if (path === null) return null;
  try {
    const out = execFileSync(path, ['-version'], { encoding: 'utf8', timeout: VERSION_TIMEOUT_MS, stdio: ['ignore', 'pipe', 'ignore'] });
    return { path, versionLine: out.split('\n')[0] ?? '' };
  } catch {
    return null;
  }
}

/** The machine's answer does not change while the kiosk runs: asked once per process (and PATH). */
const located = new Map<string, FfmpegChoice | null>();

export function locateFfmpeg(override?: string, env: NodeJS.ProcessEnv = process.env): FfmpegChoice {
  if (override) return { path: override, origin: 'config', versionLine: null };
  const key = env.PATH ?? '';
  if (!located.has(key)) located.set(key, chooseFfmpeg({ system: systemFfmpeg(env), bundled: bundledFfmpegPath() }));
  const choice = located.get(key) ?? null;
  if (choice === null) {
    throw new KioskError('CAPTURE_SOURCE_INVALID', 'no ffmpeg found: none on PATH and the bundled one is missing', {
      hint: 'install ffmpeg (apt install ffmpeg), run npm ci, or set capture.ffmpegPath to an ffmpeg binary',
    });
  }
  return choice;
}

export function resolveFfmpegPath(override?: string): string {
  try {
    return locateFfmpeg(override).path;
  } catch (err) {
    if (err instanceof KioskError) throw err;
    throw new KioskError('CAPTURE_SOURCE_INVALID', `cannot find ffmpeg: ${errorMessage(err)}`, { hint: 'set capture.ffmpegPath to an ffmpeg binary', cause: err });
  }
}
