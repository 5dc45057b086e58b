/**
 * Worker thread for HeadManager.retrain: its own tfjs instance, one job per worker. Trains on the
 * gallery snapshot, decides, writes the head slots, reports back. Never touches the database.
 */
import { parentPort } from 'node:worker_threads';
import { isKioskError, errorMessage } from '../errors.ts';
import { initBackend } from './tfjs.ts';
import { decideActivation } from './triplet/decision.ts';
import { HeadStore } from './triplet/head-store.ts';
import { toHeadInput } from './triplet/match-space.ts';
import { trainHead } from './triplet/train.ts';
import type { RetrainJob, WorkerMessage } from './retrain.ts';

async function run(job: RetrainJob): Promise<WorkerMessage> {
  await initBackend(job.backend);
  const started = performance.now();
  const { head, metadata } = await trainHead(
    {
      descriptors: toHeadInput(job.kind, job.descriptors, job.fusedWeight),
      dim: job.dim,
      labels: job.labels,
      names: new Map(job.names),
      descriptorKind: job.kind,
      modelVersion: job.modelVersion,
    },
    job.options,
    { now: () => new Date(job.now), onEpoch: (report) => parentPort?.postMessage({ type: 'epoch', report } satisfies WorkerMessage) },
  );
  try {
    const trainSeconds = (performance.now() - started) / 1000;
    const decision = decideActivation(metadata);
    const full = { ...metadata, inputSpace: { kind: job.kind, fusedWeight: job.kind === 'fused' ? job.fusedWeight : null }, decision: { activate: decision.activate, reason: decision.reason, decidedAt: job.now }, trainSeconds };
    const store = new HeadStore(job.modelsDir);
    await store.saveLatest(head, full);
    if (decision.activate) await store.activate(head, full);
    return { type: 'done', activated: decision.activate, reason: decision.reason, metadata: full, trainSeconds };
  } finally {
    head.dispose();
  }
}

parentPort?.once('message', (job: RetrainJob) => {
  run(job).then(
    (m) => parentPort?.postMessage(m),
    (err: unknown) => parentPort?.postMessage({ type: 'failed', message: errorMessage(err), code: isKioskError(err) ? err.code : 'INTERNAL' } satisfies WorkerMessage),
  );
});
