/**
 * Erasing a person reaches every model version kept on disk: the active head, the latest trained
 * one and the previous versions persist.ts keeps beside them all name the people they were trained
 * on, and none may still name the erased person afterwards.
 */
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '../../../src/model/tfjs.ts';
import { TripletHead } from '../../../src/model/triplet/head.ts';
import { HeadStore } from '../../../src/model/triplet/head-store.ts';
import { ERASED_NAME, erasePersonFromHeads } from '../../../src/model/triplet/persist.ts';
import type { TripletHeadMetadata } from '../../../src/model/triplet/train.ts';
import { defaultTripletOptions } from '../../../src/model/triplet/options.ts';
import { mulberry32 } from '../../../src/model/triplet/rng.ts';
import { erasePerson } from '../../../src/ops/retention.ts';
import { openStore } from '../../../src/store/store.ts';

function metadata(head: TripletHead, names: string[], createdAt: string): TripletHeadMetadata {
  return {
    createdAt, descriptorKind: 'faceres', modelVersion: 'v1', head: head.config,
    people: names.map((name, label) => ({ label, name, samples: 3, trainSamples: 2, validationSamples: 1 })),
    samples: { total: 3 * names.length, train: 2 * names.length, validation: names.length }, epochsRun: 1, bestEpoch: 1,
    stopReason: 'maxEpochs', lossCurve: [0.5], validationCurve: [null], validation: { monitor: 'dprime', baseline: null, best: null },
    options: defaultTripletOptions,
  };
}

/** Every regular file under `dir`, following no symlinks. */
function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    return e.isDirectory() ? files(p) : e.isFile() ? [p] : [];
  });
}

describe('erase reaches the models on disk', () => {
  before(async () => {
    await initBackend('wasm');
  });

  test('no kept head version names an erased person; the heads still load; the erase is audited', async (t) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'kiosk-erase-'));
    t.after(() => rmSync(dataDir, { recursive: true, force: true }));
    const modelsDir = join(dataDir, 'models');
    const heads = new HeadStore(modelsDir);
    const head = TripletHead.create({ inputDim: 8, hiddenDim: 4, activation: 'relu' }, mulberry32(3));
    try {
      // Two saves per slot: the previous version stays on disk beside the current one.
      await heads.activate(head, metadata(head, ['Tâm', 'An'], '2024-01-01T00:00:00.000Z'));
      await heads.saveLatest(head, metadata(head, ['Tâm', 'An'], '2024-01-02T00:00:00.000Z'));
      await heads.saveLatest(head, metadata(head, ['Tâm', 'An', 'Bình'], '2024-01-03T00:00:00.000Z'));
      await heads.activate(head, metadata(head, ['Tâm', 'An', 'Bình'], '2024-01-03T00:00:00.000Z'));
    } finally {
      head.dispose();
    }
    const mentions = (): string[] => files(modelsDir).filter((f) => readFileSync(f).includes(Buffer.from('Tâm')));
    assert.equal(mentions().length, 4, 'four versions name her before the erase');

    const store = openStore({ dataDir });
    t.after(() => store.close());
    const tam = store.people.upsert({ name: 'Tâm' }).person.id;
    const r = erasePerson({ people: store.people, audit: store.audit, dataDir, options: { snapshotsDir: 'snapshots' }, eraseFromModels: (name) => erasePersonFromHeads(modelsDir, name) }, tam, 'admin');
    assert.equal(r.removed, true);
    assert.equal(r.modelFilesChanged, 4);
    assert.deepEqual(mentions(), [], 'no file under models/ names her');
    for (const f of files(modelsDir).filter((x) => x.endsWith('metadata.json'))) assert.equal(statSync(f).mode & 0o777, 0o600);

    const active = await heads.loadActive();
    const latest = await heads.loadLatest();
    try {
      assert.deepEqual(active?.metadata.people.map((p) => p.name), [ERASED_NAME, 'An', 'Bình']);
      assert.deepEqual(latest?.metadata.people.map((p) => p.name), [ERASED_NAME, 'An', 'Bình']);
    } finally {
      active?.head.dispose();
      latest?.head.dispose();
    }
    const audit = store.audit.list().map((a) => a.action);
    assert.ok(audit.includes('person.models.erase'), audit.join(', '));
    // Nothing left to change the second time.
    assert.equal(erasePersonFromHeads(modelsDir, 'Tâm'), 0);
  });

  test('a missing models folder is nothing to erase, not an error', () => {
    assert.equal(erasePersonFromHeads(join(tmpdir(), 'kiosk-no-such-models-folder'), 'Tâm'), 0);
  });
});
