/**
 * Open-set nearest-neighbour matching by cosine similarity. One pass of dot products over the
 * contiguous gallery, per-person best/second-best kept in two typed arrays: no object per sample.
 *
 * Large galleries, given the compiled SIMD kernel, first scan int8 copies of the rows; people whose
 * proven score interval (see match/quantized-scan.ts) can still reach the first topK + 1 ranks are
 * then re-scored exactly on their float rows, so `match` answers exactly what the full loop would.
 */
import { KioskError } from '../errors.ts';
import { applyFusionWeight } from './descriptors/fuse.ts';
import { isValidDescriptor, l2normalize } from './descriptors/vector.ts';
import type { Gallery, GalleryPerson } from './gallery.ts';
import { allFinite, candidatePeople, scoreErrorBound } from './match/quantized-scan.ts';
import { Int8RowScan, loadDotKernel, type DotKernel } from './match/simd-kernel.ts';
import type { MatcherOptions } from './options.ts';
import type { MatchCandidate, MatchResult } from './types.ts';

export type { DotKernel } from './match/simd-kernel.ts';

/**
 * Below this many rows the exact float loop is as fast as the int8 prescan plus re-scoring (and
 * needs no second copy of the gallery), so the prescan is not built.
 */
export const QUANTIZED_MIN_ROWS = 4096;

/**
 * The kernel for `new Matcher(gallery, opts, kernel)`, or undefined (exact matching, same answers)
 * when this runtime cannot compile WebAssembly SIMD; `onUnavailable` hears why. Call once at startup.
 */
export async function loadMatchKernel(onUnavailable?: (err: KioskError) => void): Promise<DotKernel | undefined> {
  try {
    return await loadDotKernel();
  } catch (err) {
    if (err instanceof KioskError) {
      onUnavailable?.(err);
      return undefined;
    }
    throw err;
  }
}

/** What the loop and enrollment need of a matcher: a raw descriptor in, a ranked answer out. */
export interface ProbeMatcher {
  match(raw: Float32Array): MatchResult;
}

/** A matcher whose probes first pass through a transform (the active triplet head). */
export class TransformedMatcher implements ProbeMatcher {
  constructor(
    private readonly inner: Matcher,
    private readonly transform: (raw: Float32Array) => Float32Array,
  ) {}

  match(raw: Float32Array): MatchResult {
    return this.inner.match(this.transform(raw));
  }
}

export interface MatcherConfig extends MatcherOptions {
  fusedWeight: number;
}

export class Matcher implements ProbeMatcher {
  readonly people: readonly GalleryPerson[];
  readonly dim: number;
  readonly #opts: MatcherConfig;
  readonly #kind: Gallery['kind'];
  /** Rows in match space (fused weight applied; centroids when aggregate = centroid). */
  readonly #rows: Float32Array;
  readonly #rowPerson: Int32Array;
  readonly #best: Float32Array;
  readonly #second: Float32Array;
  readonly #prescan: Prescan | undefined;

  /**
   * With `kernel` (from `loadMatchKernel`), galleries of at least `minRows` rows match through the
   * int8 prescan; without it, or for centroids, every probe takes the exact loop.
   */
  constructor(gallery: Gallery, opts: MatcherConfig, kernel?: DotKernel, minRows = QUANTIZED_MIN_ROWS) {
    this.#opts = opts;
    this.#kind = gallery.kind;
    this.people = gallery.people;
    this.dim = gallery.dim;
    const rows = gallery.descriptors.slice();
    if (gallery.kind === 'fused') applyFusionWeight(rows, opts.fusedWeight);
    if (opts.aggregate === 'centroid') {
      const c = centroids(rows, gallery.personIndex, gallery.people.length, gallery.dim);
      this.#rows = c.rows;
      this.#rowPerson = c.rowPerson;
    } else {
      this.#rows = rows;
      this.#rowPerson = gallery.personIndex;
    }
    this.#best = new Float32Array(gallery.people.length);
    this.#second = new Float32Array(gallery.people.length);
    const usePrescan = kernel !== undefined && opts.aggregate !== 'centroid' && this.size >= minRows && gallery.people.length > 0
      && this.#rows.length === this.size * this.dim && Int8RowScan.fits(this.size, this.dim) && allFinite(this.#rows);
    this.#prescan = usePrescan ? prescanOrNothing(kernel, this.#rows, this.#rowPerson, this.people.length, this.dim) : undefined;
  }

  get size(): number {
    return this.#rowPerson.length;
  }

  /** Which scan `match` runs: the exact float loop, or the int8 SIMD prescan with exact re-scoring. */
  get scan(): 'exact' | 'int8-simd' {
    return this.#prescan ? 'int8-simd' : 'exact';
  }

  /** Bytes the gallery occupies: float rows, plus the int8 copy and its memory when prescanning. */
  get galleryBytes(): number {
    return this.#rows.byteLength + (this.#prescan?.bytes ?? 0);
  }

