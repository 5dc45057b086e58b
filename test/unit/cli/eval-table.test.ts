import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatEval } from '../../../src/cli/eval-table.ts';
import type { EvalJson, EvalRowJson } from '../../../src/cli/eval.ts';
import { TUTORIAL_REFERENCE } from '../../../src/cli/eval.ts';

function evalJson(peopleCount: number, misses: number): EvalJson {
  const people = Array.from({ length: peopleCount }, (_, i) => `person${String(i).padStart(2, '0')}`);
  const confusion = people.map((_, i) => people.map((__, j) => (i === j ? 6 : 0)));
  const row: EvalRowJson = {
    model: 'pretrained',
    descriptor: 'arcface',
    metric: 'cosine',
    accuracy: { mean: 0.99, min: 0.98, max: 1, perSeed: [0.98, 1] },
    confusion,
    misses: Array.from({ length: misses }, (_, k) => ({
      seed: k % 2, file: `${people[k]}/00${k}.jpg`, truth: people[k] as string, predicted: people[k + 1] as string,
      similarity: 0.41, matchedFile: `${people[k + 1]}/001.jpg`, trueSimilarity: 0.32, trueFile: `${people[k]}/002.jpg`,
    })),
    nearCopyTestFaces: 0,
    testFaces: peopleCount * 6,
  };
  return {
    dataset: '/data/set', images: peopleCount * 30, detected: peopleCount * 30, undetected: [], errors: [], people,
    testSize: 0.2, seeds: [0, 1], dedup: false, duplicates: { byteIdenticalPairs: 0, nearIdenticalGroups: [], removed: [] },
    matcher: { threshold: 0.47, minMargin: 0.05, aggregate: 'max', fusedWeight: 0.6 }, reference: TUTORIAL_REFERENCE, rows: [row],
  };
}

test('a data set of 40 people prints its misses, not a 40-column confusion matrix', () => {
  const text = formatEval(evalJson(40, 15));
  assert.doesNotMatch(text, /^confusion/m);
  assert.match(text, /pretrained\/arcface: 15 misses over all seeds \(the 40×40 confusion matrix is in --json and --report\)/);
  assert.match(text, /seed 0 person00\/000\.jpg → person01 \(0\.410 via person01\/001\.jpg\)/);
  assert.match(text, /… 3 more in --json \/ --report/);
  // Every line stays readable on a terminal.
  for (const line of text.split('\n')) assert.ok(line.length < 200, `line too wide (${line.length}): ${line.slice(0, 80)}…`);
});

test('the tutorial\'s five people still get the confusion matrix and the misses', () => {
  const text = formatEval(evalJson(5, 2));
  assert.match(text, /^confusion \(pretrained\/arcface, all seeds; rows = truth, columns = predicted\):/m);
  assert.match(text, /^misses \(2\):/m);
});
