/**
 * Recognition-core speed: a 640×480 frame with one face — detection alone, then each descriptor
 * (tfjs wasm for faceres/dlib128/fused, onnxruntime CPU for arcface), and the live loop's whole
 * embedding step (descriptor + antispoof + liveness) for the old default and the new, side by side.
 * Matching speed is in bench/matching.ts.
 */
import { join } from 'node:path';
import sharp from 'sharp';
import { FaceEngine } from '../src/model/engine.ts';
import { modelOptionsSchema } from '../src/model/options.ts';
import { descriptorInput } from '../src/model/engine.ts';
import type { RgbImage } from '../src/model/decode.ts';
import { median, percentile, printTable, timeRuns } from './stats.ts';

export async function frame640(datasetDir: string): Promise<RgbImage> {
  const { data, info } = await sharp(join(datasetDir, 'khanh', '010.jpg')).rotate()
    .resize(640, 480, { fit: 'contain', background: '#404040' }).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, pixels: data };
}

export async function benchRecognition(datasetDir: string, runs: number): Promise<void> {
  const opts = modelOptionsSchema.parse({ backend: 'wasm' });
  const engine = await FaceEngine.create(opts, undefined, true);
  const frame = await frame640(datasetDir);
  const faces = await engine.detect(frame);
  if (faces.length !== 1) throw new Error(`bench frame should hold one face, found ${faces.length}`);
  const rows: (string | number)[][] = [];
  const add = (stage: string, t: number[]): void => void rows.push([stage, median(t), percentile(t, 95), t.length]);
  add('detect (BlazeFace + mesh, aligned crop)', await timeRuns(runs, () => engine.detect(frame)));
  const noFlip = await FaceEngine.create(modelOptionsSchema.parse({ backend: 'wasm', descriptor: { flipAverage: false } }), undefined, true);
  for (const kind of ['arcface', 'faceres', 'dlib128', 'fused'] as const) {
    const inputs = faces.map((f) => descriptorInput(kind, f));
    add(`${kind} descriptor alone, flip-averaged`, await timeRuns(runs, () => engine.describeAs(kind, inputs)));
    add(`${kind} descriptor alone, no flip`, await timeRuns(runs, () => noFlip.describeAs(kind, inputs)));
  }
  for (const [label, kind, flip] of [['old default: fused + flip', 'fused', true], ['new default: arcface, no flip', 'arcface', false]] as const) {
    const live = await FaceEngine.create(modelOptionsSchema.parse({ backend: 'wasm', descriptor: { kind, flipAverage: flip } }));
    add(`live-loop embedding, ${label} + antispoof + liveness`, await timeRuns(runs, () => live.embedder.embed(faces).then(() => undefined)));
  }
  printTable(`recognition, 640×480 frame, one face, ms (tfjs ${engine.info.backend.name}; arcface on onnxruntime ${engine.embedder.versionOf('arcface').split(':')[1]})`, ['stage', 'median', 'p95', 'runs'], rows);

}
