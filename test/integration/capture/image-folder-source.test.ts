/** ImageFolderSource: the shared photo set as a slideshow, plus synthetic images for rotation/alpha/grey. */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { isKioskError } from '../../../src/errors.ts';
import { ImageFolderSource, decodeImageToFrame, listImages } from '../../../src/capture/image-folder-source.ts';
import { captureOptions } from '../../../src/capture/options.ts';
import type { Frame } from '../../../src/capture/types.ts';
import { makeTempDir } from './media.ts';

const DATASET = process.env.KIOSK_DATASET ?? '/work/shared/datasets/facenet5';
const KHANH = join(DATASET, 'khanh');

let dir = '';
let cleanup: () => Promise<void> = async () => undefined;

/** RGB at (x, y) of a packed RGB24 frame. */
function px(pixels: Buffer, width: number, x: number, y: number): [number, number, number] {
  const i = (y * width + x) * 3;
  return [pixels[i] as number, pixels[i + 1] as number, pixels[i + 2] as number];
}

before(async () => {
  ({ dir, cleanup } = await makeTempDir());
  // 40×20 white image stored sideways: EXIF orientation 6 means "rotate 90° clockwise to display" → 20×40.
  await sharp({ create: { width: 40, height: 20, channels: 3, background: { r: 255, g: 255, b: 255 } } })
    .jpeg()
    .withMetadata({ orientation: 6 })
    .toFile(join(dir, '01-rotated.jpg'));
  await sharp({ create: { width: 30, height: 30, channels: 4, background: { r: 255, g: 0, b: 0, alpha: 1 } } })
    .png()
    .toFile(join(dir, '02-alpha.png'));
  await sharp({ create: { width: 30, height: 30, channels: 3, background: { r: 90, g: 90, b: 90 } } })
    .grayscale()
    .jpeg()
    .toFile(join(dir, '10-grey.jpg'));
  await writeFile(join(dir, '03-broken.jpg'), 'not a jpeg');
  await writeFile(join(dir, 'notes.txt'), 'ignored');
});

after(async () => {
  await cleanup();
});

