/**
 * `kiosk serve` with the real capture → model → vote → store pipeline on a video built at test time,
 * for the browser tests that need the whole product: people enrolled by the CLI from their first ten
 * photos, the kiosk set up over HTTP, served on a free loopback port.
 */
import assert from 'node:assert/strict';
import { copyFile, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../helpers/cli.ts';
import { setupOverHttp } from './harness.ts';
import { readSetupCode, setupCodeFile } from '../../src/server/auth/one-time-code.ts';
import { CliContext } from '../../src/cli/context.ts';
import { serve } from '../../src/cli/serve.ts';

const ENROLL_PHOTOS = 10;

export interface RealKiosk {
  /** Scratch folder (removed by close). */
  work: string;
  dataDir: string;
  url: string;
  ctx: CliContext;
  close(): Promise<void>;
}

export async function serveRealKiosk(opts: {
  dataset: string;
  enroll: readonly string[];
  /** mkdtemp prefix of the scratch folder. */
  prefix: string;
  /** Builds the video in `work` and returns its path. */
  video: (work: string) => Promise<string>;
}): Promise<RealKiosk> {
  const work = await mkdtemp(join(tmpdir(), opts.prefix));
  const dataDir = join(work, 'data');
  for (const person of opts.enroll) {
    await mkdir(join(work, 'enroll', person), { recursive: true });
    for (const f of (await readdir(join(opts.dataset, person))).sort().slice(0, ENROLL_PHOTOS)) await copyFile(join(opts.dataset, person, f), join(work, 'enroll', person, f));
  }
  const enrolled = await runCli(['--data-dir', dataDir, 'enroll', join(work, 'enroll')]);
  assert.equal(enrolled.code, 0, enrolled.stderr);
  const source = await opts.video(work);
  const ctx = new CliContext({ dataDir, logLevel: 'warn' }, { server: { language: 'en', timeZone: 'Asia/Ho_Chi_Minh', scryptLogN: 10, sound: false }, store: { cooldownMs: 60_000 } });
  const stop = new AbortController();
  let listening: (u: string) => void = () => undefined;
  const ready = new Promise<string>((r) => (listening = r));
  const served = serve(ctx, { source, port: 0, host: '127.0.0.1', signal: stop.signal, onListening: (u) => listening(u) });
  const url = await Promise.race([ready, served.then(() => { throw new Error('serve ended before listening'); })]);
  await setupOverHttp(url, readSetupCode(setupCodeFile(dataDir)) ?? '');
  return {
    work,
    dataDir,
    url,
    ctx,
    close: async () => {
      stop.abort();
      await served.catch(() => undefined);
      ctx.close();
      await rm(work, { recursive: true, force: true });
    },
  };
}