  /** The probe in match space: a copy, fused-weighted when the gallery is fused. */
  toMatchSpace(raw: Float32Array): Float32Array {
    if (!isValidDescriptor(raw, this.dim)) {
      throw new KioskError('DESCRIPTOR_INVALID', `probe descriptor must be ${this.dim} finite values, got ${raw.length}`, { hint: 'the gallery and the engine use different descriptor models; re-enroll' });
    }
    const v = raw.slice();
    return this.#kind === 'fused' ? applyFusionWeight(v, this.#opts.fusedWeight) : v;
  }

  /** Per-person aggregate similarity for one probe (already in match space), into `out`. */
  scorePeople(probe: Float32Array, out: Float32Array = new Float32Array(this.people.length)): Float32Array {
    const best = this.#best;
    const second = this.#second;
    best.fill(-Infinity);
    second.fill(-Infinity);
    const dim = this.dim;
    const rows = this.#rows;
    for (let r = 0; r < this.#rowPerson.length; r++) keepTop2(best, second, this.#rowPerson[r] as number, dotRow(probe, rows, r * dim, dim));
    const top2 = this.#opts.aggregate === 'top2';
    for (let p = 0; p < out.length; p++) out[p] = aggregate(best, second, p, top2);
    return out;
  }

  /**
   * Exact scores for the people the prescan could not rule out of the first topK + 1 ranks; −Infinity
   * for everyone else, all of whom score below each of those ranks. Each candidate's rows are scored
   * in gallery order with the same arithmetic as `scorePeople`, so their scores are identical to it.
   */
  #scoreCandidates(prescan: Prescan, probe: Float32Array): Float32Array {
    const candidates = prescan.candidates(probe, this.#opts.aggregate === 'top2', this.#opts.topK + 1);
    const out = new Float32Array(this.people.length).fill(-Infinity);
    const best = this.#best;
    const second = this.#second;
    const dim = this.dim;
    const rows = this.#rows;
    const top2 = this.#opts.aggregate === 'top2';
    for (const p of candidates) {
      best[p] = -Infinity;
      second[p] = -Infinity;
      for (let k = prescan.start[p] as number; k < (prescan.start[p + 1] as number); k++) {
        const r = prescan.order[k] as number;
        keepTop2(best, second, p, dotRow(probe, rows, r * dim, dim));
      }
      out[p] = aggregate(best, second, p, top2);
    }
    return out;
  }

  match(raw: Float32Array): MatchResult {
    if (this.people.length === 0 || this.size === 0) {
      return { person: null, bestSimilarity: -1, margin: 0, topK: [] };
    }
    const probe = this.toMatchSpace(raw);
    const scores = this.#prescan ? this.#scoreCandidates(this.#prescan, probe) : this.scorePeople(probe);
    const order = Array.from(scores.keys()).filter((p) => scores[p] !== -Infinity).sort((a, b) => (scores[b] as number) - (scores[a] as number));
    const topK: MatchCandidate[] = order.slice(0, this.#opts.topK).map((p) => {
      const person = this.people[p] as GalleryPerson;
      return { personId: person.id, name: person.name, similarity: scores[p] as number };
    });
    const first = topK[0];
    if (!first) return { person: null, bestSimilarity: -1, margin: 0, topK };
    const margin = leadOver(scores, order[0] as number);
    return {
      person: first.similarity >= this.#opts.threshold && margin >= this.#opts.minMargin ? first : null,
      bestSimilarity: first.similarity,
      margin,
      topK,
    };
  }
}

function dotRow(probe: Float32Array, rows: Float32Array, off: number, dim: number): number {
  let s = 0;
  for (let i = 0; i < dim; i++) s += (probe[i] as number) * (rows[off + i] as number);
  return s;
}

/**
 * Offer one row's score to person p's best and second best. A row whose person index is out of range
 * reads undefined, which no score exceeds, so it is ignored.
 */
function keepTop2(best: Float32Array, second: Float32Array, p: number, s: number): void {
  if (s > (best[p] as number)) {
    second[p] = best[p] as number;
    best[p] = s;
  } else if (s > (second[p] as number)) second[p] = s;
}

/** A person's score: the best sample, or with top2 the mean of the best two when there are two. */
function aggregate(best: ArrayLike<number>, second: ArrayLike<number>, p: number, top2: boolean): number {
  const b = best[p] as number;
  const s2 = second[p] as number;
  return top2 && s2 > -Infinity ? (b + s2) / 2 : b;
}

/**
 * The int8 prescan of one gallery: the quantised rows, each person's rows (CSR: person p owns
 * `order[start[p]] … order[start[p+1] − 1]`, in gallery order), and per person the largest row norms
 * that the error bound needs.
 */
class Prescan {
  readonly start: Int32Array;
  readonly order: Int32Array;
  readonly #scan: Int8RowScan;
  readonly #rowPerson: Int32Array;
  readonly #bounds: { norm: Float64Array; quantNorm: Float64Array; residualNorm: Float64Array };
  readonly #rowScores: Float64Array;
  readonly #best: Float64Array;
  readonly #second: Float64Array;
  readonly #approx: Float64Array;
  readonly #bound: Float64Array;

