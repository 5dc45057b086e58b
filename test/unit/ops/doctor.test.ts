import { AdminRepo } from '../../../src/store/admin-repo.ts';
import { SetupCode, setupCodeFile } from '../../../src/server/auth/one-time-code.ts';
import { serverOptionsSchema } from '../../../src/server/options.ts';
import { loadTls } from '../../../src/server/tls.ts';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { configSchema } from '../../../src/config/schema.ts';
import { checkBackendReport, checkBackups, checkCamera, checkDatabase, checkDiskSpace, checkFaceModel, checkFfmpeg, checkGallery, checkKey, checkModelFiles, checkNetwork, checkSetup, doctorExitCode, formatDoctor, runDoctor, systemProbes, type DoctorProbes, type FaceModelFacts } from '../../../src/ops/doctor.ts';
import { resolveOnnxOptions, VENDORED_FACE_MODEL } from '../../../src/model/descriptors/onnx-options.ts';
import { templateVersion } from '../../../src/model/descriptors/onnx-template.ts';
import type { GalleryGeneration } from '../../../src/store/gallery-generations.ts';
import { openDatabase } from '../../../src/store/db.ts';
import { journalPathFor, PunchJournal } from '../../../src/store/punch-journal.ts';
import { backupFileName } from '../../../src/ops/backup.ts';
import { openStore } from '../../../src/store/store.ts';
import { KioskError } from '../../../src/errors.ts';
import { descriptor, tempDir } from '../store/helpers.ts';

const MIB = 1024 * 1024;
const NOW = Date.UTC(2024, 0, 10);
/** Stands in for the model file's hash, so the checks do not depend on the vendored file's bytes. */
const SHA = 'c0ffee'.repeat(10) + 'abcd';

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
    onnxProviders: () => Promise.resolve(['cpu']),
    sha256: () => Promise.resolve(SHA),
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
    const version = templateVersion(resolveOnnxOptions(config.model.descriptor.onnx), SHA);
    store.people.addSamples(person.id, [{ descriptor: descriptor(8, 1), kind: 'arcface', modelVersion: version, quality: 1, sourceKey: 'a', crop: Buffer.from('jpeg') }]);
    new AdminRepo(store.db).createFirst('admin', 'scrypt$10$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=');
    store.close();
    mkdirSync(join(tmp.dir, 'backups'));
    writeFileSync(join(tmp.dir, 'backups', backupFileName(NOW)), '');

    const good = await runDoctor(config, tmp.dir, probes());
    assert.deepEqual(good.filter((r) => r.status !== 'ok').map((r) => r.name), []);
    assert.match(good.find((r) => r.name === 'face model')?.detail ?? '', /arcface .*fr_feature\.onnx \(sha256 c0ffeec0ffee\); onnxruntime provider cpu/);
    assert.match(good.find((r) => r.name === 'gallery')?.detail ?? '', /matching uses arcface .*as configured/);
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

