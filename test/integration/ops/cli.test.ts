/** The operations commands as a user runs them: real `kiosk` processes on a throwaway data directory. */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, STACK_LINE } from '../../helpers/cli.ts';
import { openStore } from '../../../src/store/store.ts';
import type { PersonExport } from '../../../src/ops/export-person.ts';
import { REPO_ROOT } from '../../../src/ops/install-service.ts';

const T0 = Date.UTC(2024, 4, 2, 8, 0, 0);

function dataDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'kiosk-ops-cli-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const store = openStore({ dataDir: dir });
  const tam = store.people.upsert({ name: 'Nguyễn Thị Tâm', employeeCode: 'E1' }, 'admin').person;
  const v = new Float32Array(16).map((_, i) => Math.sin(i + 1));
  store.people.addSamples(tam.id, [{ descriptor: v, kind: 'faceres', modelVersion: 'm1', quality: 0.9, sourceKey: 'tam.jpg' }], 'admin');
  for (let k = 0; k < 5; k++) store.attendance.record({ personId: tam.id, ts: T0 + k * 86_400_000, kioskId: 'gate', similarity: 0.9, evidence: {} }, 0);
  store.close();
  return dir;
}

describe('kiosk ops commands', () => {
  test('config print --json reports each value and where it came from', async () => {
    const r = await runCli(['config', 'print', '--json'], { env: { KIOSK_OPS__BACKUP__KEEP: '2' }, timeoutMs: 60_000 });
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { values: Record<string, unknown>; origins: Record<string, string> };
    assert.equal(out.values['ops.backup.keep'], 2);
    assert.equal(out.origins['ops.backup.keep'], 'env KIOSK_OPS__BACKUP__KEEP');
    assert.equal(out.origins['logLevel'], 'cli');
    assert.equal(out.origins['ops.retention.punchesDays'], 'default');
  });

  test('export-person, backup, wipe, restore: the export is identical afterwards; a text file is refused', async (t) => {
    const dir = dataDir(t);
    const exp = await runCli(['--data-dir', dir, 'export-person', 'E1', '--json'], { timeoutMs: 60_000 });
    assert.equal(exp.code, 0, exp.stderr);
    const before = JSON.parse(exp.stdout) as PersonExport;
    assert.equal(before.person.name, 'Nguyễn Thị Tâm');
    assert.equal(before.punches.length, 5);
    assert.equal(before.samples.length, 1);
    assert.ok(!exp.stdout.includes('"descriptor"'), 'descriptors must not be exported by default');

    const file = join(dir, 'manual.db');
    const b = await runCli(['--data-dir', dir, 'backup', '--out', file], { timeoutMs: 60_000 });
    assert.equal(b.code, 0, b.stderr);
    assert.match(b.stdout, /backup written: .*manual\.db/);
    for (const f of readdirSync(dir)) if (f.startsWith('kiosk.db')) rmSync(join(dir, f));

    const bad = join(dir, 'notes.txt');
    writeFileSync(bad, 'not a database');
    const refused = await runCli(['--data-dir', dir, 'restore', bad], { timeoutMs: 60_000 });
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /not a SQLite database/);
    assert.doesNotMatch(refused.stderr, STACK_LINE);

    const r = await runCli(['--data-dir', dir, 'restore', file], { timeoutMs: 60_000 });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /restored .*1 people, 5 punches/);
    const after = await runCli(['--data-dir', dir, 'export-person', 'E1', '--json', '--include-descriptors'], { timeoutMs: 60_000 });
    const restored = JSON.parse(after.stdout) as PersonExport;
    // The first export is itself in the backed-up audit trail; apart from it the two are the same.
    const exported = restored.audit.filter((a) => a.action === 'person.export');
    assert.deepEqual(exported.map((a) => [a.actor.startsWith('cli'), a.details['includeDescriptors']]), [[true, false]], 'the first export was audited, and the backup kept it');
    const audit = restored.audit.filter((a) => a.action !== 'person.export');
    assert.deepEqual({ ...restored, audit, exportedAt: 0, samples: restored.samples.map(({ descriptor: _d, ...s }) => s) }, { ...before, exportedAt: 0 });
    assert.deepEqual(restored.samples[0]?.descriptor?.map((x) => Math.round(x * 1e6)), Array.from(new Float32Array(16).map((_, i) => Math.sin(i + 1))).map((x) => Math.round(x * 1e6)));
  });

  test('doctor exits non-zero and says what to fix when the key is readable by others', async (t) => {
    const dir = dataDir(t);
    chmodSync(join(dir, 'descriptor.key'), 0o644);
    const r = await runCli(['--data-dir', dir, 'doctor'], { timeoutMs: 120_000 });
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /\[FAIL\] descriptor key .*readable by other users/);
    assert.match(r.stdout, /→ chmod 600/);
    assert.match(r.stdout, /\[ok {2}\] database/);
  });

  test('install-service --dry-run prints the plan and the rendered units without doing anything', async () => {
    const r = await runCli(['install-service', '--dry-run', '--create-user', '--no-screen'], { timeoutMs: 60_000 });
    assert.match(r.stdout, /cat > \/etc\/systemd\/system\/attendance-kiosk\.service <<'UNIT'/);
    assert.match(r.stdout, /ExecStart=\S+node \S+\/bin\/kiosk\.js serve/);
    assert.match(r.stdout, /systemctl enable attendance-kiosk\.service$/m);
    assert.doesNotMatch(r.stdout, /attendance-kiosk-screen\.service/);
    // A checkout or node under /home or /root cannot be seen by the hardened service: the dry run says so and fails.
    const hidden = [REPO_ROOT, process.execPath].some((p) => /^\/(home|root|run\/user)\//.test(p));
    assert.equal(r.code, hidden ? 1 : 0, r.stderr);
    assert.equal(/^# PROBLEM: .*ProtectHome/m.test(r.stdout), hidden);
  });
});
