/**
 * Synthetic face descriptors for the triplet tests: each person is a random centre, each photo adds
 * a strong low-rank "nuisance" (pose/lighting shared by everyone) and small isotropic noise, then
 * the row is L2-normalised. Raw cosine similarity is dominated by the nuisance, so a head has
 * something to learn: suppress those directions.
 */
import { mulberry32, normal, type Rng } from '../../../src/model/triplet/rng.ts';

export interface SyntheticSet {
  descriptors: Float32Array;
  labels: Int32Array;
  dim: number;
}

export interface SyntheticWorld {
  dim: number;
  centres: Float32Array[];
  nuisance: Float32Array[];
  /** Draws `perPerson` photos of every person from the world. */
  sample(perPerson: number, rng: Rng): SyntheticSet;
}

export function makeWorld(opts: { people: number; dim: number; nuisanceRank: number; nuisanceScale: number; noise: number; seed: number }): SyntheticWorld {
  const rng = mulberry32(opts.seed);
  const vec = (): Float32Array => Float32Array.from({ length: opts.dim }, () => normal(rng) / Math.sqrt(opts.dim));
  const centres = Array.from({ length: opts.people }, vec);
  const nuisance = Array.from({ length: opts.nuisanceRank }, vec);
  return {
    dim: opts.dim,
    centres,
    nuisance,
    sample(perPerson, r) {
      const n = opts.people * perPerson;
      const descriptors = new Float32Array(n * opts.dim);
      const labels = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        const person = i % opts.people;
        labels[i] = person;
        const coef = nuisance.map(() => normal(r) * opts.nuisanceScale);
        let s = 0;
        for (let j = 0; j < opts.dim; j++) {
          let v = (centres[person] as Float32Array)[j] as number;
          v += (normal(r) * opts.noise) / Math.sqrt(opts.dim);
          nuisance.forEach((d, q) => (v += (coef[q] as number) * (d[j] as number)));
          descriptors[i * opts.dim + j] = v;
          s += v * v;
        }
        const inv = 1 / Math.sqrt(s);
        for (let j = 0; j < opts.dim; j++) descriptors[i * opts.dim + j] = (descriptors[i * opts.dim + j] as number) * inv;
      }
      return { descriptors, labels, dim: opts.dim };
    },
  };
}

/** Mean cosine of same-person and different-person pairs (rows assumed normalised). */
export function pairSimilarities(rows: Float32Array, labels: Int32Array, dim: number): { genuine: number; impostor: number } {
  let g = 0;
  let gn = 0;
  let im = 0;
  let imn = 0;
  for (let a = 0; a < labels.length; a++) {
    for (let b = a + 1; b < labels.length; b++) {
      let s = 0;
      for (let j = 0; j < dim; j++) s += (rows[a * dim + j] as number) * (rows[b * dim + j] as number);
      if (labels[a] === labels[b]) {
        g += s;
        gn++;
      } else {
        im += s;
        imn++;
      }
    }
  }
  return { genuine: g / gn, impostor: im / imn };
}

/** Leave-one-out nearest-neighbour accuracy over the rows. */
export function nearestNeighbourAccuracy(rows: Float32Array, labels: Int32Array, dim: number): number {
  let correct = 0;
  for (let a = 0; a < labels.length; a++) {
    let best = -Infinity;
    let bestLabel = -1;
    for (let b = 0; b < labels.length; b++) {
      if (a === b) continue;
      let s = 0;
      for (let j = 0; j < dim; j++) s += (rows[a * dim + j] as number) * (rows[b * dim + j] as number);
      if (s > best) {
        best = s;
        bestLabel = labels[b] as number;
      }
    }
    if (bestLabel === labels[a]) correct++;
  }
  return correct / labels.length;
}
