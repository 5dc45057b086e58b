import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { tf, initBackend } from '../../../src/model/tfjs.ts';
import type * as TF from '@tensorflow/tfjs';
import { pairwiseDistance, tripletSemiHardLoss, type TripletLossOptions } from '../../../src/model/triplet/loss.ts';
import { TripletHead } from '../../../src/model/triplet/head.ts';
import { mulberry32, normal } from '../../../src/model/triplet/rng.ts';

/**
 * Plain-JS reference with TF-Addons TripletSemiHardLoss semantics, written loop by loop:
 * for each anchor–positive pair, the closest negative strictly farther than the positive, else the
 * anchor's farthest negative (0 when it has none, as TF-Addons' masked_maximum gives the row min).
 */
function referenceLoss(emb: number[][], labels: number[], o: TripletLossOptions): number {
  const n = emb.length;
  const d = (a: number, b: number): number => {
    if (a === b) return 0;
    const sq = (emb[a] as number[]).reduce((s, v, j) => s + (v - ((emb[b] as number[])[j] as number)) ** 2, 0);
    return o.distanceMetric === 'L2' ? Math.sqrt(sq) : sq;
  };
  let total = 0;
  let pairs = 0;
  for (let a = 0; a < n; a++) {
    for (let p = 0; p < n; p++) {
      if (a === p || labels[a] !== labels[p]) continue;
      pairs++;
      const dap = d(a, p);
      let semi = Infinity;
      let farthest = -Infinity;
      for (let k = 0; k < n; k++) {
        if (labels[k] === labels[a]) continue;
        const dan = d(a, k);
        if (dan > dap && dan < semi) semi = dan;
        if (dan > farthest) farthest = dan;
      }
      const neg = semi < Infinity ? semi : farthest > -Infinity ? farthest : 0;
      total += Math.max(dap - neg + o.margin, 0);
    }
  }
  return pairs === 0 ? 0 : total / pairs;
}

function tfLoss(emb: number[][], labels: number[], o: TripletLossOptions): number {
  return tf.tidy(() => tripletSemiHardLoss(tf.tensor1d(labels, 'int32'), tf.tensor2d(emb), o).dataSync()[0] as number);
}

const L2: TripletLossOptions = { margin: 1, distanceMetric: 'L2' };

