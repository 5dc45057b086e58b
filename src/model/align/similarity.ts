/**
 * Least-squares similarity transform (rotation, uniform scale, translation: 4 degrees of freedom)
 * between two point sets, as in Umeyama (1991) restricted to 2-D without reflection. Treating points
 * as complex numbers z = x + iy, the best map is w = a·z + t with
 *   a = Σ (wᵢ − w̄)·conj(zᵢ − z̄) / Σ |zᵢ − z̄|²,  t = w̄ − a·z̄.
 * Pure arithmetic: no image code here, so it is table-tested on its own.
 */
import { KioskError } from '../../errors.ts';
import type { Point } from '../types.ts';

/** x' = a·x − b·y + tx, y' = b·x + a·y + ty  (a = s·cos θ, b = s·sin θ). */
export interface Similarity {
  a: number;
  b: number;
  tx: number;
  ty: number;
}

export function fitSimilarity(from: readonly Point[], to: readonly Point[]): Similarity {
  if (from.length !== to.length || from.length < 2) {
    throw new KioskError('ALIGNMENT_FAILED', `a similarity needs at least 2 matching points, got ${from.length} and ${to.length}`);
  }
  const n = from.length;
  let fx = 0, fy = 0, tx = 0, ty = 0;
  for (let i = 0; i < n; i++) {
    fx += from[i]!.x; fy += from[i]!.y; tx += to[i]!.x; ty += to[i]!.y;
  }
  fx /= n; fy /= n; tx /= n; ty /= n;
  let re = 0, im = 0, norm = 0;
  for (let i = 0; i < n; i++) {
    const zx = from[i]!.x - fx, zy = from[i]!.y - fy;
    const wx = to[i]!.x - tx, wy = to[i]!.y - ty;
    // (w)·conj(z) = (wx + i·wy)(zx − i·zy)
    re += wx * zx + wy * zy;
    im += wy * zx - wx * zy;
    norm += zx * zx + zy * zy;
  }
  if (!(norm > 1e-9) || !Number.isFinite(norm)) {
    throw new KioskError('ALIGNMENT_FAILED', 'landmarks coincide: no similarity transform fits them', { hint: 'the face is too small or the landmarks are invalid' });
  }
  const a = re / norm;
  const b = im / norm;
  return { a, b, tx: tx - (a * fx - b * fy), ty: ty - (b * fx + a * fy) };
}

export function applySimilarity(m: Similarity, p: Point): Point {
  return { x: m.a * p.x - m.b * p.y + m.tx, y: m.b * p.x + m.a * p.y + m.ty };
}

export function invertSimilarity(m: Similarity): Similarity {
  const d = m.a * m.a + m.b * m.b;
  if (!(d > 0)) throw new KioskError('ALIGNMENT_FAILED', 'degenerate similarity transform (zero scale)');
  const a = m.a / d;
  const b = -m.b / d;
  return { a, b, tx: -(a * m.tx - b * m.ty), ty: -(b * m.tx + a * m.ty) };
}

/** Scale factor s of the transform (|a + ib|). */
export function similarityScale(m: Similarity): number {
  return Math.hypot(m.a, m.b);
}
