import { AdminRepo } from '../../../src/store/admin-repo.ts';
import { SetupCode, setupCodeFile } from '../../../src/server/auth/one-time-code.ts';
import { serverOptionsSchema } from '../../../src/server/options.ts';
import { loadTls } from '../../../src/server/tls.ts';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { configSchema } from '../../../src/config/schema.ts';
import { checkBackendReport, checkBackups, checkCamera, checkDatabase, checkDiskSpace, checkFfmpeg, checkKey, checkModelFiles, checkNetwork, checkSetup, doctorExitCode, formatDoctor, runDoctor, type DoctorProbes } from '../../../src/ops/doctor.ts';
import { openDatabase } from '../../../src/store/db.ts';
import { journalPathFor, PunchJournal } from '../../../src/store/punch-journal.ts';
import { backupFileName } from '../../../src/ops/backup.ts';
import { openStore } from '../../../src/store/store.ts';
import { KioskError } from '../../../src/errors.ts';
import { descriptor, tempDir } from '../store/helpers.ts';

const MIB = 1024 * 1024;
const NOW = Date.UTC(2024, 0, 10);

function probes(over: Partial<DoctorProbes> = {}): DoctorProbes {
  return {
    initBackend: () => Promise.resolve({ name: 'wasm', provider: '@tensorflow/tfjs-backend-wasm', tried: [{ choice: 'tensorflow', error: 'not installed' }] }),
    modelFiles: () => ({ human: [], faceApi: [] }),
    videoDevices: () => ['/dev/video0'],
    canOpen: () => true,
    freeBytes: () => 10_000 * MIB,
    resolveFfmpeg: () => '/usr/bin/ffmpeg',
    bundledFfmpeg: () => '/opt/kiosk/node_modules/@ffmpeg-installer/linux-x64/ffmpeg',
    ffmpegVersion: () => Promise.resolve('ffmpeg version 6.0'),
    now: () => NOW,
    ...over,
  };
}

