import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { applySimilarity, fitSimilarity, invertSimilarity, similarityScale, type Similarity } from '../../../src/model/align/similarity.ts';
import { warpSimilarity } from '../../../src/model/align/warp.ts';
import { alignFace, ARCFACE_TEMPLATE, fivePointsFromMesh, sourceScale, TEMPLATE_SIZE, templateTransform, type FivePoints } from '../../../src/model/align/five-point.ts';
import type { RgbImage } from '../../../src/model/decode.ts';
import type { Point } from '../../../src/model/types.ts';
import { isKioskError } from '../../../src/errors.ts';

const alignmentFailed = (err: unknown): boolean => isKioskError(err) && err.code === 'ALIGNMENT_FAILED';

/** The similarity with scale s, rotation theta (radians) and translation (tx, ty). */
function similarity(s: number, theta: number, tx: number, ty: number): Similarity {
  return { a: s * Math.cos(theta), b: s * Math.sin(theta), tx, ty };
}

function assertClose(actual: number, expected: number, eps: number, what: string): void {
  assert.ok(Math.abs(actual - expected) <= eps, `${what}: ${actual} vs ${expected} (±${eps})`);
}

function assertSimilarityClose(actual: Similarity, expected: Similarity, eps: number): void {
  for (const k of ['a', 'b', 'tx', 'ty'] as const) assertClose(actual[k], expected[k], eps, k);
}

function sumSquaredResidual(m: Similarity, from: readonly Point[], to: readonly Point[]): number {
  return from.reduce((sum, p, i) => {
    const q = applySimilarity(m, p);
    return sum + (q.x - to[i]!.x) ** 2 + (q.y - to[i]!.y) ** 2;
  }, 0);
}

/** Packed RGB image whose pixel (x, y) is f(x, y). */
function image(width: number, height: number, f: (x: number, y: number) => [number, number, number]): RgbImage {
  const pixels = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) pixels.set(f(x, y), (y * width + x) * 3);
  return { width, height, pixels };
}

function pixel(img: RgbImage, x: number, y: number): [number, number, number] {
  const o = (y * img.width + x) * 3;
  return [img.pixels[o]!, img.pixels[o + 1]!, img.pixels[o + 2]!];
}

/** R rises 4 per column, G 5 per row, B constant: bilinear sampling of it is exact at half pixels. */
const gradient = (x: number, y: number): [number, number, number] => [x * 4, y * 5, 200];

