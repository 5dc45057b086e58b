import { test } from 'node:test';
import assert from 'node:assert/strict';
import { padImage } from '../../../src/model/pad.ts';

test('padImage surrounds the image with a grey border of the given share and reports the offset', () => {
  // 2×1 image: red, green.
  const src = { width: 2, height: 1, pixels: Buffer.from([255, 0, 0, 0, 255, 0]) };
  const { image, offsetX, offsetY } = padImage(src, 0.5, 128);
  assert.deepEqual([image.width, image.height, offsetX, offsetY], [4, 3, 1, 1]);
  const px = (x: number, y: number): number[] => [...image.pixels.subarray((y * 4 + x) * 3, (y * 4 + x) * 3 + 3)];
  assert.deepEqual(px(1, 1), [255, 0, 0]);
  assert.deepEqual(px(2, 1), [0, 255, 0]);
  for (const [x, y] of [[0, 0], [3, 0], [0, 1], [3, 1], [1, 2], [2, 0]] as const) assert.deepEqual(px(x, y), [128, 128, 128], `border at ${x},${y}`);
});

test('padImage with share 0 is a copy', () => {
  const src = { width: 1, height: 1, pixels: Buffer.from([1, 2, 3]) };
  const { image, offsetX, offsetY } = padImage(src, 0, 0);
  assert.deepEqual([image.width, image.height, offsetX, offsetY, [...image.pixels]], [1, 1, 0, 0, [1, 2, 3]]);
});
