/** Shared setup for store tests: real SQLite files in a throwaway directory. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Db } from '../../../src/store/db.ts';

export interface TempDir {
  dir: string;
  file(name?: string): string;
  cleanup(): void;
}

export function tempDir(): TempDir {
  const dir = mkdtempSync(join(tmpdir(), 'kiosk-store-'));
  return {
    dir,
    file: (name = 'kiosk.db') => join(dir, name),
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A settable clock: tests move time explicitly. */
export function fakeClock(start = Date.UTC(2024, 2, 1, 8, 0, 0)): { now: () => number; set(ts: number): void; advance(ms: number): void } {
  let t = start;
  return {
    now: () => t,
    set: (ts) => {
      t = ts;
    },
    advance: (ms) => {
      t += ms;
    },
  };
}

/** A fresh migrated database in its own temp dir; close and delete with `done()`. */
export function freshDb(): { db: Db; path: string; done(): void } {
  const tmp = tempDir();
  const path = tmp.file();
  const db = openDatabase(path);
  return {
    db,
    path,
    done: () => {
      if (db.open) db.close();
      tmp.cleanup();
    },
  };
}

/** A unit-ish descriptor whose values depend on `seed`, so rows are distinguishable in layout tests. */
export function descriptor(dim: number, seed: number): Float32Array {
  const v = new Float32Array(dim);
  for (let i = 0; i < dim; i++) v[i] = seed + i / 1000;
  return v;
}
