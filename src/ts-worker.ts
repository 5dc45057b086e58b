/** Starts a worker thread running a TypeScript module (see worker-entry.mjs). */
import { Worker, type WorkerOptions } from 'node:worker_threads';

export function startTsWorker(moduleUrl: URL, data: Record<string, unknown>, opts: Omit<WorkerOptions, 'workerData'> = {}): Worker {
  return new Worker(new URL('./worker-entry.mjs', import.meta.url), { ...opts, workerData: { ...data, __module: moduleUrl.href } });
}
