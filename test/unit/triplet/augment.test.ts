import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { tf, initBackend } from '../../../src/model/tfjs.ts';
import type * as TF from '@tensorflow/tfjs';
import { applyAugment, augmentFace, rotateShiftMatrix, standardize } from '../../../src/model/triplet/augment.ts';
import { mulberry32 } from '../../../src/model/triplet/rng.ts';
import { KioskError } from '../../../src/errors.ts';

/** A crop with structure (gradient + a bright square off-centre) so geometric changes show. */
function makeCrop(h: number, w: number): TF.Tensor3D {
  const data = new Float32Array(h * w * 3);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const inSquare = x >= 4 && x < 12 && y >= 6 && y < 14;
      for (let c = 0; c < 3; c++) data[(y * w + x) * 3 + c] = inSquare ? 0.95 : 0.2 + (0.4 * x) / w + 0.1 * c;
    }
  }
  return tf.tensor3d(data, [h, w, 3]);
}

const meanAbsDiff = (a: TF.Tensor, b: TF.Tensor): number => tf.tidy(() => tf.mean(tf.abs(tf.sub(a, b))).dataSync()[0] as number);
const identity = { angle: 0, shiftX: 0, shiftY: 0, flip: false, brightness: 0, contrast: 1 };

describe('augment', () => {
  before(async () => {
    const report = await initBackend('wasm');
    assert.equal(report.name, 'wasm');
  });

  test('the wasm backend has the kernels augmentation uses', () => {
    for (const k of ['Transform', 'FlipLeftRight', 'RotateWithOffset']) assert.ok(tf.getKernel(k, 'wasm'), `${k} on wasm`);
  });

  test('augmentFace gives n variants of the input shape, in 0..1, different from the input and each other; no tensor leak', () => {
    const crop = makeCrop(24, 20);
    const before = tf.memory().numTensors;
    const variants = augmentFace(crop, 5, mulberry32(1));
    assert.equal(variants.length, 5);
    assert.equal(tf.memory().numTensors, before + 5, 'only the returned tensors remain');
    for (const v of variants) {
      assert.deepEqual(v.shape, [24, 20, 3]);
      const { min, max } = tf.tidy(() => ({ min: tf.min(v).dataSync()[0]!, max: tf.max(v).dataSync()[0]! }));
      assert.ok(min >= 0 && max <= 1);
      assert.ok(meanAbsDiff(v, crop) > 0.005);
    }
    assert.ok(meanAbsDiff(variants[0]!, variants[1]!) > 0.005);
    tf.dispose(variants);
    assert.equal(tf.memory().numTensors, before);
    assert.equal(crop.isDisposed, false);
    crop.dispose();
  });

  test('same rng seed → same variants', () => {
    const crop = makeCrop(16, 16);
    const a = augmentFace(crop, 3, mulberry32(7));
    const b = augmentFace(crop, 3, mulberry32(7));
    a.forEach((t, i) => assert.deepEqual(t.dataSync(), b[i]!.dataSync()));
    tf.dispose([...a, ...b, crop]);
  });

  test('zero-strength options reproduce the input exactly', () => {
    const crop = makeCrop(16, 18);
    const [v] = augmentFace(crop, 1, mulberry32(1), { rotationDeg: 0, widthShift: 0, heightShift: 0, flipProbability: 0, brightness: 0, contrast: 0 });
    assert.ok(meanAbsDiff(v!, crop) < 1e-6);
    tf.dispose([v!, crop]);
  });

  test('flip mirrors columns; a whole-pixel shift moves content; 90° rotation turns a square crop', () => {
    const crop = makeCrop(16, 16);
    const flipped = applyAugment(crop, { ...identity, flip: true });
    const mirrored = tf.reverse(crop, 1);
    assert.ok(meanAbsDiff(flipped, mirrored) < 1e-6);

    const shifted = applyAugment(crop, { ...identity, shiftX: 3 });
    const c = crop.arraySync();
    const s = shifted.arraySync();
    // Content moves right by 3: output column x+3 equals input column x.
    for (let y = 0; y < 16; y++) for (let x = 0; x < 13; x++) assert.ok(Math.abs(s[y]![x + 3]![0]! - c[y]![x]![0]!) < 1e-5);

    // Rotation about the centre by 90°: a point maps to the rotated point, so rotating 4 times is the identity.
    let r = crop;
    for (let i = 0; i < 4; i++) {
      const next = applyAugment(r, { ...identity, angle: Math.PI / 2 });
      if (r !== crop) r.dispose();
      r = next;
    }
    assert.ok(meanAbsDiff(r, crop) < 1e-4);
    const once = applyAugment(crop, { ...identity, angle: Math.PI / 2 });
    assert.ok(meanAbsDiff(once, crop) > 0.01);
    tf.dispose([crop, flipped, mirrored, shifted, r, once]);
  });

  test('rotateShiftMatrix maps the centre to itself without shift', () => {
    const [a0, a1, a2, b0, b1, b2] = rotateShiftMatrix(21, 11, 0.3, 0, 0) as [number, number, number, number, number, number];
    assert.ok(Math.abs(a0 * 10 + a1 * 5 + a2 - 10) < 1e-9);
    assert.ok(Math.abs(b0 * 10 + b1 * 5 + b2 - 5) < 1e-9);
  });

  test('brightness and contrast act around the channel mean', () => {
    const crop = tf.fill([4, 4, 3], 0.5) as TF.Tensor3D;
    const brighter = applyAugment(crop, { ...identity, brightness: 0.1 });
    assert.ok(Math.abs(tf.tidy(() => tf.mean(brighter).dataSync()[0]!) - 0.6) < 1e-6);
    const crop8 = makeCrop(8, 8);
    const lowContrast = applyAugment(crop8, { ...identity, contrast: 0 });
    // Contrast 0 flattens every channel to its mean.
    const spread = tf.tidy(() => tf.max(tf.sub(tf.max(lowContrast, [0, 1]), tf.min(lowContrast, [0, 1]))).dataSync()[0]!);
    assert.ok(spread < 1e-6);
    tf.dispose([crop, crop8, brighter, lowContrast]);
  });

  test('standardize gives zero mean and unit variance, and handles a flat crop', () => {
    const crop = makeCrop(12, 12);
    const s = standardize(crop);
    const { mean, variance } = tf.tidy(() => {
      const m = tf.moments(s);
      return { mean: m.mean.dataSync()[0]!, variance: m.variance.dataSync()[0]! };
    });
    assert.ok(Math.abs(mean) < 1e-5);
    assert.ok(Math.abs(variance - 1) < 1e-4);
    const flatCrop = tf.fill([4, 4, 3], 0.3) as TF.Tensor3D;
    const flat = standardize(flatCrop);
    assert.ok(flat.dataSync().every((v) => Math.abs(v) < 1e-6));
    tf.dispose([crop, s, flatCrop, flat]);
  });

  test('a crop that is not [h, w, 3] is refused', () => {
    const bad = tf.zeros([4, 4, 1]) as TF.Tensor3D;
    assert.throws(() => augmentFace(bad, 2, mulberry32(1)), (e: unknown) => e instanceof KioskError && e.code === 'IMAGE_UNREADABLE');
    bad.dispose();
  });
});
