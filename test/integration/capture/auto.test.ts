import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isKioskError } from '../../../src/errors.ts';
import { listVideoDevices, probeV4l2Device } from '../../../src/capture/auto.ts';
import { FfmpegSource } from '../../../src/capture/ffmpeg-source.ts';
import { ImageFolderSource } from '../../../src/capture/image-folder-source.ts';
import { openFrameSource } from '../../../src/capture/open-source.ts';
import { captureOptions } from '../../../src/capture/options.ts';
import { makeTempDir } from './media.ts';

describe('auto source selection and openFrameSource', () => {
  test('listVideoDevices: only videoN entries, numeric order', async () => {
    const { dir, cleanup } = await makeTempDir();
    try {
      for (const name of ['video10', 'video2', 'video0', 'videox', 'media0', 'video1-meta']) await writeFile(join(dir, name), '');
      assert.deepEqual(listVideoDevices(dir), [join(dir, 'video0'), join(dir, 'video2'), join(dir, 'video10')]);
      assert.deepEqual(listVideoDevices(join(dir, 'missing')), []);
    } finally {
      await cleanup();
    }
  });

  test('probe: ffmpeg cannot open a device that does not exist', async () => {
    assert.equal(await probeV4l2Device('/dev/video-does-not-exist', captureOptions({ probeTimeoutMs: 3000 })), false);
  });

  test('openFrameSource picks the source class from the spec; auto falls back to a clear error', async () => {
    const { dir, cleanup } = await makeTempDir();
    try {
      const video = join(dir, 'clip.mp4');
      await writeFile(video, '');
      const opts = captureOptions();
      const folder = await openFrameSource(dir, opts);
      assert.ok(folder instanceof ImageFolderSource);
      const file = await openFrameSource(video, opts);
      assert.ok(file instanceof FfmpegSource);
      assert.equal(file.kind, 'file');
      const cam = await openFrameSource('auto', opts, { auto: { listDevices: () => ['/dev/video4'], probe: async () => true } });
      assert.equal(cam.kind, 'v4l2');
      assert.equal(cam.label, '/dev/video4');
      await assert.rejects(
        openFrameSource('auto', opts, { auto: { listDevices: () => [] } }),
        (err) => isKioskError(err) && err.code === 'CAPTURE_SOURCE_INVALID' && /--source/.test(err.hint),
      );
      for (const s of [folder, file, cam]) await s.stop();
    } finally {
      await cleanup();
    }
  });
});