describe('fitSimilarity (least-squares, 4 degrees of freedom)', () => {
  const cases: { name: string; m: Similarity }[] = [
    { name: 'identity', m: similarity(1, 0, 0, 0) },
    { name: 'translation only', m: similarity(1, 0, 12.5, -7) },
    { name: 'scale down, rotate 20°, translate', m: similarity(0.42, (20 * Math.PI) / 180, 30, 15) },
    { name: 'scale up, rotate −135°', m: similarity(2.3, (-135 * Math.PI) / 180, -4, 60) },
  ];
  for (const { name, m } of cases) {
    test(`recovers ${name} exactly from the five template points`, () => {
      const to = ARCFACE_TEMPLATE.map((p) => applySimilarity(m, p));
      assertSimilarityClose(fitSimilarity(ARCFACE_TEMPLATE, to), m, 1e-9);
    });
  }

  test('noisy points: close to the true transform, and no worse a fit than it (least squares)', () => {
    const m = similarity(1.8, 0.3, 12, -5);
    // Fixed, zero-mean-ish noise of up to half a pixel.
    const noise = [[0.4, -0.3], [-0.5, 0.2], [0.1, 0.5], [-0.2, -0.4], [0.3, 0.1]] as const;
    const to = ARCFACE_TEMPLATE.map((p, i) => {
      const q = applySimilarity(m, p);
      return { x: q.x + noise[i]![0], y: q.y + noise[i]![1] };
    });
    const fit = fitSimilarity(ARCFACE_TEMPLATE, to);
    assertClose(similarityScale(fit), 1.8, 0.02, 'scale');
    assertClose(Math.atan2(fit.b, fit.a), 0.3, 0.02, 'angle');
    assert.ok(sumSquaredResidual(fit, ARCFACE_TEMPLATE, to) <= sumSquaredResidual(m, ARCFACE_TEMPLATE, to) + 1e-12, 'the fit is the least-squares optimum');
    // Nudging any parameter makes the fit worse.
    const best = sumSquaredResidual(fit, ARCFACE_TEMPLATE, to);
    for (const k of ['a', 'b', 'tx', 'ty'] as const) {
      for (const d of [-1e-3, 1e-3]) assert.ok(sumSquaredResidual({ ...fit, [k]: fit[k] + d }, ARCFACE_TEMPLATE, to) > best, `${k}${d > 0 ? '+' : '-'}`);
    }
  });

  const degenerate: { name: string; from: Point[]; to: Point[] }[] = [
    { name: 'all points coincide', from: Array.from({ length: 5 }, () => ({ x: 3, y: 4 })), to: ARCFACE_TEMPLATE.slice() },
    { name: 'a single point', from: [{ x: 1, y: 2 }], to: [{ x: 3, y: 4 }] },
    { name: 'no points', from: [], to: [] },
    { name: 'different counts', from: ARCFACE_TEMPLATE.slice(0, 4), to: ARCFACE_TEMPLATE.slice() },
    { name: 'a NaN coordinate', from: [{ x: Number.NaN, y: 1 }, ...ARCFACE_TEMPLATE.slice(1)], to: ARCFACE_TEMPLATE.slice() },
    { name: 'an infinite coordinate', from: [{ x: Number.POSITIVE_INFINITY, y: 1 }, ...ARCFACE_TEMPLATE.slice(1)], to: ARCFACE_TEMPLATE.slice() },
  ];
  for (const { name, from, to } of degenerate) {
    test(`refuses ${name} with ALIGNMENT_FAILED`, () => {
      assert.throws(() => fitSimilarity(from, to), alignmentFailed);
    });
  }
});

describe('invertSimilarity', () => {
  for (const m of [similarity(1, 0, 0, 0), similarity(0.5, 1.1, 7, -3), similarity(3.2, -2.5, -40, 9)]) {
    test(`round-trips s=${similarityScale(m).toFixed(2)} θ=${Math.atan2(m.b, m.a).toFixed(2)}`, () => {
      const inv = invertSimilarity(m);
      for (const p of [{ x: 0, y: 0 }, { x: 10, y: -4 }, { x: -33.3, y: 81.5 }]) {
        const back = applySimilarity(inv, applySimilarity(m, p));
        assertClose(back.x, p.x, 1e-9, 'x');
        assertClose(back.y, p.y, 1e-9, 'y');
      }
      assertSimilarityClose(invertSimilarity(inv), m, 1e-9);
      assertClose(similarityScale(inv), 1 / similarityScale(m), 1e-12, 'scale');
    });
  }

  test('a zero-scale transform cannot be inverted', () => {
    assert.throws(() => invertSimilarity({ a: 0, b: 0, tx: 1, ty: 1 }), alignmentFailed);
  });
});

