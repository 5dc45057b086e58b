import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { tf, initBackend } from '../../../src/model/tfjs.ts';
import type * as TF from '@tensorflow/tfjs';
import { HEAD_FORMAT, TripletHead } from '../../../src/model/triplet/head.ts';
import { embedFlat, embedRows } from '../../../src/model/triplet/embed.ts';
import { mulberry32, normal } from '../../../src/model/triplet/rng.ts';
import { KioskError } from '../../../src/errors.ts';

function randomRows(n: number, dim: number, seed: number, normalise = true): Float32Array {
  const rng = mulberry32(seed);
  const out = Float32Array.from({ length: n * dim }, () => normal(rng));
  if (normalise) {
    for (let r = 0; r < n; r++) {
      const norm = Math.hypot(...out.subarray(r * dim, (r + 1) * dim));
      for (let j = 0; j < dim; j++) out[r * dim + j] = out[r * dim + j]! / norm;
    }
  }
  return out;
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/** Nudge every weight so that a saved/loaded head is distinguishable from a fresh one. */
function perturb(head: TripletHead, seed: number): void {
  const rng = mulberry32(seed);
  for (const v of head.trainableVariables) tf.tidy(() => v.assign(tf.add(v, tf.mul(tf.tensor(Float32Array.from({ length: v.size }, () => normal(rng)), v.shape), 0.05))));
}

describe('TripletHead', () => {
  before(async () => {
    await initBackend('wasm');
  });

  for (const [dim, hiddenDim] of [[64, 0], [128, 32], [1024, 0]] as const) {
    test(`untrained head is the identity on normalised input (dim ${dim}, hidden ${hiddenDim})`, () => {
      const head = TripletHead.create({ inputDim: dim, hiddenDim, activation: 'relu' }, mulberry32(1));
      const x = randomRows(7, dim, 2);
      assert.ok(maxAbsDiff(embedFlat(head, x), x) < 1e-6);
      // Un-normalised input comes out normalised.
      const raw = Float32Array.from(x, (v) => v * 3.5);
      assert.ok(maxAbsDiff(embedFlat(head, raw), x) < 1e-6);
      head.dispose();
    });
  }

  test('weight decay penalty is 0 at init for the linear head and the sum of squares of the kernels', () => {
    const linear = TripletHead.create({ inputDim: 8, hiddenDim: 0, activation: 'relu' }, mulberry32(1));
    const p0 = linear.penalty();
    assert.equal(p0.dataSync()[0], 0);
    p0.dispose();
    const hidden = TripletHead.create({ inputDim: 8, hiddenDim: 4, activation: 'tanh' }, mulberry32(1));
    const w1 = hidden.trainableVariables[0]!.dataSync();
    const expected = Array.from(w1 as Float32Array).reduce((s, v) => s + v * v, 0);
    const p1 = hidden.penalty();
    assert.ok(Math.abs(p1.dataSync()[0]! - expected) < 1e-4);
    p1.dispose();
    linear.dispose();
    hidden.dispose();
  });

  test('creation is deterministic for a seed', () => {
    const a = TripletHead.create({ inputDim: 16, hiddenDim: 8, activation: 'relu' }, mulberry32(4));
    const b = TripletHead.create({ inputDim: 16, hiddenDim: 8, activation: 'relu' }, mulberry32(4));
    assert.deepEqual(a.snapshot(), b.snapshot());
    a.dispose();
    b.dispose();
  });

  test('wrong descriptor length is DESCRIPTOR_INVALID', () => {
    const head = TripletHead.create({ inputDim: 16, hiddenDim: 0, activation: 'relu' }, mulberry32(1));
    assert.throws(() => embedFlat(head, new Float32Array(20)), (e: unknown) => e instanceof KioskError && e.code === 'DESCRIPTOR_INVALID');
    assert.throws(() => embedRows(head, [new Float32Array(16), new Float32Array(15)]), (e: unknown) => e instanceof KioskError && e.code === 'DESCRIPTOR_INVALID');
    assert.throws(() => tf.tidy(() => head.apply(tf.zeros([2, 8]))), (e: unknown) => e instanceof KioskError && e.code === 'DESCRIPTOR_INVALID');
    head.dispose();
  });

  test('bad config is CONFIG_INVALID', () => {
    assert.throws(() => TripletHead.create({ inputDim: 0, hiddenDim: 0, activation: 'relu' }, mulberry32(1)), (e: unknown) => e instanceof KioskError && e.code === 'CONFIG_INVALID');
  });

  for (const hiddenDim of [0, 12]) {
    test(`save(handler) → load(tf.io.fromMemory) gives identical outputs (hidden ${hiddenDim})`, async () => {
      const head = TripletHead.create({ inputDim: 24, hiddenDim, activation: 'tanh' }, mulberry32(3));
      perturb(head, 8);
      let saved: TF.io.ModelArtifacts | null = null;
      const result = await head.save(tf.io.withSaveHandler(async (artifacts) => {
        saved = artifacts;
        return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
      }));
      assert.equal(result.modelArtifactsInfo.weightDataBytes, head.trainableVariables.reduce((s, v) => s + v.size * 4, 0));
      assert.ok(saved);
      assert.equal((saved as TF.io.ModelArtifacts).format, HEAD_FORMAT);
      const loaded = await TripletHead.load(tf.io.fromMemory(saved as TF.io.ModelArtifacts));
      assert.deepEqual(loaded.config, head.config);
      const x = randomRows(5, 24, 9);
      const before = embedFlat(head, x);
      assert.ok(maxAbsDiff(before, x) > 1e-3, 'perturbed head is not the identity');
      assert.deepEqual(embedFlat(loaded, x), before);
      head.dispose();
      loaded.dispose();
    });
  }

  test('load rejects foreign artifacts and wrong shapes', async () => {
    const isLoadFailure = (e: unknown): boolean => e instanceof KioskError && e.code === 'MODEL_LOAD_FAILED';
    await assert.rejects(TripletHead.load(tf.io.fromMemory({ modelTopology: {}, format: 'layers-model' })), isLoadFailure);
    const before = tf.memory().numTensors;
    const w = tf.zeros([4, 5]);
    const { data, specs } = await tf.io.encodeWeights({ w });
    w.dispose();
    const topology = { class: HEAD_FORMAT, version: 1, config: { inputDim: 4, hiddenDim: 0, activation: 'relu' } };
    await assert.rejects(TripletHead.load(tf.io.fromMemory({ modelTopology: topology, format: HEAD_FORMAT, weightSpecs: specs, weightData: data })), isLoadFailure);
    assert.equal(tf.memory().numTensors, before, 'decoded tensors of a rejected head are disposed');
  });

  test('snapshot/restore brings the weights back', () => {
    const head = TripletHead.create({ inputDim: 6, hiddenDim: 3, activation: 'relu' }, mulberry32(2));
    const snap = head.snapshot();
    perturb(head, 1);
    assert.notDeepEqual(head.snapshot(), snap);
    head.restore(snap);
    assert.deepEqual(head.snapshot(), snap);
    head.dispose();
  });
});

describe('embed', () => {
  before(async () => {
    await initBackend('wasm');
  });

  test('embedRows/embedFlat return unit rows of the input length and leak no tensor', () => {
    const head = TripletHead.create({ inputDim: 32, hiddenDim: 8, activation: 'relu' }, mulberry32(5));
    perturb(head, 6);
    const flat = randomRows(10, 32, 7, false);
    const rows = Array.from({ length: 10 }, (_, i) => flat.slice(i * 32, (i + 1) * 32));
    const before = tf.memory().numTensors;
    const outRows = embedRows(head, rows);
    const outFlat = embedFlat(head, flat);
    assert.equal(tf.memory().numTensors, before);
    assert.equal(outRows.length, 10);
    outRows.forEach((r, i) => {
      assert.equal(r.length, 32);
      assert.ok(Math.abs(Math.hypot(...r) - 1) < 1e-5);
      assert.ok(maxAbsDiff(r, outFlat.subarray(i * 32, (i + 1) * 32)) < 1e-6);
    });
    assert.equal(embedFlat(head, new Float32Array(0)).length, 0);
    head.dispose();
  });

  test('disposing a head frees its variables', () => {
    const before = tf.memory().numTensors;
    const head = TripletHead.create({ inputDim: 8, hiddenDim: 4, activation: 'relu' }, mulberry32(1));
    assert.equal(tf.memory().numTensors, before + 4);
    head.dispose();
    assert.equal(tf.memory().numTensors, before);
  });
});
