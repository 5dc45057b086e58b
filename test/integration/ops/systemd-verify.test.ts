/**
 * `systemd-analyze verify` on the shipped units and on units rendered for this checkout. verify checks
 * syntax, unknown directives and that each ExecStart binary exists, so the screen unit needs cage and
 * chromium installed (CI: apt-get install systemd cage chromium).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readShippedUnit, renderUnit, SCREEN_UNIT, SERVER_UNIT, SHIPPED, SYSTEMD_DIR } from '../../../src/ops/systemd-units.ts';
import { REPO_ROOT } from '../../../src/ops/install-service.ts';
import { findExecutable } from '../../../src/ops/sd-notify.ts';

function loud(msg: string): string {
  console.error(`\n${'!'.repeat(msg.length)}\n${msg}\n${'!'.repeat(msg.length)}\n`);
  return msg;
}

const analyze = findExecutable('systemd-analyze');
const skipAll = analyze ? false : loud('systemd-analyze MISSING: cannot verify the units — apt-get install systemd');
const screenMissing = ['/usr/bin/cage', '/usr/bin/chromium'].filter((b) => !findExecutable(b));
const skipScreen = skipAll || (screenMissing.length ? loud(`${screenMissing.join(', ')} MISSING: cannot verify ${SCREEN_UNIT} (its ExecStart) — apt-get install cage chromium`) : false);

function run(args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(analyze as string, args, { timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, out: `${stdout}${stderr}` });
    });
  });
}

/** Problems verify reports for these files; lines about other units (the host's own) are ignored. */
async function verify(files: string[]): Promise<{ code: number; problems: string[] }> {
  const { code, out } = await run(['verify', ...files]);
  const names = files.map((f) => f.split('/').pop() as string);
  return { code, problems: out.split('\n').filter((l) => l.trim() && names.some((n) => l.includes(n))) };
}

describe('systemd-analyze verify', { skip: skipAll }, () => {
  test(`the shipped ${SERVER_UNIT} passes`, async () => {
    const r = await verify([join(SYSTEMD_DIR, SERVER_UNIT)]);
    assert.deepEqual(r.problems, []);
    assert.equal(r.code, 0);
  });

  test(`the shipped ${SCREEN_UNIT} passes`, { skip: skipScreen }, async () => {
    const r = await verify([join(SYSTEMD_DIR, SCREEN_UNIT)]);
    assert.deepEqual(r.problems, []);
    assert.equal(r.code, 0);
  });

  test('units rendered for this checkout (its node, its folder) pass', { skip: skipScreen }, async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'kiosk-units-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const params = { ...SHIPPED, installDir: REPO_ROOT, node: process.execPath, dataDir: join(dir, 'data') };
    const files = ([SERVER_UNIT, SCREEN_UNIT] as const).map((name) => {
      const path = join(dir, name);
      writeFileSync(path, renderUnit(name, readShippedUnit(name), params));
      return path;
    });
    const r = await verify(files);
    assert.deepEqual(r.problems, []);
    assert.equal(r.code, 0);
  });

  test('verify does catch a broken unit (the check is real)', async (t) => {
    const dir = mkdtempSync(join(tmpdir(), 'kiosk-units-'));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, SERVER_UNIT);
    writeFileSync(path, readShippedUnit(SERVER_UNIT).replace('ExecStart=/usr/bin/node', 'ExecStart=/nonexistent/node').replace('Restart=always', 'Restart=sometimes'));
    const r = await verify([path]);
    assert.notEqual(r.code, 0);
    assert.ok(r.problems.some((p) => /nonexistent\/node|Restart/.test(p)), r.problems.join('\n'));
  });

  test(`${SERVER_UNIT} keeps a low exposure score (systemd-analyze security)`, async (t) => {
    const { code, out } = await run(['security', '--offline=true', join(SYSTEMD_DIR, SERVER_UNIT)]);
    const m = /Overall exposure level for .*: ([\d.]+)/.exec(out);
    if (code !== 0 && !m) {
      t.skip(loud(`systemd-analyze security --offline is not supported here (systemd < 252): ${out.split('\n')[0]}`));
      return;
    }
    assert.ok(m, out);
    assert.ok(Number(m[1]) <= 3, `exposure ${m[1]} — hardening was loosened:\n${out}`);
  });
});
