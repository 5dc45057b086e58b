import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readKeyedCache, writeKeyedCache } from '../../../src/model/eval/json-cache.ts';

describe('keyed JSON cache', () => {
  test('reads back what was written under the same key, and nothing under another', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kiosk-cache-'));
    try {
      const file = join(dir, 'nested', 'cache.json');
      await writeKeyedCache(file, 'k1', { a: { n: 1 } });
      assert.deepEqual(await readKeyedCache(file, 'k1'), { a: { n: 1 } });
      assert.deepEqual(await readKeyedCache(file, 'k2'), {}, 'other model settings: recompute');
      assert.deepEqual(await readdir(join(dir, 'nested')), ['cache.json'], 'no temp file left behind');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  test('a missing, corrupt or unset cache file reads as empty', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kiosk-cache-'));
    try {
      assert.deepEqual(await readKeyedCache(join(dir, 'none.json'), 'k'), {});
      await writeFile(join(dir, 'bad.json'), '{"key": "k", "entr');
      assert.deepEqual(await readKeyedCache(join(dir, 'bad.json'), 'k'), {});
      assert.deepEqual(await readKeyedCache(undefined, 'k'), {});
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