  constructor(kernel: DotKernel, rows: Float32Array, rowPerson: Int32Array, people: number, dim: number) {
    const n = rowPerson.length;
    this.#scan = new Int8RowScan(kernel, rows, n, dim);
    this.#rowPerson = rowPerson;
    this.start = new Int32Array(people + 1);
    const known = (p: number): boolean => p >= 0 && p < people; // the exact loop never counts other rows either
    for (let r = 0; r < n; r++) {
      const p = rowPerson[r] as number;
      if (known(p)) this.start[p + 1] = (this.start[p + 1] as number) + 1;
    }
    for (let p = 0; p < people; p++) this.start[p + 1] = (this.start[p + 1] as number) + (this.start[p] as number);
    this.order = new Int32Array(this.start[people] as number);
    const fill = this.start.slice(0, people);
    this.#bounds = { norm: new Float64Array(people), quantNorm: new Float64Array(people), residualNorm: new Float64Array(people) };
    const rowNorms = this.#scan.rows;
    for (let r = 0; r < n; r++) {
      const p = rowPerson[r] as number;
      if (!known(p)) continue;
      this.order[fill[p] as number] = r;
      fill[p] = (fill[p] as number) + 1;
      for (const key of ['norm', 'quantNorm', 'residualNorm'] as const) {
        this.#bounds[key][p] = Math.max(this.#bounds[key][p] as number, rowNorms[key][r] as number);
      }
    }
    this.#rowScores = new Float64Array(n);
    this.#best = new Float64Array(people);
    this.#second = new Float64Array(people);
    this.#approx = new Float64Array(people);
    this.#bound = new Float64Array(people);
  }

  get bytes(): number {
    return this.#scan.bytes;
  }

  /** People who might rank in the first `need` exactly (ascending); see `candidatePeople`. */
  candidates(probe: Float32Array, top2: boolean, need: number): Int32Array {
    const q = this.#scan.scan(probe, this.#rowScores);
    const best = this.#best.fill(-Infinity);
    const second = this.#second.fill(-Infinity);
    const people = best.length;
    const scores = this.#rowScores;
    for (let r = 0; r < scores.length; r++) {
      const p = this.#rowPerson[r] as number;
      if (p < 0 || p >= people) continue;
      const s = scores[r] as number;
      if (s > (best[p] as number)) {
        second[p] = best[p] as number;
        best[p] = s;
      } else if (s > (second[p] as number)) second[p] = s;
    }
    const b = this.#bounds;
    for (let p = 0; p < people; p++) {
      // Order statistics move no further than the rows do, so the max and the top-two mean keep the row bound.
      this.#approx[p] = aggregate(best, second, p, top2);
      this.#bound[p] = scoreErrorBound(b.norm[p] as number, b.quantNorm[p] as number, b.residualNorm[p] as number, q);
    }
    return candidatePeople(this.#approx, this.#bound, need);
  }
}

/**
 * The prescan, or nothing when its WebAssembly memory cannot be allocated (RangeError): the exact
 * loop gives the same answers, only slower, and `Matcher.scan` says which one runs.
 */
function prescanOrNothing(kernel: DotKernel, rows: Float32Array, rowPerson: Int32Array, people: number, dim: number): Prescan | undefined {
  try {
    return new Prescan(kernel, rows, rowPerson, people, dim);
  } catch (err) {
    if (err instanceof RangeError) return undefined;
    throw err;
  }
}

/** Mean descriptor per person, re-normalised: one row per person that has samples. */
function centroids(rows: Float32Array, personIndex: Int32Array, people: number, dim: number): { rows: Float32Array; rowPerson: Int32Array } {
  const sums = new Float32Array(people * dim);
  const counts = new Int32Array(people);
  for (let r = 0; r < personIndex.length; r++) {
    const p = personIndex[r] as number;
    counts[p] = (counts[p] as number) + 1;
    for (let i = 0; i < dim; i++) sums[p * dim + i] = (sums[p * dim + i] as number) + (rows[r * dim + i] as number);
  }
  const present = Array.from(counts.keys()).filter((p) => (counts[p] as number) > 0);
  const out = new Float32Array(present.length * dim);
  present.forEach((p, k) => out.set(l2normalize(sums.subarray(p * dim, (p + 1) * dim)), k * dim));
  return { rows: out, rowPerson: Int32Array.from(present) };
}

/**
 * How far person `p` scores above the best other person, leaving out `skip` and people without
 * samples (−Infinity); 1 when nobody else is there. The kiosk's look-alike margin, and the
 * evaluation's, which leaves one person out.
 */
export function leadOver(scores: Float32Array, p: number, skip = -1): number {
  let other = -Infinity;
  for (let q = 0; q < scores.length; q++) if (q !== p && q !== skip && (scores[q] as number) > other) other = scores[q] as number;
  return other === -Infinity ? 1 : (scores[p] as number) - other;
}
