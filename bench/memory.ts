/**
 * Memory of the whole product as it runs at a door: `kiosk serve` on a looping walk-up video, with
 * the kiosk screen open in Chromium (preview frames encoded and sent), sampled every 30 s for
 * BENCH_SERVE_SECONDS (default 600). Prints the kiosk process's RSS (main thread and model workers;
 * Chromium is a separate process and not counted) for each descriptor in BENCH_MEMORY_DESCRIPTORS
 * (default: arcface, the configured default; add fused to compare with the old one).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { launchBrowser } from '../test/browser/harness.ts';
import { buildWalkupVideo, type WalkupPhoto } from '../test/helpers/walkup.ts';
import { printTable } from './stats.ts';
import { KIOSK_BIN, kiosk } from './kiosk-cli.ts';

const SAMPLE_EVERY_MS = 30_000;

async function rssMb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? NaN);
  return Math.round(kb / 1024);
}

/** Starts `kiosk serve` and resolves with its URL once it listens. */
function serve(args: string[], env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; url: string }> {
  return new Promise((res, rej) => {
    const child = spawn(process.execPath, [KIOSK_BIN, '--log-level', 'info', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr?.on('data', (d: Buffer) => {
      err += d.toString();
      const url = /"url":"(http[^"]+)"/.exec(err)?.[1];
      if (url) res({ child, url });
    });
    child.on('close', (code) => rej(new Error(`kiosk serve exited ${code}: ${err.slice(-500)}`)));
  });
}

export async function benchMemory(datasetDir: string): Promise<void> {
  const seconds = Number(process.env.BENCH_SERVE_SECONDS ?? 600);
  const kinds = (process.env.BENCH_MEMORY_DESCRIPTORS ?? 'arcface').split(',').map((k) => k.trim()).filter(Boolean);
  const work = await mkdtemp(join(tmpdir(), 'kiosk-bench-mem-'));
  const browser = await launchBrowser();
  try {
    const people = ['baejun', 'chipu', 'khanh', 'sontung'];
    const walk: WalkupPhoto[] = [];
    for (const p of people) {
      const files = (await readdir(join(datasetDir, p))).sort();
      await mkdir(join(work, 'enroll', p), { recursive: true });
      for (const f of files.slice(0, 10)) await copyFile(join(datasetDir, p, f), join(work, 'enroll', p, f));
      for (const f of files.slice(20, 23)) walk.push({ person: p, path: join(datasetDir, p, f), enrolled: true });
    }
    await buildWalkupVideo(join(work, 'walk.mp4'), walk);
    const rows: (string | number)[][] = [];
    for (const kind of kinds) {
      const env = { KIOSK_MODEL__DESCRIPTOR__KIND: kind };
      const dataDir = join(work, `data-${kind}`);
      await kiosk(['--data-dir', dataDir, 'enroll', join(work, 'enroll')], env);
      const { child, url } = await serve(['--data-dir', dataDir, 'serve', '--source', join(work, 'walk.mp4'), '--port', '0'], env);
      const page = await browser.newPage();
      try {
        await page.goto(url);
        const samples: number[] = [];
        const started = Date.now();
        while (Date.now() - started < seconds * 1000) {
          samples.push(await rssMb(child.pid as number));
          await sleep(Math.min(SAMPLE_EVERY_MS, Math.max(0, seconds * 1000 - (Date.now() - started))));
        }
        samples.push(await rssMb(child.pid as number));
        const first = samples[1] ?? samples[0] ?? 0;
        rows.push([kind, first, samples.at(-1) ?? 0, Math.max(...samples), Math.round(seconds / 60 * 10) / 10]);
      } finally {
        await page.close();
        child.kill('SIGTERM');
        await new Promise((r) => child.once('close', r));
      }
    }
    printTable('kiosk serve on a looping walk-up video, kiosk screen open in Chromium: RSS of the kiosk process, MB', ['descriptor', 'after 30 s', 'at the end', 'max', 'minutes'], rows);
  } finally {
    await browser.close();
    await rm(work, { recursive: true, force: true });
  }
}
