/** A folder-per-person data set: `<root>/<person>/<photo>`; the folder name is the person's name. */
import { readdir, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { KioskError, errorMessage } from '../../errors.ts';

export const IMAGE_EXTENSIONS = new Set(['.jpg', '.jpeg', '.png', '.webp']);

export interface DatasetImage {
  /** Path relative to the data set root, e.g. `khanh/001.jpg`. */
  file: string;
  path: string;
  person: string;
  label: number;
}

export interface Dataset {
  root: string;
  people: string[];
  images: DatasetImage[];
}

export async function listDataset(root: string): Promise<Dataset> {
  let entries;
  try {
    entries = await readdir(root, { withFileTypes: true });
  } catch (err) {
    throw new KioskError('DATASET_INVALID', `cannot read data set folder ${root}: ${errorMessage(err)}`, { hint: 'pass a folder holding one sub-folder of photos per person', context: { root } });
  }
  const people = entries.filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name.normalize('NFC')).sort((a, b) => a.localeCompare(b, 'vi'));
  const images: DatasetImage[] = [];
  for (const [label, person] of people.entries()) {
    const dir = join(root, person);
    const files = (await readdir(dir)).filter((f) => IMAGE_EXTENSIONS.has(extname(f).toLowerCase())).sort();
    for (const f of files) {
      const path = join(dir, f);
      if ((await stat(path)).isFile()) images.push({ file: `${person}/${f}`, path, person, label });
    }
  }
  if (people.length === 0 || images.length === 0) {
    throw new KioskError('DATASET_INVALID', `no person folders with photos in ${root}`, { hint: 'layout: <dir>/<person name>/<photo>.jpg', context: { root } });
  }
  return { root, people, images };
}
