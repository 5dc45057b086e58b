/**
 * Matching one probe against 100k gallery samples, side by side in one process: the exact float
 * loop and the int8 SIMD prescan with exact re-scoring, for the 512-d descriptor and fused 1152-d.
 * Synthetic seeded data (people as clusters of unit vectors), so it needs no data set.
 */
import { isDeepStrictEqual } from 'node:util';
import { FUSED_DIM } from '../src/model/descriptors/fuse.ts';
import { l2normalize } from '../src/model/descriptors/vector.ts';
import type { Gallery, GalleryKind } from '../src/model/gallery.ts';
import { loadMatchKernel, Matcher, type MatcherConfig } from '../src/model/matcher.ts';
import { matcherOptionsSchema } from '../src/model/options.ts';
import { mulberry32, type Rng } from '../src/model/rng.ts';
import { median, percentile, printTable, timeRuns } from './stats.ts';

const SAMPLES = 100_000;
const PER_PERSON = 10;
/** Spread of a person's samples around their centre (relative to the centre's unit length). */
const SAMPLE_SPREAD = 0.6;
const PROBES = 16;

/** Unit vector of uniform noise: cheap to draw 100M of, and unit length is all the matcher assumes. */
function unitNoise(rng: Rng, out: Float32Array, off: number, dim: number, centre?: Float32Array): void {
  let n2 = 0;
  for (let i = 0; i < dim; i++) n2 += (out[off + i] = rng() - 0.5) ** 2;
  const scale = (centre ? SAMPLE_SPREAD : 1) / Math.sqrt(n2);
  n2 = 0;
  for (let i = 0; i < dim; i++) {
    const v = (out[off + i] as number) * scale + (centre ? (centre[i] as number) : 0);
    out[off + i] = v;
    n2 += v * v;
  }
  const norm = Math.sqrt(n2);
  for (let i = 0; i < dim; i++) out[off + i] = (out[off + i] as number) / norm;
}

function syntheticGallery(kind: GalleryKind, dim: number, seed: number): { gallery: Gallery; probes: Float32Array[] } {
  const rng = mulberry32(seed);
  const people = Array.from({ length: SAMPLES / PER_PERSON }, (_, i) => ({ id: i + 1, name: `p${i}` }));
  const descriptors = new Float32Array(SAMPLES * dim);
  const personIndex = new Int32Array(SAMPLES);
  const centre = new Float32Array(dim);
  for (let p = 0; p < people.length; p++) {
    unitNoise(rng, centre, 0, dim);
    for (let s = 0; s < PER_PERSON; s++) {
      const r = p * PER_PERSON + s;
      unitNoise(rng, descriptors, r * dim, dim, centre);
      personIndex[r] = p;
    }
  }
  // Half genuine (a new sample of an enrolled person), half impostors (nobody enrolled).
  const probes = Array.from({ length: PROBES }, (_, i) => {
    const v = new Float32Array(dim);
    if (i % 2 === 0) unitNoise(rng, v, 0, dim, l2normalize(descriptors.subarray(i * 997 * dim, (i * 997 + 1) * dim)));
    else unitNoise(rng, v, 0, dim);
    return v;
  });
  return { gallery: { kind, dim, people, personIndex, descriptors }, probes };
}

export async function benchMatching(runs: number): Promise<void> {
  const kernel = await loadMatchKernel((err) => console.error(err.toLine()));
  const defaults = matcherOptionsSchema.parse({});
  const opts: MatcherConfig = { ...defaults, fusedWeight: 0.5 };
  const rows: (string | number)[][] = [];
  for (const [label, kind, dim, seed] of [['512-d (new)', 'head', 512, 5], ['1152-d (fused)', 'fused', FUSED_DIM, 6]] as const) {
    const { gallery, probes } = syntheticGallery(kind, dim, seed);
    let t = performance.now();
    const exact = new Matcher(gallery, opts);
    const exactBuild = performance.now() - t;
    t = performance.now();
    const fast = new Matcher(gallery, opts, kernel);
    const fastBuild = performance.now() - t;
    const same = probes.filter((p) => isDeepStrictEqual(fast.match(p), exact.match(p))).length;
    for (const [path, m, build] of [['exact JS loop', exact, exactBuild], [fast.scan === 'int8-simd' ? 'int8 SIMD prescan + exact re-score' : 'int8 unavailable: exact', fast, fastBuild]] as const) {
      let i = 0;
      const t = await timeRuns(runs, () => m.match(probes[i++ % probes.length] as Float32Array));
      rows.push([`${SAMPLES / 1000}k × ${label}`, path, median(t), percentile(t, 95), t.length, m.galleryBytes / 1e6, build, m === fast ? `${same}/${probes.length}` : '']);
    }
  }
  printTable(`matching one probe, ${SAMPLES / 1000}k samples (${PER_PERSON} per person), aggregate ${opts.aggregate}, top ${opts.topK}, ms`,
    ['gallery', 'path', 'median', 'p95', 'runs', 'gallery MB', 'build ms', 'same answers'], rows);
}
