/**
 * `kiosk serve` (in process, real pipeline) on a folder of photos whose files vanish while it runs:
 * the kiosk screen is told the source is lost, /healthz turns 503, and the server (admin pages
 * included) stays up; the photos coming back bring the camera back.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { io as connectClient, type Socket } from 'socket.io-client';
import { CliContext } from '../../../src/cli/context.ts';
import { serve } from '../../../src/cli/serve.ts';
import type { CameraStatusDto, KioskClientToServer, KioskServerToClient } from '../../../src/server/protocol.ts';

/** Model start-up on a loaded 2-core machine takes a while. */
const SLOW = 180_000;

async function photos(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const [i, r] of [[1, 40], [2, 200]] as const) {
    await sharp({ create: { width: 64, height: 48, channels: 3, background: { r, g: 90, b: 120 } } }).jpeg().toFile(join(dir, `${i}.jpg`));
  }
}

describe('kiosk serve on an image folder whose files vanish', { timeout: SLOW }, () => {
  let work = '';
  let folder = '';
  let url = '';
  let ctx: CliContext;
  let served: Promise<void>;
  let settled = false;
  const stop = new AbortController();

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'kiosk-serve-faults-'));
    folder = join(work, 'door');
    await photos(folder);
    ctx = new CliContext({ dataDir: join(work, 'data'), logLevel: 'silent' }, {
      capture: { width: 64, height: 48, fps: 5, backoffMinMs: 50, backoffMaxMs: 200, backoffJitter: 0 },
      pipeline: { embedWorkers: 1, previewFps: 0 },
    });
    let listening: (u: string) => void = () => undefined;
    const ready = new Promise<string>((r) => (listening = r));
    served = serve(ctx, { source: folder, port: 0, host: '127.0.0.1', signal: stop.signal, onListening: (u) => listening(u) });
    void served.finally(() => (settled = true)).catch(() => undefined);
    url = await Promise.race([ready, served.then(() => { throw new Error('serve ended before listening'); })]);
  });

  after(async () => {
    stop.abort();
    await served?.catch(() => undefined);
    ctx?.close();
    await rm(work, { recursive: true, force: true });
  });

  test('the screen hears "lost", health says 503, the admin pages answer; the photos back bring it back', async () => {
    const screen: Socket<KioskServerToClient, KioskClientToServer> = connectClient(`${url}/kiosk`, { transports: ['websocket'], forceNew: true, reconnection: false });
    const states: CameraStatusDto[] = [];
    screen.on('hello', (_config, c) => states.push(c));
    screen.on('camera', (c) => states.push(c));
    const until = async (what: string, check: () => boolean): Promise<void> => {
      for (let i = 0; i < 1_500 && !check(); i++) await new Promise((r) => setTimeout(r, 20));
      assert.ok(check(), `never happened: ${what}; camera states: ${states.map((s) => s.state).join(', ')}`);
    };
    try {
      await until('the slideshow runs', () => states.some((s) => s.state === 'running'));
      await rm(folder, { recursive: true, force: true });
      await until('the screen is told the source is lost', () => states.some((s) => s.state === 'lost'));
      const health = await fetch(`${url}/healthz`);
      assert.equal(health.status, 503);
      assert.notEqual(((await health.json()) as { camera: string }).camera, 'running');
      for (const page of ['/admin', '/api/auth/state', '/']) assert.equal((await fetch(`${url}${page}`)).status, 200, page);
      assert.equal(settled, false, 'serve is still running');

      states.length = 0;
      await photos(folder);
      await until('the camera is back', () => states.some((s) => s.state === 'running'));
    } finally {
      screen.disconnect();
    }
  });
});
