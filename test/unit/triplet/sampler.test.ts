import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { batchesPerEpoch, groupByLabel, samplePKBatch } from '../../../src/model/triplet/sampler.ts';
import { stratifiedSplit } from '../../../src/model/triplet/split.ts';
import { childSeed, mulberry32, shuffled } from '../../../src/model/triplet/rng.ts';
import { KioskError } from '../../../src/errors.ts';

describe('rng', () => {
  test('mulberry32 is deterministic for a seed, differs across seeds, stays in [0,1)', () => {
    const a = mulberry32(123);
    const b = mulberry32(123);
    const c = mulberry32(124);
    const xs = Array.from({ length: 1000 }, () => a());
    assert.deepEqual(xs, Array.from({ length: 1000 }, () => b()));
    assert.notDeepEqual(xs.slice(0, 10), Array.from({ length: 10 }, () => c()));
    assert.ok(xs.every((x) => x >= 0 && x < 1));
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    assert.ok(Math.abs(mean - 0.5) < 0.05);
  });

  test('shuffled is a permutation and leaves its input alone', () => {
    const input = [1, 2, 3, 4, 5, 6, 7, 8];
    const out = shuffled(input, mulberry32(1));
    assert.deepEqual(input, [1, 2, 3, 4, 5, 6, 7, 8]);
    assert.deepEqual([...out].sort((x, y) => x - y), input);
  });

  test('childSeed gives distinct streams per tag', () => {
    assert.notEqual(childSeed(42, 1), childSeed(42, 2));
    assert.equal(childSeed(42, 1), childSeed(42, 1));
  });
});

describe('P×K sampler', () => {
  // Person 0: 10 photos, person 1: 6, person 2: 2, person 3: 3, person 4: 1 (not eligible as anchor).
  const labels = Int32Array.from([...Array(10).fill(0), ...Array(6).fill(1), 2, 2, 3, 3, 3, 4]);
  const groups = groupByLabel(labels);

  test('batch is P people × K rows, K consecutive rows per person, labels match rows', () => {
    const batch = samplePKBatch(groups, 3, 4, mulberry32(7));
    assert.equal(batch.indices.length, 12);
    assert.equal(batch.labels.length, 12);
    const people = new Set<number>();
    for (let i = 0; i < 3; i++) {
      const lab = batch.labels[i * 4]!;
      people.add(lab);
      for (let j = 0; j < 4; j++) {
        assert.equal(batch.labels[i * 4 + j], lab);
        assert.equal(labels[batch.indices[i * 4 + j]!], lab);
      }
    }
    assert.equal(people.size, 3, 'distinct people');
    assert.ok(!people.has(4), 'a person with one photo is never an anchor');
  });

  test('deterministic for a seed, different for another', () => {
    const a = Array.from({ length: 5 }, ((r) => () => samplePKBatch(groups, 3, 4, r))(mulberry32(99)));
    const b = Array.from({ length: 5 }, ((r) => () => samplePKBatch(groups, 3, 4, r))(mulberry32(99)));
    assert.deepEqual(a, b);
    const c = samplePKBatch(groups, 3, 4, mulberry32(100));
    assert.ok(a.some((x) => x.indices.join() !== c.indices.join()));
  });

  test('people with at least K photos give K distinct ones; fewer → all of theirs plus repeats', () => {
    for (let seed = 0; seed < 30; seed++) {
      const batch = samplePKBatch(groups, 4, 4, mulberry32(seed));
      for (let i = 0; i < 4; i++) {
        const rows = [...batch.indices.slice(i * 4, i * 4 + 4)];
        const available = groups.get(batch.labels[i * 4]!)!;
        const distinct = new Set(rows).size;
        assert.equal(distinct, Math.min(4, available.length));
      }
    }
  });

  test('P is capped at the number of eligible people', () => {
    const batch = samplePKBatch(groups, 50, 2, mulberry32(1));
    assert.equal(batch.indices.length, 4 * 2);
  });

  test('fewer than two eligible people is a TRAINING_FAILED error', () => {
    const g = groupByLabel(Int32Array.from([0, 0, 1]));
    assert.throws(() => samplePKBatch(g, 2, 2, mulberry32(1)), (e: unknown) => e instanceof KioskError && e.code === 'TRAINING_FAILED');
  });

  test('groupByLabel restricted to a subset of rows', () => {
    const g = groupByLabel(labels, Int32Array.from([0, 1, 10, 16]));
    assert.deepEqual([...g.entries()], [[0, [0, 1]], [1, [10]], [2, [16]]]);
  });

  test('batchesPerEpoch covers the training set', () => {
    assert.equal(batchesPerEpoch(120, 8, 4), 4);
    assert.equal(batchesPerEpoch(10, 8, 4), 1);
  });
});

describe('stratified split', () => {
  const labels = Int32Array.from([...Array(10).fill(0), ...Array(5).fill(1), 2, 2, 3]);

  test('per person round(fraction × photos) to validation, at least one photo kept for training', () => {
    const s = stratifiedSplit(labels, 0.2, mulberry32(1));
    const count = (ix: Int32Array, l: number): number => [...ix].filter((r) => labels[r] === l).length;
    assert.equal(count(s.validation, 0), 2);
    assert.equal(count(s.validation, 1), 1);
    assert.equal(count(s.validation, 2), 0); // round(0.4) = 0
    assert.equal(count(s.validation, 3), 0); // only photo stays in training
    assert.equal(s.train.length + s.validation.length, labels.length);
    assert.equal(new Set([...s.train, ...s.validation]).size, labels.length);
    const big = stratifiedSplit(labels, 0.9, mulberry32(1));
    for (const l of [0, 1, 2, 3]) assert.ok(count(big.train, l) >= 1);
  });

  test('seeded: same seed same split, other seed other split', () => {
    assert.deepEqual(stratifiedSplit(labels, 0.3, mulberry32(5)), stratifiedSplit(labels, 0.3, mulberry32(5)));
    const splits = new Set(Array.from({ length: 6 }, (_, s) => stratifiedSplit(labels, 0.3, mulberry32(s)).validation.join()));
    assert.ok(splits.size > 1);
  });

  test('rows of one source photo stay on one side', () => {
    // 6 photos of person 0, 3 augmented rows each.
    const lab = new Int32Array(18);
    const sources = Int32Array.from({ length: 18 }, (_, i) => Math.floor(i / 3));
    for (let seed = 0; seed < 10; seed++) {
      const s = stratifiedSplit(lab, 0.34, mulberry32(seed), sources);
      const valSources = new Set([...s.validation].map((r) => sources[r]));
      const trainSources = new Set([...s.train].map((r) => sources[r]));
      assert.equal(valSources.size, 2);
      for (const v of valSources) assert.ok(!trainSources.has(v));
      assert.equal(s.validation.length, 6);
    }
  });
});
