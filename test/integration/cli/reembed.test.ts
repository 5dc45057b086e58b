/**
 * A model upgrade that strands nobody, with the real models on the tutorial's photos: a gallery
 * enrolled with the fused descriptor (plus one person saved the way the kiosk menu saves them, and
 * one enrolled before crops were kept) is re-embedded into arcface by `kiosk reembed`. A SIGKILL
 * part-way leaves the fused set active and working; a re-run finishes; a second normalisation of
 * the same file is another model version, built beside the first and never mixed with it.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { copyFile, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { datasetOrSkip, KIOSK_BIN, REPO_ROOT } from '../../helpers/dataset.ts';
import { runCli, STACK_LINE } from '../../helpers/cli.ts';
import type { IdentifyImageJson } from '../../../src/cli/identify.ts';
import type { ReembedResult } from '../../../src/cli/pipeline/reembed.ts';
import { openStore, type Store } from '../../../src/store/store.ts';

const ds = datasetOrSkip();
const ENROLLED = ['baejun', 'chipu', 'khanh'];
/** Enrolled through `kiosk enroll` into a staging person, then saved as the kiosk menu saves a person. */
const MENU_SOURCE = 'sontung';
const MENU_NAME = 'Sơn Tùng';
/** A person enrolled before crops were kept: a real descriptor of someone no one else resembles. */
const LEGACY_SOURCE = 'thaotam';
const LEGACY_NAME = 'Enrolled before crops';
/** Photos not enrolled, one per person, to identify. */
const HELD_OUT: Record<string, string> = { baejun: '012.jpg', khanh: '010.jpg', sontung: '012.jpg' };
const PHOTOS = 4;
const FUSED = { KIOSK_MODEL__DESCRIPTOR__KIND: 'fused' };
const CLI_TIMEOUT_MS = 600_000;

type ReembedJson = ReembedResult & { version: string };

