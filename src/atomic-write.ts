/** Writes a file whole or not at all: a temp file beside it, then rename(2) over it. */
import { rename, writeFile } from 'node:fs/promises';

export async function writeFileAtomic(file: string, data: string): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, data);
  await rename(tmp, file);
}