describe('warpSimilarity (bilinear, black outside)', () => {
  const src = image(40, 30, gradient);

  test('the identity copies the image', () => {
    const out = warpSimilarity(src, similarity(1, 0, 0, 0), 40, 30);
    assert.deepEqual(out.pixels, src.pixels);
  });

  test('a translation moves known pixels and fills what came from outside with black', () => {
    const out = warpSimilarity(src, similarity(1, 0, 3, 2), 40, 30);
    assert.deepEqual([out.width, out.height], [40, 30]);
    assert.deepEqual(pixel(out, 3, 2), pixel(src, 0, 0));
    assert.deepEqual(pixel(out, 20, 10), pixel(src, 17, 8));
    assert.deepEqual(pixel(out, 39, 29), pixel(src, 36, 27));
    for (const [u, v] of [[0, 0], [2, 10], [10, 1], [1, 29]] as const) assert.deepEqual(pixel(out, u, v), [0, 0, 0], `(${u},${v}) maps outside the source`);
  });

  test('a 90° rotation sends source (x, y) to output (H−1−y, x)', () => {
    const out = warpSimilarity(src, { a: 0, b: 1, tx: src.height - 1, ty: 0 }, src.height, src.width);
    assert.deepEqual([out.width, out.height], [30, 40]);
    for (const [x, y] of [[0, 0], [5, 7], [39, 29], [12, 0]] as const) assert.deepEqual(pixel(out, src.height - 1 - y, x), pixel(src, x, y), `source (${x},${y})`);
  });

  test('scaling up by 2 samples between pixels bilinearly', () => {
    const out = warpSimilarity(src, similarity(2, 0, 0, 0), 60, 50);
    assert.deepEqual(pixel(out, 10, 8), pixel(src, 5, 4), 'even output pixels land on source pixels');
    assert.deepEqual(pixel(out, 11, 8), [5.5 * 4, 4 * 5, 200], 'half-way between columns');
    assert.deepEqual(pixel(out, 11, 9), [5.5 * 4, 4.5 * 5 + 0.5, 200], 'half-way both ways (22.5 rounds up)');
  });

  test('a transform that sends everything off the source gives an all-black image', () => {
    const out = warpSimilarity(src, similarity(1, 0, 500, 500), 16, 16);
    assert.ok(out.pixels.every((v) => v === 0));
  });
});

/** A 468-point mesh with every point at (0, 0, 0) except those set in `at`. */
function mesh(at: Record<number, [number, number]>, length = 468): number[][] {
  return Array.from({ length }, (_, i) => (at[i] ? [...at[i]!, 0] : [0, 0, 0]));
}

const LEFT_EYE = [33, 7, 163, 144, 145, 153, 154, 155, 133, 173, 157, 158, 159, 160, 161, 246];
const RIGHT_EYE = [263, 249, 390, 373, 374, 380, 381, 382, 362, 398, 384, 385, 386, 387, 388, 466];

/** Eye contours on rings around (30, 40) and (70, 42); nose (50, 60); mouth corners (36, 80), (64, 81). */
function faceMesh(): Record<number, [number, number]> {
  const at: Record<number, [number, number]> = {};
  const ring = (indices: number[], cx: number, cy: number): void =>
    indices.forEach((i, k) => (at[i] = [cx + 6 * Math.cos((2 * Math.PI * k) / indices.length), cy + 3 * Math.sin((2 * Math.PI * k) / indices.length)]));
  ring(LEFT_EYE, 30, 40);
  ring(RIGHT_EYE, 70, 42);
  at[1] = [50, 60];
  at[61] = [36, 80];
  at[291] = [64, 81];
  return at;
}

describe('fivePointsFromMesh', () => {
  test('eye centres are the contour means; nose tip and mouth corners are taken as they are', () => {
    const points = fivePointsFromMesh(mesh(faceMesh()));
    assert.ok(points);
    const expected = [[30, 40], [70, 42], [50, 60], [36, 80], [64, 81]];
    points.forEach((p, i) => {
      assertClose(p.x, expected[i]![0]!, 1e-9, `point ${i} x`);
      assertClose(p.y, expected[i]![1]!, 1e-9, `point ${i} y`);
    });
  });

  test('an eye centre is the mean of its 16 contour points, not of two corners', () => {
    const at = faceMesh();
    at[33] = [at[33]![0] + 16, at[33]![1]]; // one contour point moved 16 px right moves the centre 1 px
    assertClose(fivePointsFromMesh(mesh(at))![0].x, 31, 1e-9, 'left eye x');
  });

  const bad: { name: string; m: () => number[][] }[] = [
    { name: 'a short mesh (no refinement points)', m: () => mesh(faceMesh(), 467) },
    { name: 'an empty mesh', m: () => [] },
    { name: 'a NaN eye-contour point', m: () => mesh({ ...faceMesh(), 160: [Number.NaN, 40] }) },
    { name: 'an infinite nose tip', m: () => mesh({ ...faceMesh(), 1: [50, Number.POSITIVE_INFINITY] }) },
    { name: 'a mouth corner without y', m: () => mesh(faceMesh()).map((p, i) => (i === 291 ? [64] : p)) },
  ];
  for (const { name, m } of bad) {
    test(`returns null for ${name}`, () => {
      assert.equal(fivePointsFromMesh(m()), null);
    });
  }
});