describe('tripletSemiHardLoss', () => {
  before(async () => {
    await initBackend('wasm');
  });

  test('pairwise distances are euclidean with a zero diagonal', () => {
    const d = tf.tidy(() => pairwiseDistance(tf.tensor2d([[0, 0], [3, 4], [0, 1]]), false).arraySync());
    const expected = [[0, 5, 1], [5, 0, Math.sqrt(18)], [1, Math.sqrt(18), 0]];
    d.forEach((row, i) => row.forEach((v, j) => assert.ok(Math.abs(v - (expected[i] as number[])[j]!) < 1e-5, `d[${i}][${j}] = ${v}`)));
  });

  test('hand case: semi-hard negatives, and the farthest-negative fallback when none is farther than the positive', () => {
    // d(0,1)=1, d(0,2)=3, d(0,3)=2, d(1,2)=2, d(1,3)=√5, d(2,3)=√13.
    const emb = [[0, 0], [1, 0], [3, 0], [0, 2]];
    const labels = [0, 0, 1, 1];
    // (0,1): negatives 3, 2 are both > 1 → closest 2 → 1−2+1 = 0.
    // (1,0): negatives 2, √5 > 1 → 2 → 0.
    // (2,3): negatives 3, 2, none > √13 → fallback to the farthest, 3 → √13−3+1.
    // (3,2): negatives 2, √5, none > √13 → fallback √5 → √13−√5+1.
    const expected = (0 + 0 + (Math.sqrt(13) - 3 + 1) + (Math.sqrt(13) - Math.sqrt(5) + 1)) / 4;
    const got = tfLoss(emb, labels, L2);
    assert.ok(Math.abs(got - expected) < 1e-5, `got ${got}, expected ${expected}`);
    assert.ok(Math.abs(referenceLoss(emb, labels, L2) - expected) < 1e-9);
    // Had the fallback taken the hardest (closest) negative instead, (2,3) would use 2.
    const hardestFallback = (0 + 0 + (Math.sqrt(13) - 2 + 1) + (Math.sqrt(13) - 2 + 1)) / 4;
    assert.ok(Math.abs(got - hardestFallback) > 0.1);
  });

  test('hand case: single-sample classes act only as negatives; "farther" is strict', () => {
    // Labels 1 and 2 have one sample each: no anchor–positive pair of their own.
    const emb = [[0, 0], [1, 0], [0, 3], [2, 0]];
    const labels = [0, 0, 1, 2];
    const o = { margin: 1.5, distanceMetric: 'L2' as const };
    // (0,1): d_ap=1, negatives 3 and 2 → closest farther one is 2 → 1−2+1.5 = 0.5.
    // (1,0): d_ap=1, negatives √10 and exactly 1 (not farther) → √10 → 1−√10+1.5 < 0 → 0.
    const expected = (0.5 + 0) / 2;
    const got = tfLoss(emb, labels, o);
    assert.ok(Math.abs(got - expected) < 1e-5, `got ${got}, expected ${expected}`);
    assert.ok(Math.abs(referenceLoss(emb, labels, o) - expected) < 1e-9);
  });

  test('squared-L2 metric uses squared distances', () => {
    const emb = [[0, 0], [1, 0], [3, 0], [0, 2]];
    const labels = [0, 0, 1, 1];
    const o = { margin: 1, distanceMetric: 'squared-L2' as const };
    // Squared: d(0,1)=1, d(0,2)=9, d(0,3)=4, d(1,2)=4, d(1,3)=5, d(2,3)=13.
    // (0,1): 4 → 0; (1,0): 4 → 0; (2,3): none > 13 → 9 → 5; (3,2): none → 5 → 9.
    const expected = (0 + 0 + 5 + 9) / 4;
    assert.ok(Math.abs(tfLoss(emb, labels, o) - expected) < 1e-4);
  });

  test('a class with no negatives falls back to distance 0 (TF-Addons masked_maximum)', () => {
    const emb = [[0, 0], [0, 1], [0, 3]];
    const labels = [4, 4, 4];
    // Every ordered pair: d_ap + margin. Pairs: 1,1,3,3,2,2.
    const expected = (1 + 1 + 3 + 3 + 2 + 2) / 6 + 1;
    assert.ok(Math.abs(tfLoss(emb, labels, L2) - expected) < 1e-5);
    assert.ok(Math.abs(referenceLoss(emb, labels, L2) - expected) < 1e-9);
  });

  test('a batch without positive pairs gives 0, not NaN', () => {
    assert.equal(tfLoss([[1, 0], [0, 1], [0.6, 0.8]], [0, 1, 2], L2), 0);
  });

  test('matches the reference on random batches (both metrics, several margins)', () => {
    const rng = mulberry32(11);
    for (let trial = 0; trial < 12; trial++) {
      const n = 6 + (trial % 7);
      const dim = 3 + (trial % 4);
      const emb = Array.from({ length: n }, () => {
        const v = Array.from({ length: dim }, () => normal(rng));
        const norm = Math.hypot(...v);
        return v.map((x) => x / norm);
      });
      const labels = Array.from({ length: n }, (_, i) => (i * 7 + trial) % 3);
      for (const o of [L2, { margin: 0.3, distanceMetric: 'L2' as const }, { margin: 0.5, distanceMetric: 'squared-L2' as const }]) {
        const got = tfLoss(emb, labels, o);
        const ref = referenceLoss(emb, labels, o);
        assert.ok(Math.abs(got - ref) < 1e-4, `trial ${trial} ${o.distanceMetric} m=${o.margin}: ${got} vs ${ref}`);
      }
    }
  });

  test('gradients w.r.t. embeddings are finite and non-zero, also with duplicate rows', () => {
    const rng = mulberry32(3);
    const rows = Array.from({ length: 8 }, () => Array.from({ length: 5 }, () => normal(rng)));
    rows[1] = [...(rows[0] as number[])]; // sampling with replacement repeats a photo: distance 0
    const labels = tf.tensor1d([0, 0, 0, 1, 1, 2, 2, 2], 'int32');
    const g = tf.grad((e: TF.Tensor) => tripletSemiHardLoss(labels, e as TF.Tensor2D, L2))(tf.tensor2d(rows));
    const values = g.dataSync();
    assert.ok(values.every(Number.isFinite), 'all finite');
    assert.ok(values.some((v) => Math.abs(v) > 1e-6), 'some non-zero');
    tf.dispose([g, labels]);
  });

  test('gradients reach the head variables (tf.variableGrads) and are finite', () => {
    const rng = mulberry32(5);
    for (const hiddenDim of [0, 16]) {
      const head = TripletHead.create({ inputDim: 12, hiddenDim, activation: 'relu' }, rng);
      const x = tf.tensor2d(Float32Array.from({ length: 9 * 12 }, () => normal(rng)), [9, 12]);
      const labels = tf.tensor1d([0, 0, 0, 1, 1, 1, 2, 2, 2], 'int32');
      const { value, grads } = tf.variableGrads(() => tripletSemiHardLoss(labels, head.apply(x), L2), head.trainableVariables);
      assert.ok(value.dataSync()[0]! > 0);
      const all = Object.values(grads).map((t) => t.dataSync());
      assert.equal(all.length, head.trainableVariables.length);
      assert.ok(all.every((a) => a.every(Number.isFinite)));
      // The zero-initialised last matrix must receive gradient, or training could never start.
      const lastName = head.trainableVariables[hiddenDim === 0 ? 0 : 2]!.name;
      assert.ok(grads[lastName]!.dataSync().some((v) => Math.abs(v) > 1e-7), `hidden=${hiddenDim}`);
      tf.dispose([value, x, labels, ...Object.values(grads)]);
      head.dispose();
    }
  });

  test('optimizer.minimize lowers the loss of a fixed batch', () => {
    const rng = mulberry32(9);
    const head = TripletHead.create({ inputDim: 10, hiddenDim: 0, activation: 'relu' }, rng);
    const x = tf.tensor2d(Float32Array.from({ length: 12 * 10 }, () => normal(rng)), [12, 10]);
    const labels = tf.tensor1d([0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2], 'int32');
    const opt = tf.train.adam(0.01);
    const lossNow = (): number => tf.tidy(() => tripletSemiHardLoss(labels, head.apply(x), L2).dataSync()[0] as number);
    const start = lossNow();
    for (let i = 0; i < 30; i++) tf.dispose(opt.minimize(() => tripletSemiHardLoss(labels, head.apply(x), L2), true, head.trainableVariables) ?? []);
    assert.ok(lossNow() < start * 0.8, `${lossNow()} vs ${start}`);
    opt.dispose();
    tf.dispose([x, labels]);
    head.dispose();
  });
});
