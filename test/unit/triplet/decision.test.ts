import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '../../../src/model/tfjs.ts';
import { decideActivation } from '../../../src/model/triplet/decision.ts';
import { HeadStore } from '../../../src/model/triplet/head-store.ts';
import { TripletHead } from '../../../src/model/triplet/head.ts';
import { embedFlat } from '../../../src/model/triplet/embed.ts';
import { defaultTripletOptions } from '../../../src/model/triplet/options.ts';
import { mulberry32 } from '../../../src/model/triplet/rng.ts';
import type { OpenSetFigures, ValidationFigures } from '../../../src/model/triplet/metrics.ts';
import type { TripletHeadMetadata } from '../../../src/model/triplet/train.ts';

function open(o: Partial<OpenSetFigures> = {}): OpenSetFigures {
  return { tarAtFar: 0.8, threshold: 0.8, farAtTar: 0, targetTar: 0.8, meanGenuine: 0.85, meanStranger: 0.75, genuineProbes: 20, strangerProbes: 30, atThreshold: null, ...o };
}
function figures(f: Partial<ValidationFigures> = {}): ValidationFigures {
  return { rank1: 0.98, meanGenuine: 0.8, meanImpostor: 0.6, separation: 0.2, dprime: 2, tarAtFar: 0.7, threshold: 0.9, far: 0.01, genuinePairs: 10, impostorPairs: 40, openSet: open(), ...f };
}
function meta(m: Partial<TripletHeadMetadata> & { validation: TripletHeadMetadata['validation'] }): TripletHeadMetadata {
  return {
    createdAt: '2024-01-01T00:00:00.000Z', descriptorKind: 'fused', modelVersion: 'v', head: { inputDim: 8, hiddenDim: 0, activation: 'relu' },
    people: [], samples: { total: 0, train: 0, validation: 0 }, epochsRun: 6, bestEpoch: 3, stopReason: 'patience', lossCurve: [], validationCurve: [], options: defaultTripletOptions, ...m,
  };
}

describe('decideActivation', () => {
  test('activates a head measured at least as good, naming the figures', () => {
    const d = decideActivation(meta({ validation: { monitor: 'openSetTar', baseline: figures(), best: figures({ rank1: 1, openSet: open({ tarAtFar: 0.9 }) }) } }));
    assert.equal(d.activate, true);
    assert.match(d.reason, /^activated: .*rank-1: 100\.0% vs 98\.0%.*open-set TAR@FAR1\.0%: 90\.0% vs 80\.0%/);
  });

  test('keeps pretrained when the identity head won, quoting the refused epoch and why', () => {
    const refused = { epoch: 2, figures: figures({ rank1: 1, openSet: open({ farAtTar: 0.2 }) }), failures: [{ check: 'farAtEqualTar' as const, value: 0.2, baseline: 0, text: 'stranger FAR at equal TAR (80.0%): 20.0% > 0.0%' }] };
    const d = decideActivation(meta({ bestEpoch: 0, validation: { monitor: 'openSetTar', baseline: figures(), best: figures(), refused } }));
    assert.equal(d.activate, false);
    assert.match(d.reason, /no trained epoch was at least as good/);
    assert.match(d.reason, /epoch \(2\)/);
    assert.match(d.reason, /stranger FAR at equal TAR \(80\.0%\): 20\.0% > 0\.0%/);
  });

  test('never activates without stranger validation, or without any validation', () => {
    const noStrangers = decideActivation(meta({ validation: { monitor: 'openSetTar', baseline: figures({ openSet: null }), best: figures({ openSet: null, rank1: 1 }) } }));
    assert.equal(noStrangers.activate, false);
    assert.match(noStrangers.reason, /no person could be held out as a stranger/);
    const none = decideActivation(meta({ validation: { monitor: 'openSetTar', baseline: null, best: null } }));
    assert.equal(none.activate, false);
    assert.match(none.reason, /no held-out faces/);
  });

  test('a kept epoch that is worse somewhere (guard off) is not activated', () => {
    const d = decideActivation(meta({ validation: { monitor: 'rank1', baseline: figures(), best: figures({ rank1: 1, openSet: open({ tarAtFar: 0.5 }) }) } }));
    assert.equal(d.activate, false);
    assert.deepEqual(d.failures.map((f) => f.check), ['strangerTar']);
  });
});

describe('HeadStore', () => {
  let root = '';
  before(async () => {
    await initBackend('wasm');
    root = await mkdtemp(join(tmpdir(), 'triplet-store-'));
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  const x = Float32Array.from({ length: 3 * 8 }, (_, i) => Math.sin(i + 1));
  function perturbed(seed: number): TripletHead {
    const h = TripletHead.create({ inputDim: 8, hiddenDim: 0, activation: 'relu' }, mulberry32(seed));
    const w = h.snapshot();
    for (const v of w.values()) v.forEach((_, i) => (v[i] = Math.cos(seed * 7 + i) * 0.1));
    h.restore(w);
    return h;
  }

  test('no active head until one is activated; saving a refused head leaves the active one alone', async () => {
    const store = new HeadStore(join(root, 'models'));
    assert.equal(await store.loadActive(), null);
    assert.equal(await store.loadLatest(), null);
    const good = perturbed(1);
    const refused = perturbed(2);
    await store.saveLatest(good, meta({ validation: { monitor: 'openSetTar', baseline: null, best: null }, createdAt: 'good' }));
    await store.activate(good, meta({ validation: { monitor: 'openSetTar', baseline: null, best: null }, createdAt: 'good' }));
    await store.saveLatest(refused, meta({ validation: { monitor: 'openSetTar', baseline: null, best: null }, createdAt: 'refused' }));
    const active = await store.loadActive();
    const latest = await store.loadLatest();
    assert.equal(active?.metadata.createdAt, 'good');
    assert.equal(latest?.metadata.createdAt, 'refused');
    assert.deepEqual(embedFlat(active!.head, x), embedFlat(good, x));
    assert.notDeepEqual(embedFlat(latest!.head, x), embedFlat(good, x));
    await store.deactivate();
    assert.equal(await store.loadActive(), null);
    assert.equal((await store.loadLatest())?.metadata.createdAt, 'refused');
    for (const h of [good, refused, active!.head, latest!.head]) h.dispose();
  });
});
