import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { TrackCrops, type CropCandidate } from '../../../src/cli/pipeline/track-crops.ts';
import type { RgbImage } from '../../../src/model/decode.ts';

const img = (tag: number): RgbImage => ({ width: 112, height: 112, pixels: Buffer.alloc(1, tag) });
const face = (tag: number | null, area: number, score: number): CropCandidate => ({ aligned: tag === null ? null : img(tag), area, score });
const tagOf = (i: RgbImage | null): number | null => (i === null ? null : i.pixels[0]!);

describe('TrackCrops', () => {
  test('keeps the sharpest crop per track, forgets it when the track ends', () => {
    const c = new TrackCrops();
    c.observe(0, [face(1, 100, 0.5), face(2, 400, 0.9)], [7, 8], true);
    c.observe(10, [face(3, 100, 0.8), face(4, 400, 0.6)], [7, 8], true);
    c.observe(20, [face(null, 100, 0.99)], [7], true);
    assert.deepEqual([tagOf(c.best(7)), tagOf(c.best(8))], [3, 2], 'higher score wins; unaligned faces never count');
    c.end(7);
    assert.deepEqual([tagOf(c.best(7)), c.tracked], [null, 1]);
  });

  test('untracked faces and a loop that keeps no photos store no per-track crop', () => {
    const c = new TrackCrops();
    c.observe(0, [face(1, 100, 0.5), face(2, 100, 0.5)], [null, undefined], true);
    c.observe(0, [face(3, 100, 0.5)], [9], false);
    assert.equal(c.tracked, 0);
  });

  test('the main face is the largest aligned one of the latest frame with one, and goes stale after maxAgeMs', () => {
    const c = new TrackCrops();
    assert.equal(c.main(0, 5_000), null, 'nobody seen yet');
    c.observe(1_000, [face(1, 100, 0.9), face(2, 900, 0.1), face(null, 5_000, 1)], [1, 2, 3], false);
    assert.equal(tagOf(c.main(1_000, 5_000)), 2);
    c.observe(2_000, [], [], false);
    assert.equal(tagOf(c.main(2_000, 5_000)), 2, 'an empty frame does not forget who was there a moment ago');
    assert.equal(c.main(6_001, 5_000), null, 'too old to be the person at the screen');
  });
});
