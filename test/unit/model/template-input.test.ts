import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { packCrop, type TemplateNormalisation } from '../../../src/model/descriptors/template-input.ts';
import type { RgbImage } from '../../../src/model/decode.ts';
import { isKioskError } from '../../../src/errors.ts';

/** W×W crop: pixel (x, y) = [R, G, B] = [10x + y, 100 + 10x + y, 200 + 10x + y]. */
const W = 3;
function crop(width = W, height = W): RgbImage {
  const pixels = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) pixels.set([10 * x + y, 100 + 10 * x + y, 200 + 10 * x + y], (y * width + x) * 3);
  return { width, height, pixels };
}

const ARCFACE: TemplateNormalisation = { mean: 127, std: 128, channelOrder: 'rgb' };
const PLANE = W * W;
/** Index of channel plane c, row y, column x of image `slot` in an NCHW buffer. */
const at = (slot: number, c: number, y: number, x: number): number => slot * 3 * PLANE + c * PLANE + y * W + x;
const rgbOf = (x: number, y: number): [number, number, number] => [10 * x + y, 100 + 10 * x + y, 200 + 10 * x + y];

describe('packCrop', () => {
  const cases: { name: string; norm: TemplateNormalisation; mirror: boolean; expect: (x: number, y: number) => [number, number, number] }[] = [
    { name: 'rgb, (x − 127) / 128', norm: ARCFACE, mirror: false, expect: (x, y) => rgbOf(x, y).map((v) => (v - 127) / 128) as [number, number, number] },
    { name: 'bgr swaps the first and last planes', norm: { ...ARCFACE, channelOrder: 'bgr' }, mirror: false, expect: (x, y) => rgbOf(x, y).reverse().map((v) => (v - 127) / 128) as [number, number, number] },
    { name: 'another mean and std', norm: { mean: 127.5, std: 127.5, channelOrder: 'rgb' }, mirror: false, expect: (x, y) => rgbOf(x, y).map((v) => (v - 127.5) / 127.5) as [number, number, number] },
    { name: 'identity normalisation keeps raw pixels', norm: { mean: 0, std: 1, channelOrder: 'rgb' }, mirror: false, expect: (x, y) => rgbOf(x, y) },
    { name: 'mirror reads each row right to left', norm: ARCFACE, mirror: true, expect: (x, y) => rgbOf(W - 1 - x, y).map((v) => (v - 127) / 128) as [number, number, number] },
  ];
  for (const c of cases) {
    test(`NCHW layout: ${c.name}`, () => {
      const out = new Float32Array(3 * PLANE);
      packCrop(crop(), W, c.norm, out, 0, c.mirror);
      for (let y = 0; y < W; y++) {
        for (let x = 0; x < W; x++) {
          const want = c.expect(x, y);
          for (let ch = 0; ch < 3; ch++) assert.equal(out[at(0, ch, y, x)], Math.fround(want[ch]!), `channel ${ch} at (${x},${y})`);
        }
      }
    });
  }

  test('slot 1 goes after the first image and leaves it untouched', () => {
    const out = new Float32Array(2 * 3 * PLANE).fill(Number.NaN);
    packCrop(crop(), W, ARCFACE, out, 1, false);
    assert.ok(out.subarray(0, 3 * PLANE).every((v) => Number.isNaN(v)), 'slot 0 not written');
    assert.equal(out[at(1, 0, 0, 0)], Math.fround((0 - 127) / 128));
    assert.equal(out[at(1, 2, 2, 2)], Math.fround((222 - 127) / 128));
    assert.ok(out.subarray(3 * PLANE).every((v) => Number.isFinite(v)), 'slot 1 fully written');
  });

  test('an image and its mirror side by side (flip averaging input)', () => {
    const out = new Float32Array(2 * 3 * PLANE);
    packCrop(crop(), W, ARCFACE, out, 0, false);
    packCrop(crop(), W, ARCFACE, out, 1, true);
    for (let ch = 0; ch < 3; ch++) for (let y = 0; y < W; y++) for (let x = 0; x < W; x++) assert.equal(out[at(1, ch, y, x)], out[at(0, ch, y, W - 1 - x)]);
  });

  const wrong: { name: string; c: RgbImage }[] = [
    { name: 'too narrow', c: crop(2, 3) },
    { name: 'too short', c: crop(3, 2) },
    { name: 'larger than the model input', c: crop(4, 4) },
    { name: 'a pixel buffer shorter than width × height × 3', c: { width: 3, height: 3, pixels: Buffer.alloc(20) } },
    { name: 'an RGBA buffer', c: { width: 3, height: 3, pixels: Buffer.alloc(36) } },
  ];
  for (const { name, c } of wrong) {
    test(`refuses a crop ${name}`, () => {
      const out = new Float32Array(3 * PLANE);
      assert.throws(() => packCrop(c, W, ARCFACE, out, 0, false), (err: unknown) => isKioskError(err) && err.code === 'DESCRIPTOR_INVALID' && /needs 3×3/.test(err.message));
      assert.ok(out.every((v) => v === 0), 'nothing written');
    });
  }
});
