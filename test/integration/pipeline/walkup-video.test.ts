/**
 * The walk-up video maker: the classic layout keeps its timing (one person at a time, gaps), and
 * the queue layout puts people back to back on alternating halves, overlapping, with the ground
 * truth readable back from every frame.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { datasetOrSkip } from '../../helpers/dataset.ts';
import { buildWalkupVideo, readSideMarkers, type WalkupPhoto } from '../../helpers/walkup.ts';
import { resolveFfmpegPath } from '../../../src/capture/ffmpeg-path.ts';

const ds = datasetOrSkip();
const W = 320;
const H = 240;
const FPS = 10;

/** Decodes a video to raw RGB frames. */
function decode(file: string): Buffer[] {
  const r = spawnSync(resolveFfmpegPath(), ['-hide_banner', '-loglevel', 'error', '-i', file, '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-'], { maxBuffer: 1 << 28 });
  assert.equal(r.status, 0, r.stderr.toString());
  const size = W * H * 3;
  const frames: Buffer[] = [];
  for (let o = 0; o + size <= r.stdout.length; o += size) frames.push(r.stdout.subarray(o, o + size));
  return frames;
}

describe('walk-up video maker', { skip: ds.skip }, () => {
  let work = '';
  let photos: WalkupPhoto[] = [];
  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'kiosk-walkup-video-'));
    const dir = ds.dir ?? '';
    photos = [['khanh', '001.jpg'], ['chipu', '001.jpg'], ['baejun', '001.jpg'], ['sontung', '001.jpg']].map(([person, f]) => ({ person: person ?? '', path: join(dir, person ?? '', f ?? ''), enrolled: true }));
  });
  after(async () => {
    await rm(work, { recursive: true, force: true });
  });

  test('classic layout: one person at a time, full frame, gapS of empty frames between', async () => {
    const a = await buildWalkupVideo(join(work, 'classic.mp4'), photos.slice(0, 2), { width: W, height: H, fps: FPS, showS: 1, gapS: 0.5 });
    assert.deepEqual(a.map((x) => [x.startS, x.endS, x.side]), [[0.5, 1.5, 'full'], [2, 3, 'full']]);
    assert.equal(decode(join(work, 'classic.mp4')).length, 35);
  });

  test('queue: back to back on alternating halves, overlapping, markers give the truth per frame', async () => {
    const file = join(work, 'queue.mp4');
    const a = await buildWalkupVideo(file, photos, { width: W, height: H, fps: FPS, showS: 1, gapS: 0, queue: { overlapS: 0.3 }, marker: true });
    assert.deepEqual(a.map((x) => [x.startS, x.endS, x.side]), [[0, 1, 'left'], [0.7, 1.7, 'right'], [1.4, 2.4, 'left'], [2.1, 3.1, 'right']]);
    const frames = decode(file);
    assert.equal(frames.length, 31);
    let both = 0;
    frames.forEach((rgb, f) => {
      const t = f / FPS;
      const on = (side: 'left' | 'right'): number => a.find((x) => x.side === side && t >= x.startS - 1e-9 && t < x.endS - 1e-9)?.index ?? -1;
      const m = readSideMarkers(rgb, W, H, W, H);
      assert.deepEqual(m, { left: on('left'), right: on('right') }, `frame ${f}`);
      if (m.left >= 0 && m.right >= 0) both++;
    });
    assert.equal(both, 9, 'three overlaps of 0.3 s: two people in the frame');
    // No empty frame between people.
    assert.ok(frames.every((rgb) => { const m = readSideMarkers(rgb, W, H, W, H); return m.left >= 0 || m.right >= 0; }));
  });
});
