import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend, tf } from '../../../src/model/tfjs.ts';
import { augmentCrop, cropToTensor, tensorToCrop } from '../../../src/model/triplet/augment-dataset.ts';
import { augmentOptionsSchema } from '../../../src/model/triplet/options.ts';
import type { RgbImage } from '../../../src/model/decode.ts';

/** A 24×20 crop with a gradient and a bright square, so that every transform changes pixels. */
function crop(): RgbImage {
  const width = 24;
  const height = 20;
  const pixels = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 3;
      const bright = x > 4 && x < 10 && y > 3 && y < 9;
      pixels[o] = bright ? 250 : x * 8;
      pixels[o + 1] = bright ? 240 : y * 10;
      pixels[o + 2] = 60;
    }
  }
  return { width, height, pixels };
}

describe('augmentCrop (image-level variants of an enrolment crop)', () => {
  before(async () => {
    await initBackend('wasm');
  });

  test('uint8 crop ↔ 0..1 tensor is lossless', async () => {
    const c = crop();
    const t = cropToTensor(c);
    assert.deepEqual(t.shape, [20, 24, 3]);
    assert.ok(t.max().dataSync()[0]! <= 1);
    const back = await tensorToCrop(t);
    t.dispose();
    assert.deepEqual(back, c);
  });

  test('n variants of the crop\'s size; the same seed gives the same variants, another seed others; no tensor left', async () => {
    const before = tf.memory().numTensors;
    const o = augmentOptionsSchema.parse({});
    const a = await augmentCrop(crop(), 3, 5, o);
    const b = await augmentCrop(crop(), 3, 5, o);
    const c = await augmentCrop(crop(), 3, 6, o);
    assert.equal(a.length, 3);
    for (const v of a) {
      assert.equal(v.width, 24);
      assert.equal(v.height, 20);
      assert.notDeepEqual(v.pixels, crop().pixels);
    }
    assert.deepEqual(a, b);
    assert.notDeepEqual(a, c);
    assert.equal(tf.memory().numTensors, before);
  });
});
