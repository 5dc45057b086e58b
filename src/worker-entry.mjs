// Boots a TypeScript worker: worker threads do not inherit the tsx loader that bin/kiosk.js
// registers, so each worker registers it and then imports the module named in workerData.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.__module);
