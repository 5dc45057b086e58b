/**
 * Stratified train/test split with the semantics of scikit-learn's `train_test_split(stratify=y)`
 * the tutorial used: the test set has ceil(testSize·N) items, shared out among classes in
 * proportion to their size (largest remainders), every class keeping at least one train item.
 */
import { KioskError } from '../../errors.ts';
import { mulberry32, shuffled } from '../rng.ts';

export interface Split {
  train: number[];
  test: number[];
}

export function stratifiedSplit(labels: readonly number[], testSize: number, seed: number): Split {
  if (!(testSize > 0 && testSize < 1)) throw new KioskError('USAGE', `test size must be between 0 and 1, got ${testSize}`);
  const byClass = new Map<number, number[]>();
  labels.forEach((l, i) => byClass.set(l, [...(byClass.get(l) ?? []), i]));
  const classes = [...byClass.keys()].sort((a, b) => a - b);
  const n = labels.length;
  const nTest = Math.ceil(testSize * n);
  if (nTest < classes.length) throw new KioskError('DATASET_INVALID', `a ${nTest}-item test set cannot hold all ${classes.length} classes`, { hint: 'use a larger --test-size or more photos per person' });
  const quotas = classes.map((c) => {
    const exact = (nTest * (byClass.get(c)?.length ?? 0)) / n;
    return { c, take: Math.floor(exact), rem: exact - Math.floor(exact) };
  });
  let left = nTest - quotas.reduce((s, q) => s + q.take, 0);
  for (const q of [...quotas].sort((a, b) => b.rem - a.rem || a.c - b.c)) {
    if (left <= 0) break;
    q.take++;
    left--;
  }
  const rng = mulberry32(seed);
  const train: number[] = [];
  const test: number[] = [];
  for (const q of quotas) {
    const members = shuffled(byClass.get(q.c) ?? [], rng);
    const take = Math.min(q.take, members.length - 1);
    test.push(...members.slice(0, take));
    train.push(...members.slice(take));
  }
  return { train: train.sort((a, b) => a - b), test: test.sort((a, b) => a - b) };
}