describe('kiosk reembed: fused gallery to arcface without losing anyone', { skip: ds.skip }, () => {
  const dataset = ds.dir ?? '';
  let work = '';
  let dataDir = '';
  let fusedVersion = '';
  let arcfaceVersion = '';
  /** Every person with stored crops, by name → id. */
  const withCrops = new Map<string, number>();
  let legacyId = 0;
  let crops = 0;

  const withStore = <T>(fn: (s: Store) => T): T => {
    const s = openStore({ dataDir });
    try {
      return fn(s);
    } finally {
      s.close();
    }
  };
  const reembed = async (env: NodeJS.ProcessEnv = {}): Promise<ReembedJson> => {
    const r = await runCli(['--data-dir', dataDir, 'reembed', '--json'], { env, timeoutMs: CLI_TIMEOUT_MS });
    assert.equal(r.code, 0, r.stderr);
    assert.doesNotMatch(r.stdout + r.stderr, STACK_LINE);
    return JSON.parse(r.stdout) as ReembedJson;
  };
  /** Names the largest face of each held-out photo of these people, and asserts who it is. */
  const identifies = async (people: readonly string[], expected: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<void> => {
    const r = await runCli(['--data-dir', dataDir, 'identify', '--json', ...people.map((p) => join(dataset, p, HELD_OUT[p]!))], { env, timeoutMs: CLI_TIMEOUT_MS });
    assert.equal(r.code, 0, r.stderr);
    const subjects = (JSON.parse(r.stdout) as IdentifyImageJson[]).map((o) => o.faces.reduce((a, b) => (b.box.width > a.box.width ? b : a)));
    assert.deepEqual(subjects.map((f) => f.person), expected, JSON.stringify(subjects.map((f) => ({ similarity: f.similarity, margin: f.margin, candidates: f.candidates }))));
  };

  before(async () => {
    work = await mkdtemp(join(tmpdir(), 'kiosk-reembed-'));
    dataDir = join(work, 'data');
    const enrollDir = join(work, 'people');
    for (const p of [...ENROLLED, MENU_SOURCE, LEGACY_SOURCE]) {
      await mkdir(join(enrollDir, p), { recursive: true });
      for (const f of (await readdir(join(dataset, p))).sort().slice(0, p === LEGACY_SOURCE ? 1 : PHOTOS)) await copyFile(join(dataset, p, f), join(enrollDir, p, f));
    }
    const r = await runCli(['--data-dir', dataDir, 'enroll', enrollDir, '--json'], { env: FUSED, timeoutMs: CLI_TIMEOUT_MS });
    assert.equal(r.code, 0, r.stderr);
    const summary = JSON.parse(r.stdout) as { people: { name: string; id: number; added: number }[] };
    assert.deepEqual(summary.people.map((p) => p.name).sort(), [...ENROLLED, MENU_SOURCE, LEGACY_SOURCE].sort());

    withStore((store) => {
      const active = store.generations.active();
      assert.equal(active?.kind, 'fused', 'enrolled with the fused descriptor');
      fusedVersion = active.modelVersion;
      // The kiosk menu's confirm(): a new person, descriptors from the live loop, the aligned crops
      // encoded by encodeCropJpeg, source keys kiosk:<session>:<i>. The staging person's real
      // descriptors and crops (made by FaceEngine.detect + encodeCropJpeg in `kiosk enroll`) stand in.
      const staging = summary.people.find((p) => p.name === MENU_SOURCE)!.id;
      const records = store.people.sampleRecords(staging, { includeDescriptors: true });
      const session = randomUUID();
      const menu = store.people.upsert({ name: MENU_NAME, employeeCode: 'NV-004' }, 'admin:lead').person.id;
      const samples = records.map((s, i) => {
        const crop = store.people.crops.get(staging, s.sourceKey);
        assert.ok(crop, `staging photo ${s.sourceKey} kept its crop`);
        return { descriptor: Float32Array.from(s.descriptor!), kind: s.kind, modelVersion: s.modelVersion, quality: s.quality, sourceKey: `kiosk:${session}:${i}`, crop };
      });
      assert.ok(samples.length >= 3, 'the menu person has several photos');
      assert.equal(store.people.addSamples(menu, samples, 'admin:lead').added, samples.length);
      store.people.remove(staging, 'test');
      // Someone enrolled before crops were kept: their descriptor, no crop.
      const legacySource = summary.people.find((p) => p.name === LEGACY_SOURCE)!.id;
      const [legacySample] = store.people.sampleRecords(legacySource, { includeDescriptors: true });
      assert.ok(legacySample);
      legacyId = store.people.upsert({ name: LEGACY_NAME }, 'cli').person.id;
      store.people.addSamples(legacyId, [{ descriptor: Float32Array.from(legacySample.descriptor!), kind: 'fused', modelVersion: fusedVersion, quality: legacySample.quality, sourceKey: legacySample.sourceKey }], 'cli');
      store.people.remove(legacySource, 'test');

      for (const p of store.people.list()) if (p.id !== legacyId) withCrops.set(p.name, p.id);
      crops = [...withCrops.values()].reduce((n, id) => n + store.people.crops.ofPerson(id).length, 0);
      assert.deepEqual([...withCrops.keys()].sort(), [...ENROLLED, MENU_NAME].sort());
      assert.equal(store.people.loadGallery('fused', fusedVersion).people.length, 5);
      assert.deepEqual(store.people.crops.peopleWithoutCrops(), [{ id: legacyId, name: LEGACY_NAME }]);
    });
  });
  after(async () => {
    if (work) await rm(work, { recursive: true, force: true });
  });

  test('a SIGKILL after the first photo is embedded leaves the fused set active, whole and working', async () => {
    const child = spawn(process.execPath, [KIOSK_BIN, '--log-level', 'warn', '--data-dir', dataDir, 'reembed', '--json'], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.on('close', (code, signal) => resolve(signal ?? code)));
    let gone = false;
    void exited.then(() => (gone = true));

    const db = new Database(join(dataDir, 'kiosk.db'));
    db.pragma('busy_timeout = 10000');
    const arcfaceRows = db.prepare<[], { n: number }>("SELECT count(*) AS n FROM face_samples WHERE descriptor_kind = 'arcface'");
    try {
      const deadline = Date.now() + CLI_TIMEOUT_MS;
      while (arcfaceRows.get()!.n === 0) {
        assert.ok(!gone, `reembed ended before embedding anything: ${stderr}`);
        assert.ok(Date.now() < deadline, 'no arcface sample appeared');
        await new Promise((r) => setTimeout(r, 5));
      }
      // Take the write lock so the child cannot commit another photo (or the switch) before it dies.
      db.exec('BEGIN IMMEDIATE');
      child.kill('SIGKILL');
      assert.equal(await exited, 'SIGKILL');
      db.exec('ROLLBACK');
    } finally {
      if (!gone) child.kill('SIGKILL');
      db.close();
    }

    withStore((store) => {
      const done = store.people.countSamples({ kind: 'arcface' });
      assert.ok(done >= 1 && done < crops, `killed part-way: ${done} of ${crops} photos embedded`);
      const active = store.generations.active();
      assert.deepEqual([active?.kind, active?.modelVersion], ['fused', fusedVersion], 'the fused set is still the active one');
      assert.deepEqual(store.audit.list().filter((a) => a.action === 'gallery.activate'), [], 'nothing was switched');
      const fused = store.people.loadGallery('fused', fusedVersion);
      assert.deepEqual(fused.people.map((p) => p.name).sort(), [...ENROLLED, MENU_NAME, LEGACY_NAME].sort(), 'everyone is still in the fused gallery');
      assert.equal(fused.personIndex.length, crops + 1);
    });
    // The old gallery still recognises people, with the old model.
    await identifies(['baejun', MENU_SOURCE], ['baejun', MENU_NAME], FUSED);
  });

  test('a re-run finishes the set and switches to arcface (audited); people without crops are reported', async () => {
    const before = withStore((s) => s.people.countSamples({ kind: 'arcface' }));
    const r = await reembed();
    assert.deepEqual(r.failed, []);
    assert.equal(r.embedded, crops - before, 'only what the killed run left is embedded');
    assert.deepEqual([r.activated, r.alreadyActive], [true, false]);
    assert.deepEqual(r.needReenrollment, [{ id: legacyId, name: LEGACY_NAME }]);
    arcfaceVersion = r.version;
    assert.match(arcfaceVersion, /^onnx:fr_feature\.onnx:sha256=[0-9a-f]{64}:rgb\(x-127\)\/128$/);

    withStore((store) => {
      for (const [name, id] of withCrops) {
        assert.equal(store.people.countSamples({ personId: id, kind: 'arcface', modelVersion: arcfaceVersion }), store.people.crops.ofPerson(id).length, `${name}: every photo re-embedded`);
      }
      const arcface = store.people.loadGallery('arcface', arcfaceVersion);
      assert.deepEqual(arcface.people.map((p) => p.name).sort(), [...withCrops.keys()].sort(), 'nobody with a crop is lost');
      assert.equal(arcface.dim, 512);
      assert.equal(store.people.loadGallery('fused', fusedVersion).people.length, 5, 'the fused set is kept beside it');
      const active = store.generations.active();
      assert.deepEqual([active?.kind, active?.modelVersion], ['arcface', arcfaceVersion]);
      assert.match(active?.actor ?? '', /^cli(:.+)?$/u, 'the command records its system user');
      const audit = store.audit.list().filter((a) => a.action === 'gallery.activate');
      assert.equal(audit.length, 1);
      assert.deepEqual(audit[0]!.details, { modelVersion: arcfaceVersion, previousKind: 'fused', previousVersion: fusedVersion });
      const legacy = store.people.list().find((p) => p.id === legacyId);
      assert.equal(legacy?.needsReenrollment, true, 'the admin People page flags them');
    });

    const again = await reembed();
    assert.deepEqual([again.embedded, again.activated, again.alreadyActive], [0, false, true]);
  });

  test('identify with the default (arcface) descriptor names held-out photos, the menu-enrolled person included', async () => {
    await identifies(['baejun', 'khanh', MENU_SOURCE], ['baejun', 'khanh', MENU_NAME]);
  });

  test('another normalisation of the same file is another model version: built beside, never mixed', async () => {
    const r = await reembed({ KIOSK_MODEL__DESCRIPTOR__ONNX__MEAN: '127.5' });
    assert.notEqual(r.version, arcfaceVersion);
    assert.match(r.version, /:rgb\(x-127\.5\)\/128$/);
    assert.deepEqual([r.embedded, r.activated, r.failed.length], [crops, true, 0]);

    withStore((store) => {
      const first = store.people.loadGallery('arcface', arcfaceVersion);
      const second = store.people.loadGallery('arcface', r.version);
      assert.deepEqual([first.modelVersions, second.modelVersions], [[arcfaceVersion], [r.version]]);
      assert.deepEqual([first.personIndex.length, second.personIndex.length], [crops, crops]);
      const rows = (g: typeof first): string[] => Array.from({ length: g.personIndex.length }, (_, i) => Buffer.from(g.descriptors.buffer, i * g.dim * 4, g.dim * 4).toString('base64'));
      const old = new Set(rows(first));
      assert.ok(rows(second).every((row) => !old.has(row)), 'no row of the old version is in the new version\'s gallery');
      assert.deepEqual(store.people.loadGallery('arcface').modelVersions.sort(), [arcfaceVersion, r.version].sort(), 'unfiltered, the mix is visible (callers pass the version)');
      assert.equal(store.people.loadGallery('fused', fusedVersion).people.length, 5, 'older sets untouched');
      const active = store.generations.active();
      assert.deepEqual([active?.kind, active?.modelVersion], ['arcface', r.version]);
      const latest = store.audit.list().find((a) => a.action === 'gallery.activate');
      assert.deepEqual(latest?.details, { modelVersion: r.version, previousKind: 'arcface', previousVersion: arcfaceVersion });
    });
  });
});
