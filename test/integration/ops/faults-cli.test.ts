/**
 * Faults a user can cause, run as the user would (real `kiosk` processes): each must end in one
 * line on stderr naming the problem and what to do, a non-zero exit, and no stack trace.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, STACK_LINE, type CliResult } from '../../helpers/cli.ts';
import { openStore } from '../../../src/store/store.ts';

const PAGE = 4096;

function tempDataDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'kiosk-faults-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/**
 * A kiosk database with enough rows for many pages, whose last data pages (sightings) are then
 * overwritten: the header and the schema stay intact, so only a page check finds the damage.
 */
function corruptDatabase(dir: string): string {
  const store = openStore({ dataDir: dir });
  const id = store.people.upsert({ name: 'Tâm' }).person.id;
  for (let k = 0; k < 400; k++) store.attendance.recordSighting('unknown', 1_700_000_000_000 + k, 'gate', { note: 'x'.repeat(200) });
  store.attendance.record({ personId: id, ts: 1_700_000_000_000, kioskId: 'gate', similarity: 0.9, evidence: {} }, 0);
  store.close();
  const path = join(dir, 'kiosk.db');
  const pages = Math.floor(statSync(path).size / PAGE);
  assert.ok(pages > 8, `the test database has ${pages} pages`);
  const fd = openSync(path, 'r+');
  for (let p = pages - 10; p < pages - 2; p++) writeSync(fd, Buffer.alloc(PAGE, 0xa5), 0, PAGE, p * PAGE);
  closeSync(fd);
  return path;
}

function assertOneLine(r: CliResult, pattern: RegExp): void {
  assert.notEqual(r.code, 0, 'fails');
  assert.doesNotMatch(r.stderr, STACK_LINE, 'no stack trace');
  const lines = r.stderr.split('\n').filter((l) => l.trim() !== '');
  assert.equal(lines.length, 1, `one line on stderr, got:\n${r.stderr.slice(0, 2000)}`);
  assert.match(lines[0]!, /^kiosk: .+ — .+/, 'what went wrong — what to do');
  assert.match(lines[0]!, pattern);
}

function occupyPort(): Promise<{ port: number; server: Server }> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const addr = server.address();
      resolve({ port: typeof addr === 'object' && addr !== null ? addr.port : 0, server });
    });
  });
}

describe('faults a user can cause give one line', () => {
  test('a database with corrupt pages but an intact header', async (t) => {
    const dir = tempDataDir(t);
    corruptDatabase(dir);
    const r = await runCli(['--data-dir', dir, 'retention'], { timeoutMs: 60_000 });
    assertOneLine(r, /database .*kiosk\.db is damaged .*kiosk restore/);
    assert.equal(r.code, 1);
  });

  test('port already in use, for serve and demo', async (t) => {
    const { port, server } = await occupyPort();
    t.after(() => server.close());
    const dir = tempDataDir(t);
    const serve = await runCli(['--data-dir', dir, 'serve', '--host', '127.0.0.1', '--port', String(port), '--source', dir], { timeoutMs: 60_000 });
    assertOneLine(serve, new RegExp(`port ${port} on 127\\.0\\.0\\.1 is already in use .*--port`));
    const demo = await runCli(['--data-dir', dir, 'demo', dir, '--port', String(port)], { timeoutMs: 60_000, env: { KIOSK_SERVER__HOST: '127.0.0.1' } });
    assertOneLine(demo, new RegExp(`port ${port} on 127\\.0\\.0\\.1 is already in use`));
  });

  test('a missing source', async (t) => {
    const dir = tempDataDir(t);
    const r = await runCli(['--data-dir', dir, 'serve', '--port', '0', '--source', join(dir, 'no-such-folder')], { timeoutMs: 60_000 });
    assertOneLine(r, /capture source not found: .*no-such-folder/);
  });
});
