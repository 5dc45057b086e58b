/**
 * Open-set nearest-neighbour matching by cosine similarity. One pass of dot products over the
 * contiguous gallery, per-person best/second-best kept in two typed arrays: no object per sample.
 */
import { KioskError } from '../errors.ts';
import { applyFusionWeight } from './descriptors/fuse.ts';
import { isValidDescriptor, l2normalize } from './descriptors/vector.ts';
import type { Gallery, GalleryPerson } from './gallery.ts';
import type { MatcherOptions } from './options.ts';
import type { MatchCandidate, MatchResult } from './types.ts';

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

  constructor(gallery: Gallery, opts: MatcherConfig) {
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
  }

  get size(): number {
    return this.#rowPerson.length;
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
    for (let r = 0; r < this.#rowPerson.length; r++) {
      let s = 0;
      const off = r * dim;
      for (let i = 0; i < dim; i++) s += (probe[i] as number) * (rows[off + i] as number);
      const p = this.#rowPerson[r] as number;
      if (s > (best[p] as number)) {
        second[p] = best[p] as number;
        best[p] = s;
      } else if (s > (second[p] as number)) second[p] = s;
    }
    const top2 = this.#opts.aggregate === 'top2';
    for (let p = 0; p < out.length; p++) {
      const b = best[p] as number;
      const s2 = second[p] as number;
      out[p] = top2 && s2 > -Infinity ? (b + s2) / 2 : b;
    }
    return out;
  }

  match(raw: Float32Array): MatchResult {
    if (this.people.length === 0 || this.size === 0) {
      return { person: null, bestSimilarity: -1, margin: 0, topK: [] };
    }
    const scores = this.scorePeople(this.toMatchSpace(raw));
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
