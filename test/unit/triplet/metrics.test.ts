import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { tarAtFar, validationFigures } from '../../../src/model/triplet/metrics.ts';
import { defaultTripletOptions, tripletOptionsSchema } from '../../../src/model/triplet/options.ts';

describe('tarAtFar', () => {
  test('threshold is the impostor score with at most FAR of impostors strictly above it', () => {
    const impostor = Array.from({ length: 200 }, (_, i) => i / 200); // 0 .. 0.995
    // FAR 1% of 200 = 2 impostors may pass: threshold = 3rd highest = 0.985.
    const r = tarAtFar([0.5, 0.99, 0.98, 1.0], impostor, 0.01);
    assert.ok(r);
    assert.equal(r.threshold, 197 / 200);
    assert.equal(impostor.filter((s) => s > r.threshold).length, 2);
    assert.equal(r.tar, 2 / 4); // 0.99 and 1.0
  });

  test('FAR 0 puts the threshold at the best impostor; empty sides give null', () => {
    assert.deepEqual(tarAtFar([0.3, 0.9], [0.1, 0.4], 0), { tar: 0.5, threshold: 0.4 });
    assert.equal(tarAtFar([], [0.1], 0.01), null);
    assert.equal(tarAtFar([0.1], [], 0.01), null);
  });
});

describe('validationFigures', () => {
  // 2-d unit vectors: person 0 near the x axis, person 1 near the y axis.
  const rows = [
    [1, 0], [0.8, 0.6], [0.6, 0.8], // person 0: rows 0,1 train, row 2 validation (closer to person 1!)
    [0, 1], [0.28, 0.96], // person 1: row 3 train, row 4 validation
  ];
  const emb = Float32Array.from(rows.flat());
  const labels = Int32Array.from([0, 0, 0, 1, 1]);
  const train = Int32Array.from([0, 1, 3]);
  const val = Int32Array.from([2, 4]);
  const dot = (a: number, b: number): number => rows[a]![0]! * rows[b]![0]! + rows[a]![1]! * rows[b]![1]!;

  test('rank-1 against the training rows and genuine/impostor pairs involving a held-out row', () => {
    const f = validationFigures(emb, 2, labels, train, val, 0.01);
    // Row 2's best training match is row 1 (0.96) → correct; row 4's best is row 3 (0.96) vs row 1 (0.8) → correct.
    assert.equal(f.rank1, 1);
    // Pairs: (2,0)g (2,1)g (2,3)i (2,4)i (4,0)i (4,1)i (4,3)g.
    const genuine = [dot(2, 0), dot(2, 1), dot(4, 3)];
    const impostor = [dot(2, 3), dot(2, 4), dot(4, 0), dot(4, 1)];
    assert.equal(f.genuinePairs, 3);
    assert.equal(f.impostorPairs, 4);
    const mean = (xs: number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;
    assert.ok(Math.abs(f.meanGenuine! - mean(genuine)) < 1e-6);
    assert.ok(Math.abs(f.meanImpostor! - mean(impostor)) < 1e-6);
    assert.ok(Math.abs(f.separation! - (mean(genuine) - mean(impostor))) < 1e-6);
    // Highest impostor is dot(2,4) = 0.6*0.28+0.8*0.96 = 0.936; genuine above it: 0.96, 0.96.
    assert.ok(Math.abs(f.threshold! - 0.936) < 1e-6);
    assert.ok(Math.abs(f.tarAtFar! - 2 / 3) < 1e-9);
    assert.ok(f.dprime! > 0);
  });

  test('pairs within one source photo are ignored', () => {
    const sources = Int32Array.from([0, 1, 1, 2, 3]); // row 2 is a variant of row 1's photo
    const f = validationFigures(emb, 2, labels, train, val, 0.01, sources);
    assert.equal(f.genuinePairs, 2);
  });

  test('no validation rows → no figures', () => {
    const f = validationFigures(emb, 2, labels, Int32Array.from([0, 1, 2, 3, 4]), new Int32Array(0), 0.01);
    assert.equal(f.rank1, null);
    assert.equal(f.dprime, null);
  });
});

describe('triplet options', () => {
  test('defaults follow TF-Addons and the brief', () => {
    assert.equal(defaultTripletOptions.margin, 1.0);
    assert.equal(defaultTripletOptions.distanceMetric, 'L2');
    assert.equal(defaultTripletOptions.augment.count, 0);
    assert.equal(defaultTripletOptions.augment.rotationDeg, 20);
    assert.equal(defaultTripletOptions.augment.widthShift, 0.2);
  });

  test('every key is described and unknown keys are refused', () => {
    for (const schema of [tripletOptionsSchema, tripletOptionsSchema.shape.augment.unwrap()]) {
      for (const [key, field] of Object.entries(schema.shape)) assert.ok((field as { description?: string }).description, `${key} has a description`);
    }
    assert.equal(tripletOptionsSchema.safeParse({ margn: 1 }).success, false);
    assert.equal(tripletOptionsSchema.safeParse({ margin: -1 }).success, false);
    assert.equal(tripletOptionsSchema.safeParse({ peoplePerBatch: 64, samplesPerPerson: 8 }).success, false, 'batch cube too large');
  });
});
