/**
 * `npm run bench [-- names...]`: speed and memory tables. Machines here are shared and noisy, so
 * each table reports medians (and p95) of repeated runs measured side by side in one process.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { benchRecognition } from './recognition.ts';
import { benchPipeline } from './pipeline.ts';

const dataset = resolve(process.env.KIOSK_DATASET ?? resolve(import.meta.dirname, '..', '..', 'shared', 'datasets', 'facenet5'));
if (!existsSync(dataset)) {
  console.error(`bench needs the data set at ${dataset} (set KIOSK_DATASET)`);
  process.exit(2);
}
const runs = Number(process.env.BENCH_RUNS ?? 15);
const benches: Record<string, () => Promise<void>> = {
  recognition: () => benchRecognition(dataset, runs),
  pipeline: () => benchPipeline(dataset),
};
const chosen = process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(benches);
for (const name of chosen) {
  const b = benches[name];
  if (!b) {
    console.error(`unknown bench "${name}" (have: ${Object.keys(benches).join(', ')})`);
    process.exit(2);
  }
  await b();
}
