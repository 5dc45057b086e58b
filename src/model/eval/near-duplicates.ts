/**
 * Byte-identical and near-identical photos. The tutorial's set holds copies on both sides of a
 * split; a test face with a near-copy in train is a memory test, not recognition.
 * Near-identical = difference hash (9×8 grey gradients, 64 bits) within `maxHamming` bits.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import sharp from 'sharp';

export interface ImageFingerprint {
  sha256: string;
  dhash: bigint;
}

export async function fingerprint(path: string): Promise<ImageFingerprint> {
  const data = await readFile(path);
  const sha256 = createHash('sha256').update(data).digest('hex');
  const grey = await sharp(data).rotate().greyscale().resize(9, 8, { fit: 'fill' }).raw().toBuffer();
  let dhash = 0n;
  for (let y = 0; y < 8; y++) {
    for (let x = 0; x < 8; x++) {
      dhash = (dhash << 1n) | ((grey[y * 9 + x] ?? 0) > (grey[y * 9 + x + 1] ?? 0) ? 1n : 0n);
    }
  }
  return { sha256, dhash };
}

export function hamming(a: bigint, b: bigint): number {
  let x = a ^ b;
  let n = 0;
  while (x) {
    n += Number(x & 1n);
    x >>= 1n;
  }
  return n;
}

export function isNearCopy(a: ImageFingerprint, b: ImageFingerprint, maxHamming: number): boolean {
  return a.sha256 === b.sha256 || hamming(a.dhash, b.dhash) <= maxHamming;
}

/** Groups of indices whose photos are copies of each other (union–find over all pairs). */
export function duplicateGroups(prints: readonly ImageFingerprint[], maxHamming: number): number[][] {
  const parent = prints.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i] as number] as number;
    return i;
  };
  for (let i = 0; i < prints.length; i++) {
    for (let j = i + 1; j < prints.length; j++) {
      if (isNearCopy(prints[i] as ImageFingerprint, prints[j] as ImageFingerprint, maxHamming)) parent[find(i)] = find(j);
    }
  }
  const groups = new Map<number, number[]>();
  prints.forEach((_, i) => groups.set(find(i), [...(groups.get(find(i)) ?? []), i]));
  return [...groups.values()].filter((g) => g.length > 1);
}
