/**
 * Stratified, seeded train/validation split. Whole photos move together: rows that share a source
 * id (augmented variants of one photo) land on the same side, or validation would score near-copies
 * of training rows.
 */
import { shuffled, type Rng } from './rng.ts';

export interface Split {
  train: Int32Array;
  validation: Int32Array;
}

/**
 * For each person, round(fraction × their photos) photos go to validation, but never all of them:
 * everyone keeps at least one training photo so that rank-1 has a gallery entry for them.
 * People are visited in ascending label order so the split depends only on the data and the seed.
 */
export function stratifiedSplit(labels: Int32Array, fraction: number, rng: Rng, sources?: Int32Array): Split {
  const byPerson = new Map<number, Map<number, number[]>>();
  for (let i = 0; i < labels.length; i++) {
    const label = labels[i] as number;
    const source = sources ? (sources[i] as number) : i;
    let photos = byPerson.get(label);
    if (!photos) byPerson.set(label, (photos = new Map()));
    let rows = photos.get(source);
    if (!rows) photos.set(source, (rows = []));
    rows.push(i);
  }
  const train: number[] = [];
  const validation: number[] = [];
  for (const label of [...byPerson.keys()].sort((a, b) => a - b)) {
    const photos = [...(byPerson.get(label) as Map<number, number[]>).values()];
    const nVal = Math.min(Math.round(fraction * photos.length), photos.length - 1);
    shuffled(photos, rng).forEach((rows, i) => (i < nVal ? validation : train).push(...rows));
  }
  return { train: Int32Array.from(train.sort((a, b) => a - b)), validation: Int32Array.from(validation.sort((a, b) => a - b)) };
}
