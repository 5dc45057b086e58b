import { test, describe, before } from 'node:test';
import assert from 'node:assert/strict';
import { tf, initBackend } from '../../../src/model/tfjs.ts';
import { trainHead, type EpochReport, type TripletTrainingData } from '../../../src/model/triplet/train.ts';
import { embedFlat } from '../../../src/model/triplet/embed.ts';
import { mulberry32 } from '../../../src/model/triplet/rng.ts';
import { KioskError } from '../../../src/errors.ts';
import { makeWorld, nearestNeighbourAccuracy, pairSimilarities } from './synthetic.ts';

const DIM = 64;
const world = makeWorld({ people: 6, dim: DIM, nuisanceRank: 4, nuisanceScale: 2, noise: 0.5, seed: 1 });
const trainSet = world.sample(12, mulberry32(2));
// Photos the trainer never sees, not even as validation rows.
const heldOut = world.sample(10, mulberry32(3));
const names = new Map([0, 1, 2, 3, 4, 5].map((l) => [l, `person-${l}`]));
const data: TripletTrainingData = { ...trainSet, names, descriptorKind: 'dlib128', modelVersion: 'face-api-1.7.15' };
const fixedNow = (): Date => new Date('2024-05-06T07:08:09.000Z');

describe('trainHead', () => {
  before(async () => {
    await initBackend('wasm');
  });

  test('raises held-out same-person similarity above different-person similarity', async () => {
    const raw = pairSimilarities(heldOut.descriptors, heldOut.labels, DIM);
    const rawNN = nearestNeighbourAccuracy(heldOut.descriptors, heldOut.labels, DIM);
    const epochs: EpochReport[] = [];
    const tensorsBefore = tf.memory().numTensors;
    // The identity start sits on a plateau for a dozen epochs here, hence the long patience.
    const { head, metadata } = await trainHead(data, { hiddenDim: 0, maxEpochs: 40, patience: 40, seed: 1, minPeople: 6 }, { onEpoch: (e) => epochs.push(e), now: fixedNow });
    const out = embedFlat(head, heldOut.descriptors);
    const trained = pairSimilarities(out, heldOut.labels, DIM);

    // The nuisance swamps identity in the raw descriptor…
    assert.ok(raw.genuine - raw.impostor < 0.2, `raw separation ${raw.genuine - raw.impostor}`);
    // …and the head learns to look past it, on photos it never trained on.
    assert.ok(trained.genuine > trained.impostor + 0.5, `trained genuine ${trained.genuine} vs impostor ${trained.impostor}`);
    assert.ok(trained.genuine - trained.impostor > raw.genuine - raw.impostor + 0.4);
    assert.ok(nearestNeighbourAccuracy(out, heldOut.labels, DIM) > rawNN);

    // Metadata records the run.
    assert.equal(metadata.createdAt, '2024-05-06T07:08:09.000Z');
    assert.equal(metadata.descriptorKind, 'dlib128');
    assert.equal(metadata.modelVersion, 'face-api-1.7.15');
    assert.deepEqual(metadata.head, { inputDim: DIM, hiddenDim: 0, activation: 'relu' });
    assert.equal(metadata.people.length, 6);
    // Validation: five folds, each holding a different person out as the stranger and training on the other five.
    const folds = metadata.validation.folds ?? [];
    assert.equal(folds.length, 5);
    assert.equal(new Set(folds.map((f) => f.stranger)).size, 5);
    for (const f of folds) {
      assert.equal(f.trainRows, 50);
      assert.equal(f.validationProbes, 10);
      assert.equal(f.strangerProbes, 12);
    }
    assert.equal(metadata.people.filter((p) => p.stranger).length, 5);
    // The kept head is the refit on every row for the best epoch's count.
    assert.ok(metadata.bestEpoch >= 1);
    assert.deepEqual(metadata.refit?.epochs, metadata.bestEpoch);
    assert.equal(metadata.refit?.lossCurve.length, metadata.bestEpoch);
    assert.deepEqual(metadata.people[2], { label: 2, name: 'person-2', samples: 12, trainSamples: 12, validationSamples: 12, ...(metadata.people[2]!.stranger ? { stranger: true } : {}) });
    assert.equal(metadata.samples.total, 72);
    assert.equal(metadata.samples.train, 72);
    assert.equal(metadata.samples.strangers, 60);
    assert.equal(epochs.filter((e) => e.phase === 'validate').length, metadata.epochsRun);
    assert.equal(epochs.filter((e) => e.phase === 'refit').length, metadata.bestEpoch);
    assert.equal(metadata.lossCurve.length, metadata.epochsRun);
    assert.equal(metadata.validationCurve.length, metadata.epochsRun);
    assert.ok(metadata.lossCurve.every(Number.isFinite));
    assert.ok(metadata.lossCurve.at(-1)! < metadata.lossCurve[0]!);
    assert.ok(metadata.bestEpoch >= 1 && metadata.bestEpoch <= metadata.epochsRun);
    assert.equal(metadata.validation.monitor, 'openSetTar');
    const best = metadata.validation.best!;
    const baseline = metadata.validation.baseline!;
    assert.ok(best.openSet!.tarAtFar > baseline.openSet!.tarAtFar, 'strangers are told apart better at the same FAR');
    assert.equal(best.openSet!.tarAtFar, metadata.validationCurve[metadata.bestEpoch - 1]);
    assert.ok(best.rank1! >= baseline.rank1!);
    assert.ok(best.dprime! > baseline.dprime!);
    assert.equal(metadata.options.margin, 1);
    assert.equal(metadata.epochsRun, 40);
    // onEpoch reports carry every validation figure.
    const last = epochs.filter((e) => e.phase === 'validate').at(-1)!;
    for (const k of ['rank1', 'meanGenuine', 'meanImpostor', 'tarAtFar', 'threshold', 'dprime'] as const) assert.equal(typeof last.validation![k], 'number');
    assert.equal(typeof last.validation!.openSet!.farAtTar, 'number');
    assert.equal(epochs.filter((e) => e.improved).at(-1)?.epoch, metadata.bestEpoch);

    head.dispose();
    assert.equal(tf.memory().numTensors, tensorsBefore, 'no tensor left behind by training');
  });

  test('with fewer people than minPeople no trained head is kept, and the refusal says so', async () => {
    const epochs: EpochReport[] = [];
    const { head, metadata } = await trainHead(data, { hiddenDim: 0, maxEpochs: 40, patience: 40, seed: 1, minPeople: 7 }, { onEpoch: (e) => epochs.push(e) });
    assert.equal(metadata.bestEpoch, 0);
    assert.equal(metadata.refit, null);
    assert.equal(metadata.samples.train, 0, 'the identity head trained on nothing');
    assert.ok(epochs.every((e) => !e.improved));
    const refused = metadata.validation.refused;
    assert.ok(refused, 'the candidate epochs were still trained and measured');
    assert.ok(refused.failures.some((f) => f.check === 'minPeople' && f.value === 6 && f.baseline === 7));
    // The identity head maps rows to themselves (normalised).
    const out = embedFlat(head, heldOut.descriptors);
    for (let i = 0; i < out.length; i++) assert.ok(Math.abs(out[i]! - heldOut.descriptors[i]!) < 1e-5);
    head.dispose();
  });

  test('hidden-layer head trains too, and the same seed gives the same head', async () => {
    // Photo-level validation (no stranger folds), the cheaper mode.
    const opts = { hiddenDim: 16, maxEpochs: 6, patience: 50, seed: 5, strangerFolds: 0, monitor: 'dprime' as const, learningRate: 0.01, minPeople: 0 };
    const a = await trainHead(data, opts);
    const b = await trainHead(data, opts);
    const ea = embedFlat(a.head, heldOut.descriptors);
    const eb = embedFlat(b.head, heldOut.descriptors);
    let maxDiff = 0;
    for (let i = 0; i < ea.length; i++) maxDiff = Math.max(maxDiff, Math.abs(ea[i]! - eb[i]!));
    assert.ok(maxDiff < 1e-4, `max diff ${maxDiff}`);
    assert.deepEqual(a.metadata.people, b.metadata.people);
    assert.ok(a.metadata.validation.best!.dprime! > a.metadata.validation.baseline!.dprime!);
    a.head.dispose();
    b.head.dispose();
  });

  test('prints nothing (progress goes through callbacks)', async () => {
    const writes: string[] = [];
    const out = process.stdout.write.bind(process.stdout);
    const err = process.stderr.write.bind(process.stderr);
    const methods = ['log', 'info', 'warn', 'error', 'debug'] as const;
    const saved = methods.map((m) => console[m]);
    // The test runner itself streams binary (Buffer) events through stdout; text is what a module would print.
    const capture = (write: typeof out) => ((chunk: unknown, ...rest: unknown[]) =>
      typeof chunk === 'string' ? (writes.push(chunk), true) : (write as (...a: unknown[]) => boolean)(chunk, ...rest)) as typeof process.stdout.write;
    process.stdout.write = capture(out);
    process.stderr.write = capture(err);
    for (const m of methods) console[m] = (...args: unknown[]) => void writes.push(args.join(' '));
    try {
      const { head } = await trainHead(data, { maxEpochs: 2, hiddenDim: 0 });
      head.dispose();
    } finally {
      process.stdout.write = out;
      process.stderr.write = err;
      methods.forEach((m, i) => (console[m] = saved[i]!));
    }
    assert.deepEqual(writes, []);
  });

  test('without validation data it trains maxEpochs and reports no figures', async () => {
    const { head, metadata } = await trainHead(data, { validationFraction: 0, maxEpochs: 3, patience: 1 });
    assert.equal(metadata.epochsRun, 3);
    assert.equal(metadata.bestEpoch, 3);
    assert.equal(metadata.stopReason, 'maxEpochs');
    assert.equal(metadata.validation.baseline, null);
    assert.equal(metadata.validation.best, null);
    assert.deepEqual(metadata.validationCurve, [null, null, null]);
    head.dispose();
  });

  test('augmented rows of one photo stay together across the split', async () => {
    // Two "variants" per photo: the photo plus a copy; sources tie them.
    const n = trainSet.labels.length;
    const descriptors = new Float32Array(2 * n * DIM);
    descriptors.set(trainSet.descriptors, 0);
    descriptors.set(trainSet.descriptors, n * DIM);
    const labels = Int32Array.from([...trainSet.labels, ...trainSet.labels]);
    const sources = Int32Array.from({ length: 2 * n }, (_, i) => i % n);
    const { head, metadata } = await trainHead({ ...data, descriptors, labels, sources }, { maxEpochs: 2, hiddenDim: 0, strangerFolds: 0 });
    assert.equal(metadata.samples.total, 144);
    assert.equal(metadata.validation.folds?.[0]?.trainRows, 120);
    assert.equal(metadata.samples.validation, 24);
    // Validation pairs never pair a photo with its own copy: a copy would score similarity 1.
    assert.ok(metadata.validation.baseline!.meanGenuine! < 0.5);
    head.dispose();
  });

  test('abort signal stops training with TRAINING_FAILED and leaks nothing', async () => {
    const before = tf.memory().numTensors;
    const controller = new AbortController();
    await assert.rejects(
      trainHead(data, { maxEpochs: 500, patience: 500 }, { signal: controller.signal, onEpoch: (e) => (e.epoch === 2 ? controller.abort() : undefined) }),
      (e: unknown) => e instanceof KioskError && e.code === 'TRAINING_FAILED' && e.context.aborted === true,
    );
    assert.equal(tf.memory().numTensors, before);
  });

  test('bad input is refused with typed errors', async () => {
    const isCode = (code: string) => (e: unknown) => e instanceof KioskError && e.code === code;
    await assert.rejects(trainHead({ ...data, dim: 63 }, {}), isCode('DESCRIPTOR_INVALID'));
    const nan = Float32Array.from(trainSet.descriptors);
    nan[5] = Number.NaN;
    await assert.rejects(trainHead({ ...data, descriptors: nan }, {}), isCode('DESCRIPTOR_INVALID'));
    await assert.rejects(trainHead(data, { margin: -1 }), isCode('CONFIG_INVALID'));
    const onePerson = { ...data, labels: new Int32Array(trainSet.labels.length) };
    const before = tf.memory().numTensors;
    await assert.rejects(trainHead(onePerson, {}), isCode('TRAINING_FAILED'));
    assert.equal(tf.memory().numTensors, before);
  });
});
