import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Matcher, QUANTIZED_MIN_ROWS, loadMatchKernel, type DotKernel, type MatcherConfig } from '../../../src/model/matcher.ts';
import { galleryFromRows, type Gallery, type GalleryKind } from '../../../src/model/gallery.ts';
import { l2normalize } from '../../../src/model/descriptors/vector.ts';
import { FUSED_DIM } from '../../../src/model/descriptors/fuse.ts';
import { mulberry32, normal, randInt, type Rng } from '../../../src/model/rng.ts';
import { candidatePeople, MAX_SCAN_DIM, paddedDim, PROBE_Q_MAX, quantizeInto, ROW_Q_MAX, scoreErrorBound } from '../../../src/model/match/quantized-scan.ts';
import { Int8RowScan, loadDotKernel } from '../../../src/model/match/simd-kernel.ts';

const cfg = (over: Partial<MatcherConfig> = {}): MatcherConfig => ({ threshold: 0.5, minMargin: 0.02, aggregate: 'max', topK: 3, fusedWeight: 0.6, ...over });
const gaussian = (rng: Rng, dim: number): Float32Array => Float32Array.from({ length: dim }, () => normal(rng));
const noise = (rng: Rng, dim: number): Float32Array => l2normalize(gaussian(rng, dim));
const mix = (parts: [Float32Array, number][]): Float32Array => {
  const out = new Float32Array(parts[0]![0].length);
  for (const [v, w] of parts) for (let i = 0; i < out.length; i++) out[i]! += w * v[i]!;
  return l2normalize(out);
};
const exactDot = (a: Float32Array, b: Float32Array, off = 0): number => a.reduce((s, x, i) => s + x * b[off + i]!, 0);

interface Clustered {
  gallery: Gallery;
  centers: Float32Array[];
  samples: Float32Array[][];
}

/**
 * People in look-alike families (centres near a family centre), samples scattered around each
 * centre, sample counts varying 1…2·perPerson, and the last person a duplicate of the one before
 * (identical samples: exact ties).
 */
function clustered(kind: GalleryKind, dim: number, rows: number, perPerson: number, seed: number): Clustered {
  const rng = mulberry32(seed);
  const families = Array.from({ length: Math.ceil(rows / perPerson / 4) }, () => noise(rng, dim));
  const centers: Float32Array[] = [];
  const samples: Float32Array[][] = [];
  let count = 0;
  while (count < rows) {
    const center = mix([[families[randInt(rng, families.length)]!, 1], [noise(rng, dim), 0.8]]);
    const n = Math.min(rows - count, 1 + randInt(rng, 2 * perPerson));
    centers.push(center);
    samples.push(Array.from({ length: n }, () => mix([[center, 1], [noise(rng, dim), 0.6]])));
    count += n;
  }
  const last = samples.length - 1;
  samples[last] = samples[last - 1]!.slice(0, samples[last]!.length);
  centers[last] = centers[last - 1]!;
  const people = samples.map((_, i) => ({ id: 1000 + i, name: `p${i}` }));
  const labels = samples.flatMap((s, p) => s.map(() => p));
  return { gallery: galleryFromRows(kind, dim, people, samples.flat(), labels), centers, samples };
}

/** Genuine probes, impostors (unenrolled faces), near-ties between two people, and exact ties. */
function probes(c: Clustered, count: number, seed: number): Float32Array[] {
  const rng = mulberry32(seed);
  const dim = c.gallery.dim;
  const pick = (): number => randInt(rng, c.samples.length);
  const out: Float32Array[] = [];
  for (let i = 0; i < count; i++) {
    const a = pick();
    const sa = c.samples[a]![randInt(rng, c.samples[a]!.length)]!;
    switch (i % 4) {
      case 0: out.push(mix([[c.centers[a]!, 1], [noise(rng, dim), 0.35]])); break;
      case 1: out.push(noise(rng, dim)); break;
      case 2: {
        const b = pick();
        const sb = c.samples[b]![randInt(rng, c.samples[b]!.length)]!;
        out.push(mix([[sa, 1], [sb, 1 + (rng() - 0.5) * 1e-3], [noise(rng, dim), 0.02]]));
        break;
      }
      default: out.push(mix([[c.samples[c.samples.length - 1]![0]!, 1], [noise(rng, dim), 0.05]]));
    }
  }
  return out;
}

