/**
 * A model worker thread with its own tfjs backend: detection (Human) or embedding (descriptor
 * networks + antispoof + liveness). Keeping both off the main thread leaves it free to read the
 * camera (so stale frames are dropped, not queued in the pipe) and to serve the screens.
 * A failing request is answered with an error; it never kills the worker.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { errorMessage, isKioskError } from '../../errors.ts';
import { initBackend } from '../tfjs.ts';
import { FaceEmbedder, FaceEngine } from '../engine.ts';
import type { RgbImage } from '../decode.ts';
import type { ModelWorkerInit, PlainCrops, PlainImage, WorkerRequest, WorkerResponse } from './protocol.ts';
import { buffersOf, toRgb } from './clients.ts';

const port = parentPort;
if (!port) throw new Error('model-worker must run in a worker thread');
const init = workerData as ModelWorkerInit;

function send(msg: WorkerResponse, transfer: ArrayBuffer[] = []): void {
  port?.postMessage(msg, transfer);
}


/** A view on the crop's own buffer (each crop is allocated alone, so transferring it is safe). */
const toPlain = (r: RgbImage): PlainImage => ({ width: r.width, height: r.height, pixels: new Uint8Array(r.pixels.buffer, r.pixels.byteOffset, r.pixels.byteLength) });

const blank = (width: number, height: number): RgbImage => ({ width, height, pixels: Buffer.alloc(width * height * 3, 128) });

async function start(): Promise<(req: WorkerRequest) => Promise<void>> {
  if (init.role === 'detect') {
    const engine = await FaceEngine.createDetector(init.options);
    // The first inference compiles kernels: pay it now, not on the first person at the door.
    await engine.detect(blank(320, 240));
    send({ type: 'ready', backend: engine.info.backend.name, provider: engine.info.backend.provider, descriptor: null });
    return async (req) => {
      if (req.type !== 'detect') throw new Error(`detect worker got ${req.type}`);
      const faces = await engine.detect(toRgb(req.image), { frameSeq: req.frameSeq, ts: req.ts });
      const plain = faces.map((f) => ({ observation: f.observation, crop: toPlain(f.crop), aligned: f.aligned ? toPlain(f.aligned) : null }));
      send({ type: 'detected', id: req.id, faces: plain }, plain.flatMap((f) => buffersOf(f)));
    };
  }
  const backend = await initBackend(init.options.backend);
  const embedder = await FaceEmbedder.create(init.options, backend.name);
  await embedder.embed([{ crop: blank(112, 112), aligned: blank(112, 112) }]);
  send({ type: 'ready', backend: backend.name, provider: backend.provider, descriptor: embedder.descriptor });
  return async (req) => {
    if (req.type !== 'embed') throw new Error(`embed worker got ${req.type}`);
    const items = await embedder.embed(req.faces.map((f: PlainCrops) => ({ crop: toRgb(f.crop), aligned: f.aligned ? toRgb(f.aligned) : null })));
    send({ type: 'embedded', id: req.id, items }, items.map((i) => i.descriptor.buffer as ArrayBuffer));
  };
}

try {
  const handle = await start();
  port.on('message', (req: WorkerRequest) => {
    handle(req).catch((err: unknown) => send({ type: 'error', id: req.id, code: isKioskError(err) ? err.code : 'INTERNAL', message: errorMessage(err) }));
  });
} catch (err) {
  send({ type: 'error', id: null, code: isKioskError(err) ? err.code : 'MODEL_LOAD_FAILED', message: errorMessage(err) });
}
