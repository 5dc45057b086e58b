import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Matcher, type MatcherConfig } from '../../../src/model/matcher.ts';
import { galleryFromRows } from '../../../src/model/gallery.ts';
import { l2normalize } from '../../../src/model/descriptors/vector.ts';
import { applyFusionWeight, concatRaw, FACERES_DIM, DLIB_DIM } from '../../../src/model/descriptors/fuse.ts';

const v = (...xs: number[]): Float32Array => l2normalize(Float32Array.from(xs));
const people = [{ id: 10, name: 'An' }, { id: 20, name: 'Bình' }, { id: 30, name: 'Chi' }];
const cfg = (over: Partial<MatcherConfig> = {}): MatcherConfig => ({ threshold: 0.8, minMargin: 0, aggregate: 'max', topK: 3, fusedWeight: 0.5, ...over });

// Three people along three axes, two samples each (one exact, one slightly off-axis).
const rows = [v(1, 0, 0), v(1, 0.3, 0), v(0, 1, 0), v(0.2, 1, 0), v(0, 0, 1), v(0, 0.1, 1)];
const labels = [0, 0, 1, 1, 2, 2];
const gallery = galleryFromRows('faceres', 3, people, rows, labels);

describe('Matcher', () => {
  test('ranks people by their best sample and reports top-k with similarities', () => {
    const m = new Matcher(gallery, cfg());
    const r = m.match(v(0.9, 0.1, 0));
    assert.equal(r.person?.personId, 10);
    assert.equal(r.person?.name, 'An');
    assert.deepEqual(r.topK.map((c) => c.personId), [10, 20, 30]);
    assert.ok(r.topK[0]!.similarity > r.topK[1]!.similarity);
    assert.ok(Math.abs(r.margin - (r.topK[0]!.similarity - r.topK[1]!.similarity)) < 1e-6);
  });

  test('open-set threshold: below it the answer is unknown, but evidence is kept', () => {
    const m = new Matcher(gallery, cfg({ threshold: 0.95 }));
    const probe = v(1, 1, 1);
    const r = m.match(probe);
    assert.equal(r.person, null);
    assert.ok(r.bestSimilarity < 0.95 && r.bestSimilarity > 0.5);
    assert.equal(r.topK.length, 3);
  });

  test('similarity exactly at the threshold is accepted', () => {
    const m = new Matcher(gallery, cfg({ threshold: 1 }));
    // Float rounding: the exact gallery vector scores ≥ 1 - 1e-7, so use a threshold it certainly reaches.
    const exact = m.match(v(0, 0, 1));
    const m2 = new Matcher(gallery, cfg({ threshold: exact.bestSimilarity }));
    assert.equal(m2.match(v(0, 0, 1)).person?.personId, 30);
  });

  test('top-k is truncated and a single-person gallery has margin 1', () => {
    const m = new Matcher(gallery, cfg({ topK: 1 }));
    assert.equal(m.match(v(0, 1, 0)).topK.length, 1);
    const one = new Matcher(galleryFromRows('faceres', 3, [people[0]!], [v(1, 0, 0)], [0]), cfg({ threshold: 0 }));
    assert.equal(one.match(v(1, 0, 0)).margin, 1);
  });

  test('top2 and centroid aggregation differ from max as defined', () => {
    const probe = v(1, 0.3, 0);
    const max = new Matcher(gallery, cfg()).scorePeople(probe);
    const top2 = new Matcher(gallery, cfg({ aggregate: 'top2' })).scorePeople(probe);
    const cen = new Matcher(gallery, cfg({ aggregate: 'centroid' })).scorePeople(probe);
    const s1 = 1; // probe equals sample 2 of An
    const s0 = v(1, 0, 0).reduce((s, x, i) => s + x * probe[i]!, 0);
    assert.ok(Math.abs(max[0]! - s1) < 1e-6);
    assert.ok(Math.abs(top2[0]! - (s1 + s0) / 2) < 1e-6);
    const c = l2normalize(Float32Array.from([v(1, 0, 0)[0]! + v(1, 0.3, 0)[0]!, v(1, 0, 0)[1]! + v(1, 0.3, 0)[1]!, 0]));
    assert.ok(Math.abs(cen[0]! - (c[0]! * probe[0]! + c[1]! * probe[1]!)) < 1e-6);
  });

  test('empty gallery answers unknown without throwing', () => {
    const m = new Matcher(galleryFromRows('faceres', 3, [], [], []), cfg());
    assert.deepEqual(m.match(v(1, 0, 0)), { person: null, bestSimilarity: -1, margin: 0, topK: [] });
  });

  test('rejects wrong-length and non-finite probes with DESCRIPTOR_INVALID', () => {
    const m = new Matcher(gallery, cfg());
    assert.throws(() => m.match(Float32Array.from([1, 0])), { code: 'DESCRIPTOR_INVALID' });
    assert.throws(() => m.match(Float32Array.from([Number.NaN, 0, 0])), { code: 'DESCRIPTOR_INVALID' });
    assert.throws(() => m.match(Float32Array.from([Infinity, 0, 0])), { code: 'DESCRIPTOR_INVALID' });
  });

  test('does not modify the gallery it was given', () => {
    const before = gallery.descriptors.slice();
    new Matcher(gallery, cfg({ aggregate: 'centroid' })).match(v(1, 0, 0));
    assert.deepEqual(gallery.descriptors, before);
  });
});

