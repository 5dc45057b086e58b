import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { stratifiedSplit } from '../../../src/model/eval/split.ts';

const labelsOf = (counts: number[]): number[] => counts.flatMap((n, c) => new Array<number>(n).fill(c));

describe('stratifiedSplit', () => {
  test('the tutorial set: 5×30 photos, 20% → 30 test faces, 6 per person', () => {
    const labels = labelsOf([30, 30, 30, 30, 30]);
    const { train, test: t } = stratifiedSplit(labels, 0.2, 0);
    assert.equal(t.length, 30);
    assert.equal(train.length, 120);
    for (let c = 0; c < 5; c++) assert.equal(t.filter((i) => labels[i] === c).length, 6);
  });

  test('one undetected photo: ceil(0.2·149) = 30 test faces, shared by largest remainder', () => {
    const labels = labelsOf([30, 30, 30, 29, 30]);
    const { test: t } = stratifiedSplit(labels, 0.2, 3);
    assert.equal(t.length, 30);
    const perClass = [0, 1, 2, 3, 4].map((c) => t.filter((i) => labels[i] === c).length);
    assert.deepEqual(perClass.slice().sort(), [6, 6, 6, 6, 6]);
  });

  test('train and test partition the items with no overlap', () => {
    const labels = labelsOf([7, 11, 5]);
    const { train, test: t } = stratifiedSplit(labels, 0.3, 9);
    assert.deepEqual([...train, ...t].sort((a, b) => a - b), labels.map((_, i) => i));
    assert.equal(new Set([...train, ...t]).size, labels.length);
  });

  test('deterministic per seed, different across seeds', () => {
    const labels = labelsOf([30, 30, 30]);
    assert.deepEqual(stratifiedSplit(labels, 0.2, 1), stratifiedSplit(labels, 0.2, 1));
    assert.notDeepEqual(stratifiedSplit(labels, 0.2, 1).test, stratifiedSplit(labels, 0.2, 2).test);
  });

  test('every class keeps at least one train item', () => {
    const labels = labelsOf([2, 2, 2]);
    const { train } = stratifiedSplit(labels, 0.5, 0);
    for (let c = 0; c < 3; c++) assert.ok(train.some((i) => labels[i] === c));
  });

  test('rejects a test size outside (0, 1) and a test set too small for the classes', () => {
    assert.throws(() => stratifiedSplit([0, 1], 0, 0), { code: 'USAGE' });
    assert.throws(() => stratifiedSplit([0, 1], 1, 0), { code: 'USAGE' });
    assert.throws(() => stratifiedSplit(labelsOf([10, 10, 10]), 0.05, 0), { code: 'DATASET_INVALID' });
  });
});