describe('ImageFolderSource', () => {
  test('slideshow of the shared photos yields frames of the configured size', async (t) => {
    if (!existsSync(KHANH)) {
      console.warn(`\n!!! SKIPPED: ${KHANH} is missing — set KIOSK_DATASET to the facenet5 folder to run this test !!!\n`);
      t.skip(`${KHANH} missing`);
      return;
    }
    const expected = readdirSync(KHANH).filter((f) => /\.(jpe?g|png)$/i.test(f)).length;
    const opts = captureOptions({ width: 640, height: 480, realtime: false, backpressure: 'pause' });
    const source = new ImageFolderSource(KHANH, opts);
    const frames: Frame[] = [];
    for await (const f of source) frames.push(f);
    assert.equal(frames.length, expected);
    for (const f of frames) {
      assert.equal(f.width, 640);
      assert.equal(f.height, 480);
      assert.equal(f.pixels.length, 640 * 480 * 3);
    }
    assert.ok(frames.some((f) => f.pixels.some((b) => b > 30)), 'real image content, not blank');
    assert.equal(source.lastChange?.code, 'eof');
    assert.deepEqual(source.counters, { framesRead: expected, framesDropped: 0, reconnects: 0 });
  });

  test('EXIF rotation applied, alpha and grey become RGB, letterboxed; unreadable files skipped', async () => {
    const opts = captureOptions({ width: 64, height: 48, realtime: false, backpressure: 'pause', fit: 'contain' });
    assert.deepEqual(
      (await listImages(dir)).map((p) => p.slice(dir.length + 1)),
      ['01-rotated.jpg', '02-alpha.png', '03-broken.jpg', '10-grey.jpg'],
    );
    const source = new ImageFolderSource(dir, opts);
    const frames: Frame[] = [];
    for await (const f of source) frames.push(f);
    assert.equal(frames.length, 3, 'the broken file is skipped');
    const [rotated, alpha, grey] = frames as [Frame, Frame, Frame];
    // Upright 20×40 image fitted into 64×48 → 24×48 white column in the middle, black bars left and right.
    assert.deepEqual(px(rotated.pixels, 64, 32, 24), [255, 255, 255]);
    assert.deepEqual(px(rotated.pixels, 64, 2, 24), [0, 0, 0]);
    assert.deepEqual(px(rotated.pixels, 64, 61, 24), [0, 0, 0]);
    // Had the EXIF tag been ignored, the 40×20 image would span the full width with bars above and below.
    assert.deepEqual(px(rotated.pixels, 64, 32, 2), [255, 255, 255]);
    const [r, g, b] = px(alpha.pixels, 64, 32, 24);
    assert.ok(r > 240 && g < 15 && b < 15, 'opaque red survives alpha removal');
    const [gr, gg, gb] = px(grey.pixels, 64, 32, 24);
    assert.ok(gr === gg && gg === gb && gr > 60 && gr < 120, 'grey image expanded to three equal channels');
  });

  test('cover crops instead of letterboxing', async () => {
    const pixels = await decodeImageToFrame(join(dir, '01-rotated.jpg'), { width: 64, height: 48, fit: 'cover' });
    assert.equal(pixels.length, 64 * 48 * 3);
    assert.deepEqual(px(pixels, 64, 1, 1), [255, 255, 255]);
  });

  test('loop repeats the images; folderFrameRepeat shows each several times', async () => {
    const opts = captureOptions({ width: 32, height: 32, realtime: false, backpressure: 'pause', loop: true, folderFrameRepeat: 2 });
    const source = new ImageFolderSource(dir, opts);
    const frames: Frame[] = [];
    for await (const f of source) {
      frames.push(f);
      if (frames.length === 13) break;
    }
    // 3 readable images × 2 repeats = 6 frames per pass.
    assert.deepEqual(frames[0]?.pixels, frames[1]?.pixels);
    assert.notDeepEqual(frames[1]?.pixels, frames[2]?.pixels);
    assert.deepEqual(frames[0]?.pixels, frames[6]?.pixels);
    assert.deepEqual(frames[5]?.pixels, frames[11]?.pixels);
    assert.notEqual(frames[0]?.pixels, frames[1]?.pixels, 'each frame owns its buffer');
    assert.equal(source.state, 'ended');
    assert.equal(source.lastChange?.code, 'stopped');
  });

  test('a realtime looping slideshow stops promptly and drops while the consumer is slow', async () => {
    const opts = captureOptions({ width: 32, height: 32, fps: 50, realtime: true, loop: true });
    const source = new ImageFolderSource(dir, opts);
    const it = source[Symbol.asyncIterator]();
    await it.next();
    await new Promise((r) => setTimeout(r, 300));
    const c = source.counters;
    assert.ok(c.framesRead > 2);
    assert.ok(c.framesRead - c.framesDropped - 1 <= 1, 'at most one frame waits in the slot');
    await source.stop();
    assert.equal((await it.next()).done, true);
    const after = source.counters.framesRead;
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(source.counters.framesRead, after, 'nothing produced after stop()');
  });

  test('empty or missing folders fail with CAPTURE_SOURCE_INVALID', async () => {
    const { dir: empty, cleanup: rmEmpty } = await makeTempDir();
    try {
      for (const path of [empty, join(empty, 'missing')]) {
        const source = new ImageFolderSource(path, captureOptions());
        await assert.rejects(
          (async () => {
            for await (const _f of source) assert.fail('no frame expected');
          })(),
          (err) => isKioskError(err) && err.code === 'CAPTURE_SOURCE_INVALID' && err.hint !== '',
        );
        assert.equal(source.lastChange?.code, 'error');
      }
    } finally {
      await rmEmpty();
    }
  });
  test('files that vanish from a looping slideshow make the source lost and retried, not ended; it recovers when they return', async () => {
    const { dir: folder, cleanup: rmFolder } = await makeTempDir();
    const photo = join(folder, 'a.png');
    const makePhoto = (): Promise<unknown> => sharp({ create: { width: 20, height: 20, channels: 3, background: { r: 200, g: 10, b: 10 } } }).png().toFile(photo);
    await makePhoto();
    const opts = captureOptions({ width: 16, height: 16, realtime: false, backpressure: 'pause', loop: true, backoffMinMs: 5, backoffMaxMs: 20, backoffJitter: 0 });
    const source = new ImageFolderSource(folder, opts);
    const states: string[] = [];
    source.on('state', (c) => states.push(`${c.state}:${c.code}`));
    const it = source[Symbol.asyncIterator]();
    try {
      assert.equal((await it.next()).done, false);
      await rm(photo);
      // Frames already decoded may still come; then the source must say it lost the folder.
      const lost = new Promise<void>((resolve) => source.on('state', (c) => c.state === 'reconnecting' && resolve()));
      const drain = (async () => {
        for (;;) if ((await it.next()).done) return;
      })();
      await lost;
      assert.ok(states.includes('lost:error'), `states: ${states.join(', ')}`);
      assert.notEqual(source.state, 'ended', 'the slideshow is not over: the kiosk keeps running');
      await makePhoto();
      await new Promise<void>((resolve) => source.on('state', (c) => c.state === 'running' && resolve()));
      assert.equal(source.lastChange?.code, 'reconnected');
      assert.ok(source.counters.reconnects >= 1);
      await source.stop();
      await drain;
    } finally {
      await source.stop();
      await rmFolder();
    }
  });
});