/** The fast path's answers equal the exact loop's, probe by probe. */
function assertSameAnswers(exact: Matcher, fast: Matcher, ps: Float32Array[]): { named: number; unknown: number; close: number } {
  assert.equal(exact.scan, 'exact');
  assert.equal(fast.scan, 'int8-simd');
  const seen = { named: 0, unknown: 0, close: 0 };
  ps.forEach((p, i) => {
    const want = exact.match(p);
    assert.deepEqual(fast.match(p), want, `probe ${i}`);
    if (want.person) seen.named++;
    else seen.unknown++;
    if (want.margin < 1e-3) seen.close++;
  });
  return seen;
}

let kernel: DotKernel;
before(async () => {
  kernel = await loadDotKernel();
});

describe('quantisation', () => {
  test('paddedDim rounds up to whole 16-value steps', () => {
    for (const [dim, want] of [[1, 16], [15, 16], [16, 16], [17, 32], [128, 128], [512, 512], [1152, 1152], [2047, 2048]] as const) {
      assert.equal(paddedDim(dim), want, `dim ${dim}`);
    }
  });

  test('symmetric rounding into int8, with the scale set by the largest magnitude', () => {
    const cases: { v: number[]; q: number[]; scale: number }[] = [
      { v: [0.5, -0.25, 0, 1], q: [64, -32, 0, 127], scale: 1 / 127 },
      { v: [-2, 1, 0.004], q: [-127, 64, 0], scale: 2 / 127 },
      { v: [0, 0, 0], q: [0, 0, 0], scale: 0 },
      { v: [3], q: [127], scale: 3 / 127 },
    ];
    for (const c of cases) {
      const src = Float32Array.from(c.v);
      const dst = new Int8Array(c.v.length + 2).fill(99);
      const s = quantizeInto(src, 0, c.v.length, ROW_Q_MAX, dst, 1);
      assert.deepEqual(Array.from(dst), [99, ...c.q, 99], `q of ${c.v}`);
      assert.ok(Math.abs(s.scale - c.scale) < 1e-12, `scale of ${c.v}`);
      const back = c.q.map((q) => q * s.scale);
      const resid = Math.sqrt(c.v.reduce((acc, x, i) => acc + (Math.fround(x) - back[i]!) ** 2, 0));
      assert.ok(Math.abs(s.residualNorm - resid) < 1e-12);
      assert.ok(Math.abs(s.quantNorm - Math.hypot(...back)) < 1e-12);
      assert.ok(Math.abs(s.norm - Math.hypot(...src)) < 1e-12);
    }
  });

  test('round trip: every value comes back within half a step, for int8 rows and int16 probes', () => {
    const rng = mulberry32(3);
    for (const [qMax, dst] of [[ROW_Q_MAX, new Int8Array(300)], [PROBE_Q_MAX, new Int16Array(300)]] as const) {
      for (let trial = 0; trial < 20; trial++) {
        const v = gaussian(rng, 300).map((x) => x * 10 ** (trial % 5 - 2));
        const s = quantizeInto(v, 0, v.length, qMax, dst, 0);
        let maxAbs = 0;
        v.forEach((x, i) => {
          maxAbs = Math.max(maxAbs, Math.abs(x));
          assert.ok(Math.abs(dst[i]!) <= qMax);
          assert.ok(Math.abs(x - dst[i]! * s.scale) <= s.scale / 2 + 1e-15 * Math.abs(x));
        });
        assert.equal(Math.max(...Array.from(dst, Math.abs)), qMax, 'the largest value uses the full range');
        assert.ok(Math.abs(s.scale - maxAbs / qMax) < 1e-15 * maxAbs);
      }
    }
  });

  test('quantises from an offset within a larger array', () => {
    const src = Float32Array.from([9, 9, 0.5, -1, 9]);
    const dst = new Int16Array(2);
    const s = quantizeInto(src, 2, 2, PROBE_Q_MAX, dst, 0);
    assert.deepEqual(Array.from(dst), [Math.round(0.5 * PROBE_Q_MAX), -PROBE_Q_MAX]);
    assert.ok(Math.abs(s.scale - 1 / PROBE_Q_MAX) < 1e-15);
  });
});

