/**
 * Whole-loop speed through `kiosk run`: frames per second detected and tracked on a 640×480 video
 * with one face and with three faces (read as fast as the loop takes them), and decision latency
 * (a person's first frame → decision) on a real-time walk-up video.
 */
import { copyFile, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { buildWalkupVideo, type WalkupPhoto } from '../test/helpers/walkup.ts';
import { median, percentile, printTable } from './stats.ts';
import { kiosk, parseRun } from './kiosk-cli.ts';

/** Three photos side by side in one 640×480 frame source image (three faces at once). */
async function trio(dir: string, paths: string[]): Promise<string> {
  const tiles = await Promise.all(paths.map((p) => sharp(p).rotate().resize(213, 480, { fit: 'cover', position: 'north' }).toBuffer()));
  const out = join(dir, 'trio.png');
  await sharp({ create: { width: 640, height: 480, channels: 3, background: '#606060' } })
    .composite(tiles.map((input, i) => ({ input, left: i * 213, top: 0 }))).png().toFile(out);
  return out;
}

export async function benchPipeline(datasetDir: string): Promise<void> {
  const work = await mkdtemp(join(tmpdir(), 'kiosk-bench-'));
  try {
    const dataDir = join(work, 'data');
    const people = ['baejun', 'chipu', 'khanh', 'sontung'];
    for (const p of people) {
      await mkdir(join(work, 'enroll', p), { recursive: true });
      for (const f of (await readdir(join(datasetDir, p))).sort().slice(0, 10)) await copyFile(join(datasetDir, p, f), join(work, 'enroll', p, f));
    }
    await kiosk(['--data-dir', dataDir, 'enroll', join(work, 'enroll')]);
    const one: WalkupPhoto[] = [{ person: 'khanh', path: join(datasetDir, 'khanh', '015.jpg'), enrolled: true }];
    const three: WalkupPhoto[] = [{ person: 'trio', path: await trio(work, ['baejun/020.jpg', 'khanh/015.jpg', 'chipu/017.jpg'].map((f) => join(datasetDir, f))), enrolled: true }];
    await buildWalkupVideo(join(work, 'one.mp4'), one, { showS: 12, gapS: 0, zoom: 1.1 });
    await buildWalkupVideo(join(work, 'three.mp4'), three, { showS: 12, gapS: 0, zoom: 1.1 });
    const asFast = { KIOSK_CAPTURE__REALTIME: 'false', KIOSK_CAPTURE__BACKPRESSURE: 'pause' };
    // Side by side in one run: BlazeFace on every frame (followMs 0, the previous loop) and faces
    // followed by the mesh between detections (the default).
    const modes = [['detector every frame', { KIOSK_MODEL__DETECTOR__FOLLOW_MS: '0' }], ['followed (default)', {}]] as const;
    const rows: (string | number)[][] = [];
    for (const [name, file] of [['one face', 'one.mp4'], ['three faces', 'three.mp4']] as const) {
      const fps: number[] = [];
      for (const [mode, env] of modes) {
        const { summary } = parseRun(await kiosk(['--data-dir', dataDir, 'run', '--source', join(work, file), '--json'], { ...asFast, ...env }));
        rows.push([name, mode, summary.framesProcessed, summary.seconds, summary.fps, summary.embeds.completed]);
        fps.push(summary.fps);
      }
      rows.push([name, 'ratio followed / every frame', '', '', fps[0] ? Math.round(((fps[1] ?? 0) / fps[0]) * 100) / 100 : '', '']);
    }
    printTable('whole loop on 640×480 video, every frame processed (detect + track; embeddings only while voting)', ['video', 'detection', 'frames', 'seconds', 'fps', 'embeddings'], rows);

    const walk: WalkupPhoto[] = [];
    for (const p of people) for (const f of (await readdir(join(datasetDir, p))).sort().slice(20, 25)) walk.push({ person: p, path: join(datasetDir, p, f), enrolled: true });
    await buildWalkupVideo(join(work, 'walk.mp4'), walk);
    const { decisions, summary } = parseRun(await kiosk(['--data-dir', dataDir, 'run', '--source', join(work, 'walk.mp4'), '--json'], { KIOSK_STORE__COOLDOWN_MS: '0' }));
    // Greetings (person decisions) are what the person at the door waits for; unknown and spoof
    // decisions wait for the whole window by design, so both are shown.
    const lat = decisions.map((d) => (d.decidedAt - d.firstSeen) / 1000);
    const greet = decisions.filter((d) => d.result === 'person').map((d) => (d.decidedAt - d.firstSeen) / 1000);
    const early = decisions.filter((d) => d.trigger === 'uncontested').length;
    printTable('decision latency on a real-time walk-up video (first frame of a track → decision), s', ['decisions', 'of them', 'early (uncontested)', 'median', 'p95', 'max', 'loop fps'], [
      [lat.length, 'all', early, median(lat), percentile(lat, 95), Math.max(...lat), summary.fps],
      [greet.length, 'person (greetings)', early, median(greet), percentile(greet, 95), Math.max(...greet), ''],
    ]);
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