describe('face model and gallery checks', () => {
  const arcface: FaceModelFacts = { kind: 'arcface', modelPath: VENDORED_FACE_MODEL, sha256: SHA, providers: ['cpu'], executionProvider: 'auto' };
  const cases: { name: string; facts: FaceModelFacts; status: string; detail: RegExp }[] = [
    { name: 'auto on a CPU-only install runs cpu', facts: arcface, status: 'ok', detail: /models\/fr-feature\/fr_feature\.onnx \(sha256 c0ffeec0ffee\); onnxruntime provider cpu \(auto: no CUDA provider/ },
    { name: 'auto with CUDA installed runs cuda', facts: { ...arcface, providers: ['cuda', 'cpu'] }, status: 'ok', detail: /provider cuda \(auto: CUDA provider installed, CPU if it fails/ },
    { name: 'cpu asked for runs cpu even with CUDA', facts: { ...arcface, providers: ['cuda', 'cpu'], executionProvider: 'cpu' }, status: 'ok', detail: /provider cpu \(cpu\)/ },
    { name: 'cuda asked for without a CUDA provider fails', facts: { ...arcface, executionProvider: 'cuda' }, status: 'fail', detail: /executionProvider is cuda, but .* no CUDA provider/ },
    { name: 'a missing model file fails', facts: { ...arcface, modelPath: '/nowhere/model.onnx', sha256: new Error('ENOENT: no such file') }, status: 'fail', detail: /\/nowhere\/model\.onnx cannot be read: ENOENT/ },
    { name: 'onnxruntime that does not load fails', facts: { ...arcface, providers: new Error('libonnxruntime.so: cannot open shared object') }, status: 'fail', detail: /onnxruntime-node does not load: libonnxruntime/ },
    { name: 'a tfjs descriptor does not use the ONNX model', facts: { ...arcface, kind: 'fused', modelPath: null, sha256: null, providers: null }, status: 'ok', detail: /fused descriptor on tfjs/ },
  ];
  for (const c of cases) {
    test(`face model: ${c.name}`, () => {
      const r = checkFaceModel(c.facts);
      assert.equal(r.status, c.status, r.detail);
      assert.match(r.detail, c.detail);
      if (c.status !== 'ok') assert.ok(r.fix, 'a failure says what to do');
    });
  }

  const gen = (kind: string, modelVersion: string): GalleryGeneration => ({ kind, modelVersion, options: '', activatedAt: 0, actor: '' });
  const people = (n: number): { id: number; name: string }[] => Array.from({ length: n }, (_, i) => ({ id: i + 1, name: `Người ${i + 1}` }));

  test('gallery: nobody enrolled, or everything as configured, is fine', () => {
    assert.equal(checkGallery({ configured: { kind: 'arcface', version: 'v2' }, active: null, withoutCrops: [] }).status, 'ok');
    const same = checkGallery({ configured: { kind: 'arcface', version: 'v2' }, active: gen('arcface', 'v2'), withoutCrops: [] });
    assert.deepEqual([same.status, same.fix], ['ok', undefined]);
    assert.equal(checkGallery({ configured: { kind: 'fused', version: null }, active: gen('fused', 'anything'), withoutCrops: [] }).status, 'ok', 'a tfjs kind is compared by kind');
  });

  test('gallery: people without stored crops are listed as needing re-enrolment', () => {
    const r = checkGallery({ configured: { kind: 'arcface', version: 'v2' }, active: gen('arcface', 'v2'), withoutCrops: [{ id: 4, name: 'Trần Văn An' }] });
    assert.equal(r.status, 'warn');
    assert.match(r.detail, /1 person has no stored face crop and needs re-enrolment before a model change: Trần Văn An \(#4\)/);
    assert.match(r.fix ?? '', /enroll them again/);
    const many = checkGallery({ configured: { kind: 'arcface', version: 'v2' }, active: gen('arcface', 'v2'), withoutCrops: people(13) });
    assert.match(many.detail, /13 people have .*Người 10 \(#10\) and 3 more$/);
  });

  test('gallery: another active descriptor says kiosk reembed (arcface) or enroll again (others)', () => {
    const legacy = checkGallery({ configured: { kind: 'arcface', version: 'v2' }, active: gen('fused', 'human+face-api'), withoutCrops: people(2) });
    assert.equal(legacy.status, 'warn');
    assert.match(legacy.detail, /matching uses fused \(human\+face-api\), the configured descriptor is arcface \(v2\); 2 people have no stored face crop/);
    assert.match(legacy.fix ?? '', /`kiosk reembed`.*`kiosk serve` re-embeds .* in the background[\s\S]*enroll them again/);
    const otherFile = checkGallery({ configured: { kind: 'arcface', version: 'v3' }, active: gen('arcface', 'v2'), withoutCrops: [] });
    assert.deepEqual([otherFile.status, /kiosk reembed/.test(otherFile.fix ?? '')], ['warn', true]);
    const back = checkGallery({ configured: { kind: 'faceres', version: null }, active: gen('arcface', 'v2'), withoutCrops: [] });
    assert.equal(back.status, 'warn');
    assert.match(back.fix ?? '', /faceres cannot be computed from stored crops: set model\.descriptor\.kind back to arcface, or enroll everyone again/);
  });

  test('on this machine onnxruntime-node offers the CPU provider (last resort of auto)', async () => {
    const real = systemProbes(configSchema.parse({}), () => '/usr/bin/ffmpeg', () => null, () => Promise.reject(new Error('unused')), () => ({ human: [], faceApi: [] }));
    const providers = await real.onnxProviders();
    assert.equal(providers.at(-1), 'cpu');
    assert.match(await real.sha256(VENDORED_FACE_MODEL), /^[0-9a-f]{64}$/);
  });

  test('runDoctor: a legacy fused gallery with a person enrolled before crops warns, naming them and kiosk reembed', async (t) => {
    const tmp = tempDir();
    t.after(tmp.cleanup);
    const config = configSchema.parse({ dataDir: tmp.dir });
    const store = openStore({ ...config.store, dataDir: tmp.dir });
    const lan = store.people.upsert({ name: 'Lan' }).person.id;
    const an = store.people.upsert({ name: 'An' }).person.id;
    store.people.addSamples(lan, [{ descriptor: descriptor(8, 1), kind: 'fused', modelVersion: 'f1', quality: 1, sourceKey: 'lan', crop: Buffer.from('jpeg') }]);
    store.people.addSamples(an, [{ descriptor: descriptor(8, 2), kind: 'fused', modelVersion: 'f1', quality: 1, sourceKey: 'an' }]);
    store.close();
    const asked: string[] = [];
    const r = await runDoctor(config, tmp.dir, probes({ sha256: (path) => (asked.push(path), Promise.resolve(SHA)) }));
    assert.deepEqual(asked, [VENDORED_FACE_MODEL], 'the configured (vendored) model is hashed');
    const gallery = r.find((x) => x.name === 'gallery');
    assert.equal(gallery?.status, 'warn');
    assert.match(gallery?.detail ?? '', /matching uses fused \(f1\), the configured descriptor is arcface \(onnx:fr_feature\.onnx:sha256=c0ffee.*; 1 person has no stored face crop .*: An \(#\d+\)/);
    assert.match(formatDoctor(r), /\[WARN\] gallery .*\n.*→ run `kiosk reembed`/);
    assert.equal(doctorExitCode(r), 0, 'warnings only');

    const broken = await runDoctor(config, tmp.dir, probes({ onnxProviders: () => Promise.reject(new Error('no binding')) }));
    assert.equal(broken.find((x) => x.name === 'face model')?.status, 'fail');
    assert.equal(doctorExitCode(broken), 1);
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
