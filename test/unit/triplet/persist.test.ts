import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, readdir, readlink, rm, mkdir, writeFile, lstat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tf, initBackend } from '../../../src/model/tfjs.ts';
import { TripletHead } from '../../../src/model/triplet/head.ts';
import { embedFlat } from '../../../src/model/triplet/embed.ts';
import { loadHead, saveHead, METADATA_FILE, MODEL_FILE, WEIGHTS_FILE } from '../../../src/model/triplet/persist.ts';
import type { TripletHeadMetadata } from '../../../src/model/triplet/train.ts';
import { defaultTripletOptions } from '../../../src/model/triplet/options.ts';
import { mulberry32, normal } from '../../../src/model/triplet/rng.ts';
import { KioskError } from '../../../src/errors.ts';

function trainedLikeHead(dim: number, hiddenDim: number, seed: number): TripletHead {
  const head = TripletHead.create({ inputDim: dim, hiddenDim, activation: 'relu' }, mulberry32(seed));
  const rng = mulberry32(seed + 1);
  for (const v of head.trainableVariables) tf.tidy(() => v.assign(tf.add(v, tf.mul(tf.tensor(Float32Array.from({ length: v.size }, () => normal(rng)), v.shape), 0.05))));
  return head;
}

function metadataFor(head: TripletHead, version: string): TripletHeadMetadata {
  return {
    createdAt: '2024-01-02T03:04:05.000Z',
    descriptorKind: 'faceres',
    modelVersion: version,
    head: head.config,
    people: [{ label: 0, name: 'An', samples: 3, trainSamples: 2, validationSamples: 1 }],
    samples: { total: 3, train: 2, validation: 1 },
    epochsRun: 1,
    bestEpoch: 1,
    stopReason: 'maxEpochs',
    lossCurve: [0.5],
    validationCurve: [null],
    validation: { monitor: 'dprime', baseline: null, best: null },
    options: defaultTripletOptions,
  };
}

function rows(n: number, dim: number): Float32Array {
  const rng = mulberry32(77);
  return Float32Array.from({ length: n * dim }, () => normal(rng));
}

describe('persist', () => {
  let root = '';
  before(async () => {
    await initBackend('wasm');
    root = await mkdtemp(join(tmpdir(), 'triplet-persist-'));
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  for (const hiddenDim of [0, 16]) {
    test(`save → load round trip gives identical outputs and metadata (hidden ${hiddenDim})`, async () => {
      const dir = join(root, `head-${hiddenDim}`, 'triplet');
      const head = trainedLikeHead(48, hiddenDim, 3);
      const meta = metadataFor(head, 'v1');
      await saveHead(dir, head, meta);
      for (const f of [MODEL_FILE, WEIGHTS_FILE, METADATA_FILE]) assert.ok((await readFile(join(dir, f))).length > 0, f);
      const modelJson = JSON.parse(await readFile(join(dir, MODEL_FILE), 'utf8')) as { weightsManifest: { paths: string[] }[]; format: string };
      assert.deepEqual(modelJson.weightsManifest[0]!.paths, [WEIGHTS_FILE]);

      const before = tf.memory().numTensors;
      const loaded = await loadHead(dir);
      assert.equal(tf.memory().numTensors, before + head.trainableVariables.length, 'only the loaded variables remain');
      const x = rows(6, 48);
      assert.deepEqual(embedFlat(loaded.head, x), embedFlat(head, x));
      assert.deepEqual(loaded.metadata, meta);
      head.dispose();
      loaded.head.dispose();
    });
  }

  test('saving again swaps atomically: dir is a symlink, one previous version kept, older ones pruned', async () => {
    const parent = join(root, 'swap');
    const dir = join(parent, 'triplet');
    const heads = [1, 2, 3].map((s) => trainedLikeHead(16, 0, s * 10));
    const x = rows(4, 16);
    const links: string[] = [];
    for (const [i, h] of heads.entries()) {
      await saveHead(dir, h, metadataFor(h, `v${i + 1}`));
      assert.ok((await lstat(dir)).isSymbolicLink());
      links.push(await readlink(dir));
      const loaded = await loadHead(dir);
      assert.equal(loaded.metadata.modelVersion, `v${i + 1}`);
      assert.deepEqual(embedFlat(loaded.head, x), embedFlat(h, x));
      loaded.head.dispose();
    }
    const entries = (await readdir(parent)).sort();
    // The link, the current version and the one before it; no temp links left behind.
    assert.deepEqual(entries, ['triplet', links[1]!, links[2]!].sort());
    // A reader that resolved the previous version just before the swap can still read it whole.
    assert.equal(JSON.parse(await readFile(join(parent, links[1]!, METADATA_FILE), 'utf8')).modelVersion, 'v2');
    heads.forEach((h) => h.dispose());
  });

  test('a plain folder at the path is migrated into the versioned layout', async () => {
    const dir = join(root, 'legacy', 'triplet');
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'old.txt'), 'x');
    const head = trainedLikeHead(8, 0, 5);
    await saveHead(dir, head, metadataFor(head, 'v9'));
    assert.ok((await lstat(dir)).isSymbolicLink());
    assert.equal((await loadHead(dir)).metadata.modelVersion, 'v9');
    head.dispose();
  });

  test('missing or corrupt folders are MODEL_LOAD_FAILED; a file in the way is STORE_FAILED', async () => {
    const isCode = (code: string) => (e: unknown) => e instanceof KioskError && e.code === code;
    await assert.rejects(loadHead(join(root, 'nope')), isCode('MODEL_LOAD_FAILED'));

    const broken = join(root, 'broken');
    await mkdir(broken);
    await writeFile(join(broken, MODEL_FILE), '{"format": "kiosk-triplet-head", "modelTopology": {"class": "kiosk-triplet-head", "version": 1, "config": {"inputDim": 4, "hiddenDim": 0, "activation": "relu"}}, "weightsManifest": [{"paths": ["weights.bin"], "weights": [{"name": "w", "shape": [4, 4], "dtype": "float32"}]}]}');
    await writeFile(join(broken, WEIGHTS_FILE), Buffer.alloc(10));
    await writeFile(join(broken, METADATA_FILE), '{}');
    await assert.rejects(loadHead(broken), isCode('MODEL_LOAD_FAILED'));

    const escape = join(root, 'escape');
    await mkdir(escape);
    await writeFile(join(escape, MODEL_FILE), '{"format": "kiosk-triplet-head", "weightsManifest": [{"paths": ["../secret.bin"], "weights": []}]}');
    await writeFile(join(escape, METADATA_FILE), '{}');
    await assert.rejects(loadHead(escape), isCode('MODEL_LOAD_FAILED'));

    const file = join(root, 'a-file');
    await writeFile(file, 'x');
    const head = trainedLikeHead(8, 0, 5);
    await assert.rejects(saveHead(file, head, metadataFor(head, 'v1')), isCode('STORE_FAILED'));
    assert.deepEqual((await readdir(root)).filter((n) => n.startsWith('.a-file')), [], 'failed save leaves no version folder');
    head.dispose();
  });
});
