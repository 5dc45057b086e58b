import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { binScores, histogramSvg } from '../../../src/cli/report/histogram.ts';
import { renderReport } from '../../../src/cli/report/html.ts';
import { reportOptionsSchema } from '../../../src/cli/report/options.ts';
import { thumbRect } from '../../../src/cli/report/thumbnails.ts';
import type { EvalJson } from '../../../src/cli/eval.ts';

describe('histogram', () => {
  test('both series share one range; shares sum to 1', () => {
    const b = binScores([0.8, 0.9, 0.9], [0.1, 0.5], 4);
    assert.ok(b.lo < 0.1 && b.hi > 0.9);
    assert.ok(Math.abs(b.genuine.reduce((s, v) => s + v, 0) - 1) < 1e-12);
    assert.ok(Math.abs(b.impostor.reduce((s, v) => s + v, 0) - 1) < 1e-12);
    assert.equal(b.genuine.at(-1), 1, 'all genuine scores in the top bin');
  });

  test('the SVG holds bars, the threshold marker and escaped labels', () => {
    const svg = histogramSvg({ genuine: [0.8, 0.85], impostor: [0.6, 0.7], bins: 10, markers: [{ value: 0.81, label: 'thr <x>', color: '#00f' }], title: 'a & b' });
    assert.match(svg, /^<svg /);
    assert.equal((svg.match(/class="gen"/g) ?? []).length >= 2, true);
    assert.match(svg, /stroke-dasharray/);
    assert.match(svg, /thr &lt;x&gt; 0\.810/);
    assert.match(svg, /<title>a &amp; b<\/title>/);
  });
});

describe('thumbRect', () => {
  test('square around the scaled box with margin, clamped to the image', () => {
    assert.deepEqual(thumbRect({ x: 10, y: 20, width: 40, height: 50 }, 2, 0.25, 1000, 1000), { left: 0, top: 15, width: 150, height: 150 });
    assert.deepEqual(thumbRect({ x: 0, y: 0, width: 40, height: 40 }, 1, 0.5, 50, 30), { left: 0, top: 0, width: 50, height: 30 });
  });
});

describe('renderReport', () => {
  const json = {
    dataset: '/d', images: 3, detected: 3, undetected: [], errors: [], people: ['An', 'Bình'], testSize: 0.2, seeds: [0], dedup: false,
    duplicates: { byteIdenticalPairs: 0, nearIdenticalGroups: [], removed: [] }, matcher: { threshold: 0.81, minMargin: 0.05, aggregate: 'max', fusedWeight: 0.6 },
    reference: { pretrained: 0.621, triplet: 0.655, 'triplet-augment': 0.69 },
    rows: [{
      model: 'pretrained', descriptor: 'fused', metric: 'cosine', accuracy: { mean: 0.5, min: 0.5, max: 0.5, perSeed: [0.5] }, confusion: [[1, 0], [1, 0]],
      misses: [{ seed: 0, file: 'Bình/1.jpg', truth: 'Bình', predicted: 'An', similarity: 0.9, matchedFile: 'An/<2>.jpg', trueSimilarity: 0.8, trueFile: 'Bình/3.jpg' }],
      nearCopyTestFaces: 0, testFaces: 2,
      openSet: { threshold: 0.81, tar: 0.5, far: 0.1, genuineMean: 0.85, impostorMean: 0.7, genuineCount: 2, impostorCount: 2, dPrime: 1.5, atFar: { '0.01': { threshold: 0.9, tar: 0.5 }, '0.001': { threshold: 0.95, tar: 0 } },
        operating: { threshold: 0.81, minMargin: 0.05, tar: 0.5, far: 0.1, wrongAccept: 0 }, forTar: { targetTar: 0.9, reachable: false, threshold: 0.8, tar: 0.5, far: 0.5 } },
    }],
  } as EvalJson;
  const html = renderReport({
    json, scores: [{ genuine: [{ truth: 0, predicted: 0, score: 0.9, trueScore: 0.9 }, { truth: 1, predicted: 0, score: 0.8, trueScore: 0.7 }], impostor: [0.6, 0.75] }],
    thumbs: new Map([['Bình/1.jpg', 'data:image/jpeg;base64,AAAA'], ['An/<2>.jpg', null], ['Bình/3.jpg', 'data:image/jpeg;base64,BBBB']]),
    options: reportOptionsSchema.parse({}), generatedAt: '2024-01-01T00:00:00.000Z',
  });

  test('one self-contained page: no script, nothing fetched, images inline', () => {
    assert.match(html, /^<!doctype html>/);
    assert.doesNotMatch(html, /<script/i);
    assert.doesNotMatch(html, /(src|href)="(https?:)?\/\//i);
    for (const m of html.matchAll(/<img src="([^"]+)"/g)) assert.match(m[1]!, /^data:image\//);
    assert.match(html, /default-src 'none'/);
  });

  test('the miss shows the test face, the wrong match and the own best, with similarities; names are escaped', () => {
    assert.match(html, /data:image\/jpeg;base64,AAAA/);
    assert.match(html, /An\/&lt;2&gt;\.jpg/);
    assert.match(html, /no face box/);
    assert.match(html, /similarity 0\.900/);
    assert.match(html, /similarity 0\.800/);
    assert.match(html, /<svg class="hist"/);
    assert.match(html, /configured threshold 0\.810/);
    assert.match(html, /62\.1%/, 'tutorial figure beside the row');
  });
});
