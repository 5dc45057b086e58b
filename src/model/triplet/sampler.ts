/**
 * P×K batch sampling: P distinct people, K faces each, so every batch holds anchor–positive pairs
 * and negatives for the semi-hard miner. Pure; all randomness comes from the injected rng.
 */
import { KioskError } from '../../errors.ts';
import { randInt, shuffled, type Rng } from './rng.ts';

/** Row indices per label, in first-seen label order (deterministic for a given input). */
export function groupByLabel(labels: ArrayLike<number>, rows?: ArrayLike<number>): Map<number, number[]> {
  const groups = new Map<number, number[]>();
  const n = rows ? rows.length : labels.length;
  for (let i = 0; i < n; i++) {
    const row = rows ? (rows[i] as number) : i;
    const label = labels[row] as number;
    let g = groups.get(label);
    if (!g) groups.set(label, (g = []));
    g.push(row);
  }
  return groups;
}

/**
 * People who can be anchors (two or more rows). Throws TRAINING_FAILED when fewer than two: no
 * batch would then hold both a positive pair and a negative.
 */
export function eligiblePeople(groups: ReadonlyMap<number, readonly number[]>): [number, readonly number[]][] {
  const eligible = [...groups.entries()].filter(([, rows]) => rows.length >= 2);
  if (eligible.length < 2) {
    throw new KioskError('TRAINING_FAILED', `triplet training needs at least 2 people with 2 or more training samples, got ${eligible.length}`, {
      hint: 'enrol more photos per person, or lower validationFraction',
      context: { eligiblePeople: eligible.length },
    });
  }
  return eligible;
}

export interface PKBatch {
  /** Row indices into the data, person by person (K consecutive rows per person). */
  indices: Int32Array;
  labels: Int32Array;
}

/**
 * One batch of up to P people × K rows. People are drawn without replacement from those with at
 * least two rows (a lone photo has no positive); P is capped at how many there are. A person with
 * at least K rows gives K distinct ones; with fewer, all of theirs plus random repeats up to K.
 */
export function samplePKBatch(groups: ReadonlyMap<number, readonly number[]>, p: number, k: number, rng: Rng): PKBatch {
  const eligible = eligiblePeople(groups);
  const people = shuffled(eligible, rng).slice(0, Math.min(p, eligible.length));
  const indices = new Int32Array(people.length * k);
  const labels = new Int32Array(people.length * k);
  people.forEach(([label, rows], i) => {
    const picked = shuffled(rows, rng).slice(0, k);
    while (picked.length < k) picked.push(rows[randInt(rng, rows.length)] as number);
    for (let j = 0; j < k; j++) {
      indices[i * k + j] = picked[j] as number;
      labels[i * k + j] = label;
    }
  });
  return { indices, labels };
}

/** Batches per epoch: enough that an epoch draws about as many rows as the training set has. */
export function batchesPerEpoch(trainRows: number, p: number, k: number): number {
  return Math.max(1, Math.ceil(trainRows / (p * k)));
}