describe('alignFace', () => {
  /** The template's points as they would appear in a photo under `m`. */
  const photoPoints = (m: Similarity): FivePoints => ARCFACE_TEMPLATE.map((p) => applySimilarity(m, p)) as unknown as FivePoints;

  test('the template transform sends the five points onto the template (and onto a scaled one)', () => {
    const m = similarity(2.5, 0.2, 100, 40);
    const points = photoPoints(m);
    const t = templateTransform(points);
    points.forEach((p, i) => {
      const q = applySimilarity(t, p);
      assertClose(q.x, ARCFACE_TEMPLATE[i]!.x, 1e-9, `x${i}`);
      assertClose(q.y, ARCFACE_TEMPLATE[i]!.y, 1e-9, `y${i}`);
    });
    assertClose(sourceScale(t), 2.5, 1e-9, 'face size in source pixels per template pixel');
    const big = applySimilarity(templateTransform(points, 224), points[2]);
    assertClose(big.x, ARCFACE_TEMPLATE[2]!.x * 2, 1e-9, 'nose x at 224');
  });

  test('gives a 112×112 crop, and the template-placed face unchanged', () => {
    const photo = image(TEMPLATE_SIZE, TEMPLATE_SIZE, (x, y) => [(x * 2) % 256, (y * 2) % 256, (x + y) % 256]);
    const crop = alignFace(photo, photoPoints(similarity(1, 0, 0, 0)));
    assert.deepEqual([crop.width, crop.height, crop.pixels.length], [112, 112, 112 * 112 * 3]);
    let worst = 0;
    for (let i = 0; i < crop.pixels.length; i++) worst = Math.max(worst, Math.abs(crop.pixels[i]! - photo.pixels[i]!));
    assert.ok(worst <= 1, `largest difference ${worst}`);
  });

  test('undoes a rotation and scale of the face in the photo', () => {
    // A bright square at the template's nose tip, photographed at twice the size and rotated 30°.
    const m = similarity(2, Math.PI / 6, 120, 20);
    const inv = invertSimilarity(m);
    const nose = ARCFACE_TEMPLATE[2]!;
    const photo = image(400, 400, (x, y) => {
      const q = applySimilarity(inv, { x, y });
      return Math.abs(q.x - nose.x) < 6 && Math.abs(q.y - nose.y) < 6 ? [255, 255, 255] : [40, 40, 40];
    });
    const crop = alignFace(photo, photoPoints(m));
    assert.deepEqual([crop.width, crop.height], [112, 112]);
    assert.deepEqual(pixel(crop, Math.round(nose.x), Math.round(nose.y)), [255, 255, 255], 'the square is back at the nose');
    assert.deepEqual(pixel(crop, Math.round(nose.x) + 15, Math.round(nose.y)), [40, 40, 40], 'and only there');
    assert.deepEqual(pixel(crop, 20, 20), [40, 40, 40]);
  });

  test('a 224 crop for a model with a larger input', () => {
    const photo = image(300, 300, gradient);
    const crop = alignFace(photo, photoPoints(similarity(1.5, 0, 50, 50)), 224);
    assert.deepEqual([crop.width, crop.height], [224, 224]);
  });
});