describe('doctor checks', () => {
  test('backend: a failing load is a fail with its hint; pure-JS cpu is a warning', () => {
    assert.equal(checkBackendReport({ name: 'tensorflow', provider: '@tensorflow/tfjs-node', tried: [] }).status, 'ok');
    const cpu = checkBackendReport({ name: 'cpu', provider: 'x', tried: [{ choice: 'wasm', error: 'e' }] });
    assert.equal(cpu.status, 'warn');
    assert.match(cpu.fix ?? '', /tfjs-node/);
    const failed = checkBackendReport(new KioskError('BACKEND_UNAVAILABLE', 'nothing', { hint: 'reinstall with `npm ci`' }));
    assert.deepEqual([failed.status, failed.fix], ['fail', 'reinstall with `npm ci`']);
  });

  test('models: missing model.json or a missing weight shard fails, naming the file', (t) => {
    const tmp = tempDir();
    t.after(tmp.cleanup);
    const model = join(tmp.dir, 'm.json');
    writeFileSync(model, JSON.stringify({ weightsManifest: [{ paths: ['m.bin', 'm2.bin'] }] }));
    writeFileSync(join(tmp.dir, 'm.bin'), '');
    const r = checkModelFiles('models', [model, join(tmp.dir, 'absent.json')]);
    assert.equal(r.status, 'fail');
    assert.match(r.detail, /m2\.bin missing.*absent\.json missing/);
    writeFileSync(join(tmp.dir, 'm2.bin'), '');
    const manifest = join(tmp.dir, 'w-manifest.json');
    writeFileSync(manifest, JSON.stringify([{ paths: ['m.bin'] }]));
    assert.equal(checkModelFiles('models', [model, manifest]).status, 'ok');
  });

  test('camera: configured device absent fails, none at all warns, no permission fails, gst needs gst-launch', () => {
    assert.equal(checkCamera('/dev/video2', ['/dev/video0'], () => true, null).status, 'fail');
    assert.equal(checkCamera('auto', [], () => true, null).status, 'warn');
    const perm = checkCamera('auto', ['/dev/video0'], () => false, null);
    assert.deepEqual([perm.status, /video group/.test(perm.fix ?? '')], ['fail', true]);
    assert.equal(checkCamera('auto', ['/dev/video0', '/dev/video1'], (d) => d.endsWith('1'), null).status, 'ok');
    assert.equal(checkCamera('gst:csi', [], () => true, null).status, 'fail');
    assert.equal(checkCamera('gst:csi', [], () => true, '/usr/bin/gst-launch-1.0').status, 'ok');
    assert.equal(checkCamera('rtsp://cam/stream', [], () => true, null).status, 'ok');
  });

  test('disk: fail below the minimum, warn below the warning level', () => {
    assert.equal(checkDiskSpace('/d', 100 * MIB, 256, 2048).status, 'fail');
    assert.equal(checkDiskSpace('/d', 1000 * MIB, 256, 2048).status, 'warn');
    assert.equal(checkDiskSpace('/d', 4096 * MIB, 256, 2048).status, 'ok');
  });

  test('key: missing with sealed descriptors or readable by others fails; not yet created warns', () => {
    const base = { path: '/d/descriptor.key', exists: true, mode: '0600', problem: null, keyId: 'k1', databaseKeyId: 'k1', sealedSamples: 3, plainSamples: 0 };
    assert.equal(checkKey(base, true).status, 'ok');
    assert.equal(checkKey({ ...base, exists: false }, true).status, 'fail');
    assert.equal(checkKey({ ...base, exists: false, sealedSamples: 0, databaseKeyId: null }, true).status, 'warn');
    assert.equal(checkKey({ ...base, mode: '0644', problem: 'readable by other users' }, true).status, 'fail');
    assert.equal(checkKey({ ...base, keyId: 'k2' }, true).status, 'fail');
    assert.equal(checkKey({ ...base, plainSamples: 2 }, true).status, 'warn');
    assert.equal(checkKey({ ...base, sealedSamples: 0 }, false).status, 'warn');
  });

  test('backups: none yet or stale warns', (t) => {
    const tmp = tempDir();
    t.after(tmp.cleanup);
    assert.equal(checkBackups(tmp.dir, true, 1000, NOW, () => NOW).status, 'warn');
    writeFileSync(join(tmp.dir, backupFileName(NOW)), '');
    assert.equal(checkBackups(tmp.dir, true, 1000, NOW + 500, () => NOW).status, 'ok');
    assert.equal(checkBackups(tmp.dir, true, 1000, NOW + 5000, () => NOW).status, 'warn');
    assert.equal(checkBackups(tmp.dir, false, 1000, NOW, () => NOW).status, 'warn');
  });

  test('ffmpeg: unusable fails for a camera source, only warns for a GStreamer source', async () => {
    const broken = (): Promise<string> => Promise.reject(new Error('ENOENT'));
    assert.equal((await checkFfmpeg('auto', () => '/x/ffmpeg', broken)).status, 'fail');
    assert.equal((await checkFfmpeg('gst:csi', () => '/x/ffmpeg', broken)).status, 'warn');
    assert.equal((await checkFfmpeg('auto', () => '/x/ffmpeg', () => Promise.resolve('ffmpeg version 6'))).status, 'ok');
  });

  test('ffmpeg: the bundled 2018 build in use is a warning that names its age and the fix', async () => {
    const bundled = '/opt/kiosk/node_modules/@ffmpeg-installer/linux-x64/ffmpeg';
    const line = 'ffmpeg version N-47683-g0e8eb07980-static https://johnvansickle.com/ffmpeg/  Copyright (c) 2000-2018 the FFmpeg developers';
    const r = await checkFfmpeg('auto', () => bundled, () => Promise.resolve(line), bundled, NOW);
    assert.equal(r.status, 'warn');
    assert.match(r.detail, /bundled .* built 2018 \(6 years/);
    assert.match(r.fix ?? '', /ffmpeg 5 or newer .*apt install ffmpeg.*capture\.ffmpegPath/);
    const system = await checkFfmpeg('auto', () => '/usr/bin/ffmpeg', () => Promise.resolve('ffmpeg version 5.1.9-0+deb12u1 Copyright (c) 2000-2026'), bundled, NOW);
    assert.equal(system.status, 'ok');
  });

  test('database: a file that refuses writes fails, though its lock can be taken; decisions waiting in the journal are a warning', (t) => {
    const tmp = tempDir();
    t.after(tmp.cleanup);
    const path = tmp.file();
    openDatabase(path).close();
    const readOnly = (p: string): ReturnType<typeof openDatabase> => {
      const db = openDatabase(p);
      db.pragma('query_only = ON');
      return db;
    };
    const refused = checkDatabase(path, readOnly, NOW);
    assert.equal(refused.result.status, 'fail');
    assert.match(refused.result.detail, /not writable: attempt to write a readonly database/);
    assert.equal(refused.db, null);

    new PunchJournal(journalPathFor(path)).append({ id: 'x', kind: 'sighting', sighting: 'unknown', ts: NOW, kioskId: 'k', evidence: {}, count: 1 });
    const waiting = checkDatabase(path, openDatabase, NOW);
    t.after(() => waiting.db?.close());
    assert.equal(waiting.result.status, 'warn');
    assert.match(waiting.result.detail, /1 decisions .* wait in .*kiosk\.db\.pending\.jsonl/);
  });
});

describe('runDoctor', () => {
  test('a healthy data directory passes; a world-readable key fails the run with the chmod fix', async (t) => {
    const tmp = tempDir();
    t.after(tmp.cleanup);
    const config = configSchema.parse({ dataDir: tmp.dir });
    const store = openStore({ ...config.store, dataDir: tmp.dir });
    const { person } = store.people.upsert({ name: 'A' });
    store.people.addSamples(person.id, [{ descriptor: descriptor(8, 1), kind: 'faceres', modelVersion: 'm', quality: 1, sourceKey: 'a' }]);
    new AdminRepo(store.db).createFirst('admin', 'scrypt$10$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=');
    store.close();
    mkdirSync(join(tmp.dir, 'backups'));
    writeFileSync(join(tmp.dir, 'backups', backupFileName(NOW)), '');

    const good = await runDoctor(config, tmp.dir, probes());
    assert.deepEqual(good.filter((r) => r.status !== 'ok').map((r) => r.name), []);
    assert.equal(doctorExitCode(good), 0);
    assert.match(formatDoctor(good), /all checks passed/);

    chmodSync(join(tmp.dir, 'descriptor.key'), 0o644);
    const bad = await runDoctor(config, tmp.dir, probes({ freeBytes: () => 1000 * MIB }));
    const key = bad.find((r) => r.name === 'descriptor key');
    assert.equal(key?.status, 'fail');
    assert.match(key?.fix ?? '', /chmod 600/);
    assert.equal(bad.find((r) => r.name === 'disk')?.status, 'warn');
    assert.equal(doctorExitCode(bad), 1);
    assert.match(formatDoctor(bad), /\[FAIL\] descriptor key[\s\S]*→ chmod 600[\s\S]*1 problem to fix, 1 warning/);
  });

  test('an unwritable or corrupt database fails', async (t) => {
    const tmp = tempDir();
    t.after(tmp.cleanup);
    writeFileSync(join(tmp.dir, 'kiosk.db'), 'this is not a database, just text that is long enough to not be empty..............................................');
    const config = configSchema.parse({ dataDir: tmp.dir });
    const r = await runDoctor(config, tmp.dir, probes());
    assert.equal(r.find((x) => x.name === 'database')?.status, 'fail');
    assert.equal(doctorExitCode(r), 1);
  });
});

describe('setup and network checks', () => {
  test('before the first admin, doctor prints the setup code kiosk serve left on the device', (t) => {
    const tmp = tempDir();
    t.after(tmp.cleanup);
    assert.equal(checkSetup(0, tmp.dir).status, 'warn');
    assert.match(checkSetup(0, tmp.dir).fix ?? '', /kiosk/);
    const code = SetupCode.inFile(setupCodeFile(tmp.dir)).current()!;
    const r = checkSetup(0, tmp.dir);
    assert.equal(r.status, 'warn');
    assert.ok(r.detail.includes(code.match(/.{4}/gu)!.join('-')), r.detail);
    assert.equal(statSync(setupCodeFile(tmp.dir)).mode & 0o777, 0o600);
    assert.deepEqual(checkSetup(1, tmp.dir), { name: 'setup', status: 'ok', detail: '1 admin' });
  });

  test('loopback only says so; HTTPS prints the certificate\'s SHA-256 fingerprint', async (t) => {
    const tmp = tempDir();
    t.after(tmp.cleanup);
    const loop = checkNetwork(serverOptionsSchema.parse({}), tmp.dir, NOW);
    assert.equal(loop.status, 'ok');
    assert.match(loop.detail, /127\.0\.0\.1:8080: only this device/u);
    const lan = serverOptionsSchema.parse({ host: '0.0.0.0' });
    assert.equal(checkNetwork(lan, tmp.dir, NOW).status, 'warn', 'not made yet');
    const tls = await loadTls(lan, tmp.dir);
    const made = checkNetwork(lan, tmp.dir, NOW);
    assert.equal(made.status, 'ok');
    assert.ok(made.detail.includes(tls.fingerprint256), made.detail);
  });
});
