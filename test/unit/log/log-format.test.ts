import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { logFormatFor } from '../../../src/log.ts';

const logModule = fileURLToPath(new URL('../../../src/log.ts', import.meta.url));

/** Runs createLogger in a child so its stderr (fd 2) can be read. */
function logOnce(format: 'pretty' | 'json'): string {
  const script = `import { createLogger } from ${JSON.stringify(logModule)}; createLogger('info', '${format}').info({ trackId: 7 }, 'hello door');`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' } });
  assert.equal(r.status, 0, r.stderr);
  return r.stderr;
}

test('a terminal gets pretty logs, anything else JSON', () => {
  assert.equal(logFormatFor(true), 'pretty');
  assert.equal(logFormatFor(false), 'json');
  assert.equal(logFormatFor(undefined), 'json');
});

test('json format writes one JSON object per line', () => {
  const line = logOnce('json').trim();
  const parsed = JSON.parse(line) as { msg: string; trackId: number; level: number };
  assert.equal(parsed.msg, 'hello door');
  assert.equal(parsed.trackId, 7);
});

test('pretty format writes a readable line, not JSON', () => {
  const out = logOnce('pretty');
  assert.match(out, /INFO/);
  assert.match(out, /hello door/);
  assert.match(out, /trackId: 7/);
  assert.throws(() => JSON.parse(out.trim()));
});
