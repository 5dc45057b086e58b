/**
 * Background retraining through a real worker thread (its own tfjs): the caller's event loop keeps
 * running, the old head keeps serving until the new one is validated, and only then is it swapped.
 * Synthetic descriptors (no face models), so this runs anywhere in a few seconds.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '../../../src/model/tfjs.ts';
import { HeadManager, type ActiveHead } from '../../../src/model/retrain.ts';
import { HeadStore } from '../../../src/model/triplet/head-store.ts';
import { tripletOptionsSchema } from '../../../src/model/triplet/options.ts';
import { mulberry32 } from '../../../src/model/triplet/rng.ts';
import type { EpochReport } from '../../../src/model/triplet/train.ts';
import type { Gallery } from '../../../src/store/types.ts';
import { makeWorld } from '../../unit/triplet/synthetic.ts';

const DIM = 64;

function gallery(people: number, seed: number): Gallery {
  const world = makeWorld({ people, dim: DIM, nuisanceRank: 4, nuisanceScale: 2, noise: 0.5, seed });
  const s = world.sample(12, mulberry32(seed + 1));
  return { kind: 'dlib128', people: Array.from({ length: people }, (_, i) => ({ id: 100 + i, name: `person ${i}` })), personIndex: s.labels, descriptors: s.descriptors, dim: DIM, modelVersions: ['face-api test'] };
}

// Long patience: the synthetic head sits on a plateau for a dozen epochs before it learns.
const triplet = tripletOptionsSchema.parse({ hiddenDim: 0, maxEpochs: 40, patience: 40, minPeople: 6 });

describe('HeadManager.retrain in a worker thread', () => {
  let root = '';
  before(async () => {
    await initBackend('wasm');
    root = await mkdtemp(join(tmpdir(), 'kiosk-retrain-'));
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  test('trains off-thread, keeps the old head until validated, then swaps once', async () => {
    const modelsDir = join(root, 'a');
    const seenDuringTraining: (ActiveHead | null)[] = [];
    const epochs: EpochReport[] = [];
    let manager: HeadManager | null = null;
    manager = new HeadManager({
      modelsDir, triplet, fusedWeight: null,
      onEpoch: (e) => {
        epochs.push(e);
        seenDuringTraining.push(manager?.current() ?? null);
      },
    });
    assert.equal(await manager.init(), null, 'no head on disk yet');
    const swaps: { active: ActiveHead | null; epochsSoFar: number }[] = [];
    manager.onSwap((active) => swaps.push({ active, epochsSoFar: epochs.length }));

    const g = gallery(6, 1);
    const raw = g.descriptors.subarray(0, 3 * DIM);
    assert.deepEqual(manager.apply(raw, 'dlib128', 'face-api test'), { rows: raw, kind: 'dlib128' }, 'pretrained until a head is active');

    // A timer on this thread while the worker trains: it must keep firing.
    const ticks: number[] = [];
    const timer = setInterval(() => ticks.push(performance.now()), 5);
    const started = performance.now();
    const outcome = await manager.retrain(g);
    const ended = performance.now();
    clearInterval(timer);

    assert.equal(outcome.status, 'activated', outcome.reason);
    assert.ok(outcome.metadata && outcome.metadata.bestEpoch > 0);
    assert.ok(epochs.length > outcome.metadata.bestEpoch, 'validation epochs and the refit were reported');
    // Until the worker had validated, this thread still matched with the old (no) head.
    assert.ok(seenDuringTraining.length > 0 && seenDuringTraining.every((h) => h === null));
    // Exactly one swap, after every epoch message, with the head the worker wrote.
    assert.equal(swaps.length, 1);
    assert.equal(swaps[0]!.epochsSoFar, epochs.length);
    const active = manager.current();
    assert.ok(active && swaps[0]!.active === active);
    assert.equal(active.metadata.createdAt, outcome.metadata.createdAt);
    assert.equal(active.metadata.decision?.activate, true);
    const onDisk = await new HeadStore(modelsDir).loadActive();
    assert.equal(onDisk?.metadata.createdAt, active.metadata.createdAt);
    onDisk?.head.dispose();

    // Applying now goes through the head (kind 'head', unit rows).
    const applied = manager.apply(raw, 'dlib128', 'face-api test');
    assert.equal(applied.kind, 'head');
    assert.equal(applied.rows.length, raw.length);
    assert.notDeepEqual(applied.rows, raw);
    // A different descriptor model never goes through this head.
    assert.equal(manager.apply(raw, 'dlib128', 'another model').kind, 'dlib128');

    // The event loop was not held: the timer fired throughout, not just before and after.
    const during = ticks.filter((t) => t > started && t < ended);
    assert.ok(during.length >= 20, `timer fired ${during.length} times during ${(ended - started).toFixed(0)} ms of training`);
    let maxGap = 0;
    for (let i = 1; i < during.length; i++) maxGap = Math.max(maxGap, during[i]! - during[i - 1]!);
    assert.ok(maxGap < (ended - started) / 2, `longest pause ${maxGap.toFixed(0)} ms of ${(ended - started).toFixed(0)} ms`);

    // A new manager (e.g. after a restart) finds the active head.
    const again = new HeadManager({ modelsDir, triplet, fusedWeight: null });
    assert.equal((await again.init())?.metadata.createdAt, active.metadata.createdAt);
    await again.close();
    await manager.close();
  });

  test('a head that cannot be validated on strangers is stored but never swapped in', async () => {
    const modelsDir = join(root, 'b');
    const manager = new HeadManager({ modelsDir, triplet, fusedWeight: null });
    await manager.init();
    let swapped = 0;
    manager.onSwap(() => swapped++);
    // Two people: no one can be spared as a stranger, so the open-set effect is unmeasured.
    const outcome = await manager.retrain(gallery(2, 5));
    assert.equal(outcome.status, 'not-activated');
    assert.match(outcome.reason, /stranger/);
    assert.equal(swapped, 0);
    assert.equal(manager.current(), null);
    const store = new HeadStore(modelsDir);
    assert.equal(await store.loadActive(), null);
    const latest = await store.loadLatest();
    assert.equal(latest?.metadata.decision?.activate, false);
    latest?.head.dispose();
    await manager.close();
  });

  test('calls during a retrain coalesce into one follow-up on the newest gallery; bad galleries fail as values', async () => {
    const manager = new HeadManager({ modelsDir: join(root, 'c'), triplet: tripletOptionsSchema.parse({ hiddenDim: 0, maxEpochs: 2, patience: 2 }), fusedWeight: null });
    await manager.init();
    const first = manager.retrain(gallery(4, 7));
    const second = manager.retrain(gallery(4, 8));
    const third = manager.retrain(gallery(5, 9));
    assert.equal(second, third, 'both waiting calls share the follow-up run');
    const [a, c] = await Promise.all([first, third]);
    assert.notEqual(a.status, 'failed', a.reason);
    assert.equal(c.metadata?.people.length, 5, 'the follow-up used the newest gallery');
    const empty = await manager.retrain({ ...gallery(3, 1), modelVersions: [] });
    assert.equal(empty.status, 'failed');
    const mixed = await manager.retrain({ ...gallery(3, 1), modelVersions: ['a', 'b'] });
    assert.match(mixed.reason, /mixes descriptor models/);
    await manager.close();
  });
});
