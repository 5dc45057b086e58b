/** The enrolled faces as the matcher reads them: one contiguous block of descriptor rows. */
import { KioskError } from '../errors.ts';
import type { DescriptorKind } from './types.ts';

export interface GalleryPerson {
  id: number;
  name: string;
}

/** `head` = the output space of a trained triplet head: plain cosine, no fusion weight. */
export type GalleryKind = DescriptorKind | 'head';

export interface Gallery {
  kind: GalleryKind;
  dim: number;
  people: GalleryPerson[];
  /** Index into `people` for each sample row. */
  personIndex: Int32Array;
  /** Sample rows, `dim` floats each, raw as stored (fused rows unweighted). */
  descriptors: Float32Array;
}

export function sampleCount(g: Gallery): number {
  return g.personIndex.length;
}

/** Build a gallery from labelled rows (evaluation and tests); `labels[i]` indexes `people`. */
export function galleryFromRows(kind: GalleryKind, dim: number, people: GalleryPerson[], rows: readonly Float32Array[], labels: ArrayLike<number>): Gallery {
  if (rows.length !== labels.length) throw new KioskError('DESCRIPTOR_INVALID', `${rows.length} rows but ${labels.length} labels`);
  const descriptors = new Float32Array(rows.length * dim);
  const personIndex = new Int32Array(rows.length);
  rows.forEach((r, i) => {
    if (r.length !== dim) throw new KioskError('DESCRIPTOR_INVALID', `row ${i} has ${r.length} values, expected ${dim}`);
    descriptors.set(r, i * dim);
    personIndex[i] = labels[i] ?? -1;
  });
  return { kind, dim, people, personIndex, descriptors };
}
