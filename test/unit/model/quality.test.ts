import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { estimateQuality, frontalness, laplacianVariance, toGreySquare } from '../../../src/model/quality.ts';
import { qualityOptionsSchema } from '../../../src/model/options.ts';

const opts = qualityOptionsSchema.parse({});
function image(width: number, height: number, f: (x: number, y: number) => number): { width: number; height: number; pixels: Buffer } {
  const pixels = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) pixels.fill(f(x, y), (y * width + x) * 3, (y * width + x) * 3 + 3);
  return { width, height, pixels };
}

describe('quality', () => {
  test('frontalness is 1 facing the camera and falls to 0 at the configured angle', () => {
    assert.equal(frontalness(0, 0, 45), 1);
    assert.ok(Math.abs(frontalness((22.5 * Math.PI) / 180, 0, 45) - 0.5) < 1e-9);
    assert.equal(frontalness((60 * Math.PI) / 180, 0, 45), 0);
    assert.equal(frontalness(Number.NaN, 0, 45), 0);
  });

  test('a flat crop has no Laplacian energy; a checkerboard has a lot', () => {
    const flat = image(64, 64, () => 128);
    const checker = image(64, 64, (x, y) => ((x + y) % 2 ? 255 : 0));
    assert.equal(laplacianVariance(toGreySquare(flat, 32), 32), 0);
    assert.ok(laplacianVariance(toGreySquare(checker, 64), 64) > 1000);
  });

  test('sharp, large, frontal faces score higher than blurred, small or turned ones', () => {
    const sharp = image(128, 128, (x, y) => ((Math.floor(x / 4) + Math.floor(y / 4)) % 2 ? 220 : 30));
    const blurred = image(128, 128, (x) => Math.round(128 + 60 * Math.sin(x / 40)));
    const good = estimateQuality(sharp, { width: 150, height: 150 }, { yaw: 0, pitch: 0 }, opts);
    assert.ok(good.score > 0.8, `score ${good.score}`);
    assert.ok(estimateQuality(blurred, { width: 150, height: 150 }, { yaw: 0, pitch: 0 }, opts).score < good.score / 2);
    assert.ok(estimateQuality(sharp, { width: 40, height: 50 }, { yaw: 0, pitch: 0 }, opts).score < good.score / 2);
    assert.ok(estimateQuality(sharp, { width: 150, height: 150 }, { yaw: 0.6, pitch: 0 }, opts).score < good.score / 2);
    assert.equal(estimateQuality(sharp, { width: 40, height: 50 }, null, opts).sizePx, 40);
  });
});
