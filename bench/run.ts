/**
 * `npm run bench [-- names...]`: speed and memory tables. Machines here are shared and noisy, so
 * each table reports medians (and p95) of repeated runs measured side by side in one process.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

const dataset = resolve(process.env.KIOSK_DATASET ?? resolve(import.meta.dirname, '..', '..', 'shared', 'datasets', 'facenet5'));
const runs = Number(process.env.BENCH_RUNS ?? 15);
/**
 * Each bench, and whether it reads the data set (the synthetic ones run anywhere). Loaded on demand,
 * so a bench that needs no models does not load tfjs or sharp.
 */
const benches: Record<string, { needsDataset: boolean; run: () => Promise<void> }> = {
  recognition: { needsDataset: true, run: async () => (await import('./recognition.ts')).benchRecognition(dataset, runs) },
  pipeline: { needsDataset: true, run: async () => (await import('./pipeline.ts')).benchPipeline(dataset) },
  matching: { needsDataset: false, run: async () => (await import('./matching.ts')).benchMatching(runs) },
  memory: { needsDataset: true, run: async () => (await import('./memory.ts')).benchMemory(dataset) },
  load: { needsDataset: true, run: async () => (await import('./load.ts')).benchLoad(dataset) },
  hub: { needsDataset: false, run: async () => (await import('./hub.ts')).benchHub() },
  'pg-client': { needsDataset: false, run: async () => void (await (await import('./pg-client.ts')).benchPgClient()) },
};
const chosen = process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(benches);
for (const name of chosen) {
  const b = benches[name];
  if (!b) {
    console.error(`unknown bench "${name}" (have: ${Object.keys(benches).join(', ')})`);
    process.exit(2);
  }
  if (b.needsDataset && !existsSync(dataset)) {
    console.error(`bench "${name}" needs the data set at ${dataset} (set KIOSK_DATASET)`);
    process.exit(2);
  }
}
for (const name of chosen) await benches[name]?.run();
