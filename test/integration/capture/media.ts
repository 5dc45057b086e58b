/** Test media made at test time with ffmpeg's lavfi test sources (never committed). */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { resolveFfmpegPath } from '../../../src/capture/ffmpeg-path.ts';
import type { FrameSource, SourceState, StateChange } from '../../../src/capture/types.ts';

const run = promisify(execFile);

export async function makeTempDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'kiosk-capture-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** A `seconds`-long testsrc clip of size WxH at `fps`, encoded as MPEG-4 part 2 (fast to make). */
export async function makeTestVideo(
  path: string,
  opts: { seconds: number; fps: number; size?: string },
): Promise<void> {
  const size = opts.size ?? '160x120';
  await run(resolveFfmpegPath(), [
    '-hide_banner', '-loglevel', 'error', '-y',
    '-f', 'lavfi', '-i', `testsrc=size=${size}:rate=${opts.fps}`,
    '-t', String(opts.seconds), '-c:v', 'mpeg4', '-q:v', '8', path,
  ]);
}

/** Resolves with the first state change matching `pred` (or rejects after `timeoutMs`). */
export function waitForState(
  source: FrameSource,
  pred: (c: StateChange) => boolean,
  timeoutMs = 15_000,
): Promise<StateChange> {
  return new Promise<StateChange>((resolve, reject) => {
    const timer = setTimeout(() => {
      source.off('state', listener);
      reject(new Error(`timed out waiting for a state change (now ${source.state})`));
    }, timeoutMs);
    const listener = (c: StateChange): void => {
      if (!pred(c)) return;
      clearTimeout(timer);
      source.off('state', listener);
      resolve(c);
    };
    source.on('state', listener);
  });
}

export const isState = (state: SourceState, code?: string) => (c: StateChange): boolean =>
  c.state === state && (code === undefined || c.code === code);

export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** ffmpeg processes that are children of this test process. */
export async function childFfmpegs(): Promise<string[]> {
  try {
    const { stdout } = await run('ps', ['-o', 'pid=,comm=', '--ppid', String(process.pid)]);
    return stdout.split('\n').map((l) => l.trim()).filter((l) => /ffmpeg/.test(l));
  } catch {
    return []; // ps exits 1 when there are no children
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
