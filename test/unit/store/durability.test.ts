/**
 * A punch the kiosk acknowledged must survive the process dying mid-write. The child prints each id
 * only after its commit returned; we SIGKILL it mid-burst and check every printed id is in the file.
 * (SIGKILL tests crash consistency; power-loss durability is what synchronous=FULL adds on top.)
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { openDatabase } from '../../../src/store/db.ts';
import { tempDir } from './helpers.ts';

const FIXTURE = fileURLToPath(new URL('./fixtures/punch-writer.ts', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** Kill once this many punches were acknowledged; the child would go on far longer. */
const KILL_AFTER = 1000;
const CHILD_MAX = 100_000;

interface ChildRun {
  acked: number[];
  signal: NodeJS.Signals | null;
  code: number | null;
  stderr: string;
}

function runAndKill(dbPath: string): Promise<ChildRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, dbPath, String(CHILD_MAX)], {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const acked: number[] = [];
    let pending = '';
    let stderr = '';
    let killed = false;
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) {
        if (line === 'ready') continue;
        acked.push(Number(line));
      }
      if (!killed && acked.length >= KILL_AFTER) {
        killed = true;
        child.kill('SIGKILL');
      }
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ acked, signal, code, stderr }));
  });
}

test('every acknowledged punch survives SIGKILL mid-burst', { timeout: 120_000 }, async (t) => {
  const tmp = tempDir();
  t.after(tmp.cleanup);
  const path = tmp.file();

  const run = await runAndKill(path);
  assert.equal(run.signal, 'SIGKILL', `child should be killed mid-burst, exited with code ${run.code}: ${run.stderr}`);
  assert.ok(run.acked.length >= KILL_AFTER, `only ${run.acked.length} punches acknowledged`);
  assert.ok(run.acked.every((id) => Number.isInteger(id) && id > 0), 'acknowledged ids are punch ids');

  // The killed writer left its WAL behind; opening recovers it.
  const db = openDatabase(path);
  t.after(() => db.close());
  assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
  const present = new Set(db.prepare<[], { id: number }>('SELECT id FROM punches').all().map((r) => r.id));
  const missing = run.acked.filter((id) => !present.has(id));
  assert.deepEqual(missing, [], `${missing.length} acknowledged punches lost`);
  assert.ok(present.size >= run.acked.length);
  assert.ok(present.size < CHILD_MAX, 'the child was stopped before finishing its burst');
});

test('the fixture is a real writer: run to completion it stores exactly what it acknowledges', { timeout: 60_000 }, async (t) => {
  const tmp = tempDir();
  t.after(tmp.cleanup);
  const path = tmp.file();
  const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE, path, '25'], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  assert.equal(code, 0);
  const acked = out.trim().split('\n').slice(1).map(Number);
  assert.equal(acked.length, 25);
  const db = new Database(path, { readonly: true });
  t.after(() => db.close());
  assert.deepEqual(db.prepare<[], { id: number }>('SELECT id FROM punches ORDER BY id').all().map((r) => r.id), acked);
});
