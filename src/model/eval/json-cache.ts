/**
 * On-disk caches of embeddings: one JSON file of entries that hold only for one settings key.
 * A missing or unreadable file, or one written under another key, reads as empty (recompute).
 */
import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { writeFileAtomic } from '../../atomic-write.ts';

export async function readKeyedCache<T>(file: string | undefined, key: string): Promise<Record<string, T>> {
  if (!file) return {};
  try {
    const parsed = JSON.parse(await readFile(file, 'utf8')) as { key: string; entries: Record<string, T> };
    return parsed.key === key ? parsed.entries : {};
  } catch {
    return {};
  }
}

export async function writeKeyedCache<T>(file: string, key: string, entries: Record<string, T>): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await writeFileAtomic(file, JSON.stringify({ key, entries }));
}
