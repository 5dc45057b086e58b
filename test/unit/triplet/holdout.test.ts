import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { planFolds } from '../../../src/model/triplet/holdout.ts';
import { mulberry32 } from '../../../src/model/triplet/rng.ts';

/** `people` people × `photos` photos, each photo followed by `variants` augmented rows. */
function rows(people: number, photos: number, variants: number): { labels: Int32Array; sources: Int32Array; variant: Uint8Array } {
  const labels: number[] = [];
  const sources: number[] = [];
  const variant: number[] = [];
  let photo = 0;
  for (let p = 0; p < people; p++) {
    for (let i = 0; i < photos; i++, photo++) {
      for (let v = 0; v <= variants; v++) {
        labels.push(p);
        sources.push(photo);
        variant.push(v === 0 ? 0 : 1);
      }
    }
  }
  return { labels: Int32Array.from(labels), sources: Int32Array.from(sources), variant: Uint8Array.from(variant) };
}

const split = (): ReturnType<typeof mulberry32> => mulberry32(7);

describe('planFolds', () => {
  test('each fold holds one different person out entirely; strangers never train, variants never probe', () => {
    const input = rows(5, 10, 2);
    const folds = planFolds(input, 5, 0.2, mulberry32(1), split());
    assert.equal(folds.length, 5);
    assert.deepEqual(folds.map((f) => f.strangerLabels[0]).sort(), [0, 1, 2, 3, 4]);
    for (const f of folds) {
      const stranger = f.strangerLabels[0]!;
      assert.equal(f.strangerLabels.length, 1);
      for (const r of f.train) assert.notEqual(input.labels[r], stranger, 'a stranger row reached training');
      // All 10 real photos of the stranger are impostor probes, none of their variants.
      assert.equal(f.strangers.length, 10);
      for (const r of f.strangers) assert.equal(input.labels[r], stranger);
      for (const r of [...f.strangers, ...f.validation, ...f.gallery]) assert.equal(input.variant[r], 0);
      // Photo-level split of the known people: 2 of 10 photos each held out, their variants unused.
      assert.equal(f.validation.length, 4 * 2);
      assert.equal(f.gallery.length, 4 * 8);
      assert.equal(f.train.length, 4 * 8 * 3);
      const trainSources = new Set(Array.from(f.train, (r) => input.sources[r]));
      for (const r of f.validation) assert.ok(!trainSources.has(input.sources[r]), 'a held-out photo has a variant in training');
    }
  });

  test('strangerFolds caps the folds; the same photo split is used in every fold', () => {
    const input = rows(6, 5, 0);
    const folds = planFolds(input, 3, 0.2, mulberry32(2), split());
    assert.equal(folds.length, 3);
    assert.equal(new Set(folds.map((f) => f.strangerLabels[0])).size, 3);
    // A photo held out in one fold is held out in every fold where its person is known.
    for (const a of folds) {
      for (const b of folds) {
        for (const r of a.validation) if (!b.strangerLabels.includes(input.labels[r]!)) assert.ok(b.validation.includes(r));
      }
    }
  });

  test('with fewer than 3 people (no one can be spared) or strangerFolds 0: one photo-level fold', () => {
    for (const [input, n] of [[rows(2, 10, 0), 5], [rows(5, 10, 0), 0]] as const) {
      const folds = planFolds(input, n, 0.2, mulberry32(3), split());
      assert.equal(folds.length, 1);
      assert.deepEqual(folds[0]!.strangerLabels, []);
      assert.equal(folds[0]!.strangers.length, 0);
      assert.equal(folds[0]!.validation.length + folds[0]!.train.length, input.labels.length);
    }
  });

  test('a person whose absence leaves fewer than two trainable people is not made a stranger', () => {
    // Person 0 and 1 have 10 photos, person 2 only one: holding 0 or 1 out leaves one trainable person.
    const labels = Int32Array.from([...Array(10).fill(0), ...Array(10).fill(1), 2]);
    const folds = planFolds({ labels }, 5, 0.2, mulberry32(4), split());
    assert.deepEqual(folds.map((f) => f.strangerLabels), [[2]]);
  });
});
