import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { initBackend } from '../../../src/model/tfjs.ts';
import { emptyStats, headRowTransform, rowKey } from '../../../src/model/triplet/eval-rows.ts';
import { tripletOptionsSchema } from '../../../src/model/triplet/options.ts';
import { mulberry32 } from '../../../src/model/triplet/rng.ts';
import { makeWorld, pairSimilarities } from './synthetic.ts';

const DIM = 32;
const world = makeWorld({ people: 5, dim: DIM, nuisanceRank: 3, nuisanceScale: 2, noise: 0.4, seed: 11 });
const set = world.sample(10, mulberry32(12));
const rows = Array.from({ length: set.labels.length }, (_, i) => set.descriptors.slice(i * DIM, (i + 1) * DIM));
const labels = Array.from(set.labels);

describe('headRowTransform', () => {
  before(async () => {
    await initBackend('wasm');
  });

  test('trains on the rows it is given (plus their variants) and maps every row; the stats record the fit', async () => {
    const stats = emptyStats();
    // Variants: a slightly perturbed copy of each train photo, found by the photo's exact bytes.
    const variants = new Map(rows.map((r) => [rowKey(r), [r.map((v, j) => v + 0.01 * Math.sin(j))]]));
    const options = tripletOptionsSchema.parse({ hiddenDim: 0, maxEpochs: 30, patience: 30, learningRate: 0.01, seed: 3, minPeople: 5 });
    const fit = headRowTransform({ kind: 'faceres', options, modelVersion: 'v', variants, stats });
    const heldOut = (i: number): boolean => Math.floor(i / 5) % 5 === 0; // two photos of each person
    const train = rows.map((_, i) => i).filter((i) => !heldOut(i));
    const map = await fit({ rows: train.map((i) => rows[i]!), labels: train.map((i) => labels[i]!) }, { seed: 0, people: [0, 1, 2, 3, 4] });
    const out = map(rows);
    assert.equal(out.length, rows.length);
    assert.equal(stats.fits, 1);
    assert.equal(stats.bestEpochs.length, 1);
    if (stats.bestEpochs[0] === 0) {
      assert.equal(stats.identity, 1);
      assert.deepEqual(out, rows, 'the identity head leaves rows as they are');
    } else {
      // Held-out rows (never trained on) separate better than raw.
      const test = rows.map((_, i) => i).filter(heldOut);
      const pick = (rs: Float32Array[]): Float32Array => Float32Array.from(test.flatMap((i) => [...rs[i]!]));
      const tl = Int32Array.from(test.map((i) => labels[i]!));
      const raw = pairSimilarities(pick(rows), tl, DIM);
      const trained = pairSimilarities(pick(out), tl, DIM);
      assert.ok(trained.genuine - trained.impostor > raw.genuine - raw.impostor, `separation ${trained.genuine - trained.impostor} vs raw ${raw.genuine - raw.impostor}`);
    }
  });

  test('the seed of each split reaches training: same split + seed → same rows', async () => {
    const options = tripletOptionsSchema.parse({ hiddenDim: 0, maxEpochs: 3, patience: 3, strangerFolds: 0, monitor: 'dprime', guardBaseline: false });
    const run = async (seed: number): Promise<Float32Array[]> => {
      const fit = headRowTransform({ kind: 'faceres', options, modelVersion: 'v', stats: emptyStats() });
      return (await fit({ rows, labels }, { seed, people: [0, 1, 2, 3, 4] }))(rows);
    };
    assert.deepEqual(await run(1), await run(1));
  });
});
