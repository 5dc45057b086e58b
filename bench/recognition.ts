/**
 * Recognition-core speed on the wasm backend: a 640×480 frame with one face — detection alone,
 * detection + descriptor (each kind) — and matching against galleries of 1k, 10k and 100k samples.
 */
import { join } from 'node:path';
import sharp from 'sharp';
import { FaceEngine } from '../src/model/engine.ts';
import { modelOptionsSchema } from '../src/model/options.ts';
import { Matcher } from '../src/model/matcher.ts';
import { galleryFromRows } from '../src/model/gallery.ts';
import { l2normalize } from '../src/model/descriptors/vector.ts';
import { DESCRIPTOR_DIMS } from '../src/model/engine.ts';
import { mulberry32 } from '../src/model/rng.ts';
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
  const crops = faces.map((f) => f.crop);
  const rows: (string | number)[][] = [];
  const add = (stage: string, t: number[]): void => void rows.push([stage, median(t), percentile(t, 95), t.length]);
  add('detect (BlazeFace + mesh, aligned crop)', await timeRuns(runs, () => engine.detect(frame)));
  const noFlip = await FaceEngine.create(modelOptionsSchema.parse({ backend: 'wasm', descriptor: { flipAverage: false } }), undefined, true);
  for (const kind of ['faceres', 'dlib128', 'fused'] as const) {
    add(`detect + ${kind} (flip-averaged)`, await timeRuns(runs, async () => engine.describeAs(kind, (await engine.detect(frame)).map((f) => f.crop))));
    add(`  ${kind} descriptor alone, no flip`, await timeRuns(runs, () => noFlip.describeAs(kind, crops)));
  }
  add('embed as the live loop does (fused + flip + antispoof + liveness)', await timeRuns(runs, () => engine.embedder.embed(crops).then(() => undefined)));
  printTable(`recognition on wasm (${engine.info.backend.name}), 640×480 frame, one face, ms`, ['stage', 'median', 'p95', 'runs'], rows);

  const kind = opts.descriptor.kind;
  const dim = DESCRIPTOR_DIMS[kind];
  const rng = mulberry32(7);
  const mrows: (string | number)[][] = [];
  for (const n of [1_000, 10_000, 100_000]) {
    const people = Array.from({ length: Math.ceil(n / 10) }, (_, i) => ({ id: i + 1, name: `p${i}` }));
    const descriptors = new Float32Array(n * dim);
    for (let i = 0; i < descriptors.length; i++) descriptors[i] = rng() - 0.5;
    const personIndex = Int32Array.from({ length: n }, (_, i) => Math.floor(i / 10));
    const g = { ...galleryFromRows(kind, dim, [], [], []), people, personIndex, descriptors };
    const m = new Matcher(g, { ...opts.matcher, fusedWeight: opts.descriptor.fusedWeight });
    const probe = l2normalize(Float32Array.from({ length: dim }, () => rng() - 0.5));
    const t = await timeRuns(n >= 100_000 ? 15 : 40, () => m.match(probe));
    mrows.push([n, people.length, median(t), percentile(t, 95), (n * dim * 4) / 1e6]);
  }
  printTable(`matching one probe (${kind}, ${dim}-d, aggregate ${opts.matcher.aggregate}), ms`, ['samples', 'people', 'median', 'p95', 'gallery MB'], mrows);
}
