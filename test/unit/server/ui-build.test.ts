import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { uiBuildState } from '../../../src/server/ui-build.ts';

test('the UI counts as stale when dist is missing or older than a source file', () => {
  const root = mkdtempSync(join(tmpdir(), 'kiosk-ui-src-'));
  try {
    mkdirSync(join(root, 'src', 'kiosk'), { recursive: true });
    writeFileSync(join(root, 'src', 'kiosk', 'main.ts'), '');
    writeFileSync(join(root, 'index.html'), '');
    assert.deepEqual(uiBuildState(root), { dist: join(root, 'dist'), built: false, stale: true });
    mkdirSync(join(root, 'dist'));
    writeFileSync(join(root, 'dist', 'index.html'), '');
    writeFileSync(join(root, 'dist', 'admin.html'), '');
    assert.equal(uiBuildState(root).built, false, 'a build from before the hub admin page counts as missing');
    writeFileSync(join(root, 'dist', 'hub-admin.html'), '');
    const old = new Date(Date.now() - 60_000);
    for (const f of [join(root, 'src', 'kiosk', 'main.ts'), join(root, 'src', 'kiosk'), join(root, 'src'), join(root, 'index.html')]) utimesSync(f, old, old);
    const fresh = uiBuildState(root);
    assert.equal(fresh.stale, false, 'built after the sources');
    utimesSync(join(root, 'src', 'kiosk', 'main.ts'), new Date(), new Date(Date.now() + 60_000));
    assert.equal(uiBuildState(root).stale, true, 'a source changed since');
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
