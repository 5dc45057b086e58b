/**
 * The kiosk UI has its own tsconfig (DOM types, bundler resolution), which `npm run typecheck`
 * does not cover; this keeps the screens type-checked against the server's protocol.ts in `npm test`.
 */
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import assert from 'node:assert/strict';

test('kiosk-ui type-checks against src/server/protocol.ts', () => {
  const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
  const project = fileURLToPath(new URL('../../../kiosk-ui/tsconfig.json', import.meta.url));
  const r = spawnSync(process.execPath, [tsc, '--noEmit', '-p', project], { encoding: 'utf8' });
  assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
});
