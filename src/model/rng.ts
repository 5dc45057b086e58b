/**
 * Seeded pseudo-random numbers (mulberry32). Training, splitting, sampling and augmentation all
 * draw from one of these so that a run is reproducible from its seed; Math.random is never used.
 */

/** A source of uniform numbers in [0, 1). */
export type Rng = () => number;

/** mulberry32: tiny, fast, 32-bit state; good enough for shuffling and jitter (not for crypto). */
export function mulberry32(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Integer in [0, n). */
export function randInt(rng: Rng, n: number): number {
  return Math.floor(rng() * n);
}

/** Uniform in [lo, hi). */
export function uniform(rng: Rng, lo: number, hi: number): number {
  return lo + (hi - lo) * rng();
}

/** Standard normal via Box–Muller (one of the pair is discarded to keep the state simple). */
export function normal(rng: Rng): number {
  const u = 1 - rng(); // (0, 1] so log() is finite
  const v = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** Fisher–Yates shuffle into a new array. */
export function shuffled<T>(items: readonly T[], rng: Rng): T[] {
  const out = items.slice();
  for (let i = out.length - 1; i > 0; i--) {
    const j = randInt(rng, i + 1);
    const tmp = out[i] as T;
    out[i] = out[j] as T;
    out[j] = tmp;
  }
  return out;
}

/** Derive an independent stream from a seed and a purpose tag, so adding draws to one stage does not shift another. */
export function childSeed(seed: number, tag: number): number {
  const r = mulberry32((seed ^ Math.imul(tag + 1, 0x9e3779b9)) >>> 0);
  return Math.floor(r() * 4294967296) >>> 0;
}