describe('candidatePeople', () => {
  const f = (xs: number[]): Float64Array => Float64Array.from(xs);
  const cases: { name: string; approx: number[]; bound: number[]; need: number; want: number[] }[] = [
    { name: 'keeps the first ranks and anyone whose upper bound reaches the need-th lower bound', approx: [0.9, 0.5, 0.48, -Infinity, 0.1], bound: [0.01, 0.01, 0.01, 0, 0.01], need: 2, want: [0, 1, 2] },
    { name: 'a bound just short of the threshold is left out', approx: [0.9, 0.5, 0.47, 0.1], bound: [0.01, 0.01, 0.0099, 0.01], need: 2, want: [0, 1] },
    { name: 'wide bounds keep everyone', approx: [0.9, 0.5, 0.1], bound: [0.5, 0.5, 0.5], need: 2, want: [0, 1, 2] },
    { name: 'per-person bounds: a loosely bounded low scorer stays in', approx: [0.9, 0.8, 0.3, 0.75], bound: [0.001, 0.001, 0.6, 0.001], need: 2, want: [0, 1, 2] },
    { name: 'fewer people with samples than needed: all of them', approx: [-Infinity, 0.2, -Infinity], bound: [0, 0.01, 0], need: 4, want: [1] },
    { name: 'ties at the threshold are kept', approx: [0.5, 0.5, 0.5, 0.2], bound: [0, 0, 0, 0], need: 2, want: [0, 1, 2] },
  ];
  for (const c of cases) {
    test(c.name, () => assert.deepEqual(Array.from(candidatePeople(f(c.approx), f(c.bound), c.need)), c.want));
  }
});

describe('Int8RowScan', () => {
  test('every approximate score lies within the proven bound of the exact one, for awkward rows too', () => {
    const rng = mulberry32(11);
    for (const dim of [1, 17, 100, 512, FUSED_DIM, MAX_SCAN_DIM]) {
      const rows: Float32Array[] = [];
      for (let i = 0; i < 40; i++) rows.push(l2normalize(gaussian(rng, dim)));
      const spike = l2normalize(gaussian(rng, dim).map((x, i) => (i === 0 ? 40 : x))); // one outlier coordinate
      const oneHot = new Float32Array(dim);
      oneHot[dim - 1] = 1;
      rows.push(spike, oneHot, new Float32Array(dim), gaussian(rng, dim).map((x) => x * 3)); // and a zero row, a long row
      const flat = new Float32Array(rows.length * dim);
      rows.forEach((r, i) => flat.set(r, i * dim));
      const scan = new Int8RowScan(kernel, flat, rows.length, dim);
      for (const probe of [l2normalize(gaussian(rng, dim)), rows[3]!, spike, Float32Array.from(rows[5]!, (x) => -x * 0.3)]) {
        const out = new Float64Array(rows.length);
        const q = scan.scan(probe, out);
        rows.forEach((r, i) => {
          const err = Math.abs(out[i]! - exactDot(probe, r));
          const bound = scoreErrorBound(scan.rows.norm[i]!, scan.rows.quantNorm[i]!, scan.rows.residualNorm[i]!, q);
          assert.ok(err <= bound, `dim ${dim} row ${i}: error ${err} above bound ${bound}`);
        });
      }
    }
  });

  test('the longest rows sum to the i32 limit without overflow', () => {
    const dim = MAX_SCAN_DIM;
    const plus = new Float32Array(dim).fill(1 / Math.sqrt(dim));
    const scan = new Int8RowScan(kernel, Float32Array.from([...plus, ...plus.map((x) => -x)]), 2, dim);
    const out = new Float64Array(2);
    scan.scan(plus, out);
    // 2048 · 127 · 8191 = 2 130 444 288: just inside i32, and scaled back to ±1.
    assert.ok(Math.abs(out[0]! - 1) < 1e-6, `got ${out[0]}`);
    assert.ok(Math.abs(out[1]! + 1) < 1e-6, `got ${out[1]}`);
  });

  test('fits: positive dims up to the i32-safe length only', () => {
    assert.equal(Int8RowScan.fits(10, MAX_SCAN_DIM), true);
    assert.equal(Int8RowScan.fits(10, MAX_SCAN_DIM + 1), false);
    assert.equal(Int8RowScan.fits(10, 0), false);
    assert.equal(Int8RowScan.fits(5_000_000, 1024), false, 'beyond the 4 GiB of wasm32');
  });

  test('the kernel is compiled once per process', async () => {
    assert.equal(await loadDotKernel(), kernel);
    assert.equal(await loadMatchKernel(), kernel);
  });
});