describe('fusion', () => {
  const unit = (dim: number, seed: number): Float32Array => l2normalize(Float32Array.from({ length: dim }, (_, i) => Math.sin(seed * 7.1 + i * 1.3)));
  test('fused cosine equals w·cos(faceres) + (1−w)·cos(dlib)', () => {
    const f1 = unit(FACERES_DIM, 1), f2 = unit(FACERES_DIM, 2), d1 = unit(DLIB_DIM, 3), d2 = unit(DLIB_DIM, 4);
    const dot = (a: Float32Array, b: Float32Array): number => a.reduce((s, x, i) => s + x * b[i]!, 0);
    for (const w of [0, 0.3, 0.6, 1]) {
      const a = applyFusionWeight(concatRaw(f1, d1), w);
      const b = applyFusionWeight(concatRaw(f2, d2), w);
      assert.ok(Math.abs(dot(a, b) - (w * dot(f1, f2) + (1 - w) * dot(d1, d2))) < 1e-5, `w=${w}`);
      assert.ok(Math.abs(dot(a, a) - 1) < 1e-5, 'fused vector stays unit length');
    }
  });

  test('matcher applies the weight to fused galleries and probes alike', () => {
    const f = [unit(FACERES_DIM, 1), unit(FACERES_DIM, 2)];
    const d = [unit(DLIB_DIM, 3), unit(DLIB_DIM, 4)];
    const g = galleryFromRows('fused', FACERES_DIM + DLIB_DIM, people.slice(0, 2), [concatRaw(f[0]!, d[0]!), concatRaw(f[1]!, d[1]!)], [0, 1]);
    const probe = concatRaw(f[0]!, d[1]!);
    // All weight on faceres → person 0; all on dlib → person 1.
    assert.equal(new Matcher(g, cfg({ fusedWeight: 1, threshold: 0 })).match(probe).person?.personId, 10);
    assert.equal(new Matcher(g, cfg({ fusedWeight: 0, threshold: 0 })).match(probe).person?.personId, 20);
  });

  test('concatRaw refuses parts of the wrong size', () => {
    assert.throws(() => concatRaw(new Float32Array(10), new Float32Array(DLIB_DIM)), { code: 'DESCRIPTOR_INVALID' });
  });
});

describe('Matcher look-alike guard', () => {
  test('a probe close to two people is unknown when the margin is below minMargin, however high its similarity', () => {
    // Between An and Bình: similar to both, so not confidently either.
    const between = v(1, 1.1, 0);
    const loose = new Matcher(gallery, cfg({ threshold: 0.5, minMargin: 0 })).match(between);
    assert.ok(loose.person !== null, 'without the guard the best one is named');
    assert.ok(loose.margin < 0.05);
    const guarded = new Matcher(gallery, cfg({ threshold: 0.5, minMargin: 0.05 })).match(between);
    assert.equal(guarded.person, null);
    assert.equal(guarded.bestSimilarity, loose.bestSimilarity, 'evidence is kept');
    // A clear probe keeps its name.
    assert.equal(new Matcher(gallery, cfg({ threshold: 0.5, minMargin: 0.05 })).match(v(1, 0, 0)).person?.personId, 10);
  });
});
