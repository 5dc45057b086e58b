/**
 * `kiosk demo <photos>`: the whole product without a camera. Enrolls a folder-per-person data set
 * (first photos of each person), makes a walk-up video from other photos of the same people (a
 * queue: back to back, alternating sides, sometimes two in view), and serves the kiosk on it, looping.
 */
import { mkdir, mkdtemp, copyFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { listDataset } from '../../model/eval/dataset.ts';
import type { CliContext } from '../context.ts';
import { enrollFolder } from '../enroll.ts';
import { checkPortFree } from '../../server/listen.ts';
import { serve } from '../serve.ts';
import { buildWalkupVideo, DEFAULT_QUEUE, type WalkupPhoto } from './walkup-video.ts';

export interface DemoOptions {
  /** Photos per person enrolled; the next `show` photos appear in the video. */
  enroll: number;
  show: number;
  port?: number;
}

export async function demo(ctx: CliContext, dir: string, opts: DemoOptions): Promise<void> {
  // Before enrolling for a minute: a taken port is one line at once.
  await checkPortFree(ctx.config.server.host, opts.port ?? ctx.config.server.port);
  const dataset = await listDataset(dir);
  const staging = await mkdtemp(join(tmpdir(), 'kiosk-demo-'));
  try {
    const shown: WalkupPhoto[] = [];
    for (const person of dataset.people) {
      const photos = dataset.images.filter((i) => i.person === person);
      await mkdir(join(staging, person), { recursive: true });
      for (const p of photos.slice(0, opts.enroll)) await copyFile(p.path, join(staging, person, basename(p.path)));
      for (const p of photos.slice(opts.enroll, opts.enroll + opts.show)) shown.push({ person, path: p.path, enrolled: true });
    }
    const summary = await enrollFolder(ctx, staging);
    for (const p of summary.people) console.log(`enrolled ${p.name}: ${p.added + p.skipped} samples`);
    // Interleave people so consecutive appearances differ, as at a real door.
    const order = shown.map((p, i) => ({ p, k: (i % opts.show) * dataset.people.length + dataset.people.indexOf(p.person) })).sort((a, b) => a.k - b.k).map((x) => x.p);
    const video = ctx.cachePath('demo-walkup.mp4');
    await mkdir(join(video, '..'), { recursive: true });
    // Back to back, as people queue at a door: no empty frames between them, sometimes two in view.
    await buildWalkupVideo(video, order, { queue: DEFAULT_QUEUE });
    console.log(`walk-up video of ${order.length} appearances: ${video}`);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  await serve(ctx, { source: ctx.cachePath('demo-walkup.mp4'), port: opts.port, onListening: (url) => console.log(`open ${url} for the kiosk screen, ${url}/admin for the admin pages (Ctrl-C stops)`) });
}