describe('Matcher with the int8 prescan answers exactly as the float loop', () => {
  test('6000 samples, 512-d, max aggregate, several topK', () => {
    const c = clustered('head', 512, 6000, 6, 21);
    const ps = probes(c, 120, 22);
    for (const topK of [1, 10]) {
      const seen = assertSameAnswers(new Matcher(c.gallery, cfg({ topK })), new Matcher(c.gallery, cfg({ topK }), kernel), ps);
      assert.ok(seen.named > 10 && seen.unknown > 10 && seen.close > 10, `probes cover every case: ${JSON.stringify(seen)}`);
    }
  });

  test('6000 samples, 512-d, top2 aggregate', () => {
    const c = clustered('head', 512, 6000, 6, 31);
    assertSameAnswers(new Matcher(c.gallery, cfg({ aggregate: 'top2' })), new Matcher(c.gallery, cfg({ aggregate: 'top2' }), kernel), probes(c, 80, 32));
  });

  test('fused 1152-d (weighted halves), at least the cutoff', () => {
    const c = clustered('fused', FUSED_DIM, QUANTIZED_MIN_ROWS + 100, 5, 41);
    assertSameAnswers(new Matcher(c.gallery, cfg()), new Matcher(c.gallery, cfg(), kernel), probes(c, 60, 42));
  });

  test('2000 samples, 1152-d, with the cutoff lowered', () => {
    const c = clustered('fused', FUSED_DIM, 2000, 4, 45);
    const opts = cfg({ topK: 5, fusedWeight: 0.3 });
    assertSameAnswers(new Matcher(c.gallery, opts), new Matcher(c.gallery, opts, kernel, 2000), probes(c, 60, 46));
  });

  test('a dim that is not a multiple of 16', () => {
    const c = clustered('head', 100, 3000, 5, 51);
    assertSameAnswers(new Matcher(c.gallery, cfg()), new Matcher(c.gallery, cfg(), kernel, 1), probes(c, 120, 52));
  });

  test('exactly the cutoff size takes the prescan; one row fewer does not', () => {
    const c = clustered('head', 64, QUANTIZED_MIN_ROWS, 4, 61);
    assertSameAnswers(new Matcher(c.gallery, cfg()), new Matcher(c.gallery, cfg(), kernel), probes(c, 100, 62));
    const fewer: Gallery = { ...c.gallery, personIndex: c.gallery.personIndex.subarray(1), descriptors: c.gallery.descriptors.subarray(64) };
    assert.equal(new Matcher(fewer, cfg(), kernel).scan, 'exact');
  });

  test('people without samples and rows of unknown people are left out as by the exact loop', () => {
    const c = clustered('head', 32, 600, 4, 71);
    const people = [...c.gallery.people, { id: 1, name: 'no samples' }];
    const personIndex = c.gallery.personIndex.slice();
    personIndex[7] = -1;
    personIndex[8] = people.length + 3;
    const g: Gallery = { ...c.gallery, people, personIndex };
    assertSameAnswers(new Matcher(g, cfg()), new Matcher(g, cfg(), kernel, 1), probes(c, 120, 72));
  });

  test('empty galleries, centroids, too-small galleries and non-finite rows use the exact loop', () => {
    const empty = new Matcher(galleryFromRows('head', 16, [], [], []), cfg(), kernel, 0);
    assert.equal(empty.scan, 'exact');
    assert.deepEqual(empty.match(l2normalize(gaussian(mulberry32(1), 16))), { person: null, bestSimilarity: -1, margin: 0, topK: [] });
    const c = clustered('head', 32, 300, 4, 81);
    assert.equal(new Matcher(c.gallery, cfg({ aggregate: 'centroid' }), kernel, 1).scan, 'exact');
    assert.equal(new Matcher(c.gallery, cfg(), kernel).scan, 'exact');
    assert.equal(new Matcher(c.gallery, cfg(), undefined, 1).scan, 'exact');
    const bad = c.gallery.descriptors.slice();
    bad[5] = Number.NaN;
    assert.equal(new Matcher({ ...c.gallery, descriptors: bad }, cfg(), kernel, 1).scan, 'exact');
  });

  test('the prescan holds its int8 copy on top of the float rows', () => {
    const c = clustered('head', 100, 500, 4, 91);
    const exact = new Matcher(c.gallery, cfg());
    const fast = new Matcher(c.gallery, cfg(), kernel, 1);
    assert.equal(exact.galleryBytes, 500 * 100 * 4);
    assert.ok(fast.galleryBytes >= exact.galleryBytes + 500 * paddedDim(100));
  });
});
