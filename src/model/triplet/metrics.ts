/**
 * Validation figures on embedded rows (plain JS, no tensors). Held-out rows are probes; the
 * training rows are the gallery, as at the kiosk. Both identification (rank-1) and verification
 * (genuine/impostor separation, TAR at a fixed FAR) are reported: a head can raise one while
 * hurting the other, and the kiosk's open-set threshold depends on the second.
 */

export interface ValidationFigures {
  /** Share of held-out rows whose most similar training row belongs to the same person. */
  rank1: number | null;
  /** Mean cosine similarity of same-person pairs involving a held-out row (pairs within one photo's variants excluded). */
  meanGenuine: number | null;
  /** Mean cosine similarity of different-person pairs involving a held-out row. */
  meanImpostor: number | null;
  /** meanGenuine − meanImpostor. */
  separation: number | null;
  /** d′ = (μg − μi) / √((σg² + σi²)/2): separation in units of spread. */
  dprime: number | null;
  /** Share of genuine pairs above `threshold`. */
  tarAtFar: number | null;
  /** Similarity threshold at which at most `far` of impostor pairs are accepted (similarity > threshold). */
  threshold: number | null;
  far: number;
  genuinePairs: number;
  impostorPairs: number;
  /** Figures with whole people held out as strangers (see openSetFigures); absent when none were held out. */
  openSet?: OpenSetFigures | null;
}

/**
 * Open-set identification with stand-in strangers, per probe as the kiosk decides: a probe's score
 * is its best gallery row's similarity. Genuine probes (known people's held-out photos) count as
 * accepted when that row is their own person and the score clears the threshold; stranger probes
 * (photos of people the head never trained on) are false accepts when they clear it.
 */
export interface OpenSetFigures {
  /** Genuine probes accepted at `threshold`. */
  tarAtFar: number;
  /** Best-match score with at most `far` of strangers strictly above it. */
  threshold: number;
  /** Share of strangers accepted at the threshold where genuine acceptance reaches `targetTar`; null without a target. */
  farAtTar: number | null;
  targetTar: number | null;
  /** Mean best-match score of genuine probes (to their own person) and of strangers. */
  meanGenuine: number;
  meanStranger: number;
  genuineProbes: number;
  strangerProbes: number;
  /** TAR and FAR at a fixed similarity threshold (the kiosk's configured one), when given. */
  atThreshold: { threshold: number; tar: number; far: number } | null;
}

/** Raw per-probe outcomes, kept so that FAR can be read at another row's TAR. */
export interface OpenSetProbes {
  /** Best score over the probe's own person's gallery rows, and whether that person ranked first. */
  genuine: { score: number; correct: boolean }[];
  /** Best score over all gallery rows. */
  stranger: number[];
}

/** Similarity of rows a and b (indices into the labels arrays). */
export type Similarity = (a: number, b: number) => number;

/** Cosine of L2-normalised rows of a row-major block. */
export function dotSimilarity(embeddings: Float32Array, dim: number): Similarity {
  return (a, b) => dot(embeddings, a * dim, embeddings, b * dim, dim);
}

/** Reads a precomputed n×n similarity matrix (e.g. one matMul on the backend). */
export function matrixSimilarity(matrix: Float32Array, n: number): Similarity {
  return (a, b) => matrix[a * n + b] as number;
}

function dot(a: Float32Array, ai: number, b: Float32Array, bi: number, dim: number): number {
  let s = 0;
  for (let j = 0; j < dim; j++) s += (a[ai + j] as number) * (b[bi + j] as number);
  return s;
}

function meanVar(xs: readonly number[]): { mean: number; variance: number } {
  let s = 0;
  for (const x of xs) s += x;
  const mean = s / xs.length;
  let v = 0;
  for (const x of xs) v += (x - mean) ** 2;
  return { mean, variance: v / xs.length };
}

/** Threshold with at most `far` of impostors strictly above it, and the genuine share above it. */
export function tarAtFar(genuine: readonly number[], impostor: readonly number[], far: number): { tar: number; threshold: number } | null {
  if (genuine.length === 0 || impostor.length === 0) return null;
  const sorted = impostor.slice().sort((a, b) => b - a);
  const k = Math.floor(far * sorted.length);
  const threshold = sorted[Math.min(k, sorted.length - 1)] as number;
  let accepted = 0;
  for (const g of genuine) if (g > threshold) accepted++;
  return { tar: accepted / genuine.length, threshold };
}

/**
 * `embeddings`: rows × dim, L2-normalised (cosine = dot). `sources` groups variants of one photo.
 */
export function validationFigures(
  embeddings: Float32Array,
  dim: number,
  labels: Int32Array,
  trainRows: Int32Array,
  validationRows: Int32Array,
  far: number,
  sources?: Int32Array,
): ValidationFigures {
  return validationFiguresBy(dotSimilarity(embeddings, dim), labels, trainRows, validationRows, far, sources);
}

export function validationFiguresBy(
  sim: Similarity,
  labels: Int32Array,
  trainRows: Int32Array,
  validationRows: Int32Array,
  far: number,
  sources?: Int32Array,
): ValidationFigures {
  const isVal = new Uint8Array(labels.length);
  for (const v of validationRows) isVal[v] = 1;
  const genuine: number[] = [];
  const impostor: number[] = [];
  let correct = 0;
  for (const v of validationRows) {
    let best = -Infinity;
    let bestLabel = -1;
    for (const t of trainRows) {
      const s = sim(v, t);
      if (s > best) {
        best = s;
        bestLabel = labels[t] as number;
      }
    }
    if (bestLabel === labels[v]) correct++;
    // Each pair once: val × train, and val × val with the other index larger.
    const partners = [...trainRows, ...validationRows.filter((w) => w > v)];
    for (const w of partners) {
      if (sources && sources[w] === sources[v]) continue;
      const s = sim(v, w);
      (labels[w] === labels[v] ? genuine : impostor).push(s);
    }
  }
  const empty: ValidationFigures = {
    rank1: validationRows.length > 0 && trainRows.length > 0 ? correct / validationRows.length : null,
    meanGenuine: null,
    meanImpostor: null,
    separation: null,
    dprime: null,
    tarAtFar: null,
    threshold: null,
    far,
    genuinePairs: genuine.length,
    impostorPairs: impostor.length,
  };
  if (genuine.length === 0 || impostor.length === 0) return empty;
  const g = meanVar(genuine);
  const i = meanVar(impostor);
  const spread = Math.sqrt((g.variance + i.variance) / 2);
  const separation = g.mean - i.mean;
  const tar = tarAtFar(genuine, impostor, far);
  return {
    ...empty,
    meanGenuine: g.mean,
    meanImpostor: i.mean,
    separation,
    // Zero spread only happens with degenerate data; null keeps Infinity out of the metadata JSON.
    dprime: spread > 0 ? separation / spread : null,
    tarAtFar: tar ? tar.tar : null,
    threshold: tar ? tar.threshold : null,
  };
}

/** Scores every genuine and stranger probe against the gallery rows. */
export function openSetProbes(sim: Similarity, labels: Int32Array, gallery: Int32Array, genuine: Int32Array, strangers: Int32Array): OpenSetProbes {
  const out: OpenSetProbes = { genuine: [], stranger: [] };
  for (const p of genuine) {
    let own = -Infinity;
    let other = -Infinity;
    for (const g of gallery) {
      const s = sim(p, g);
      if (labels[g] === labels[p]) own = Math.max(own, s);
      else other = Math.max(other, s);
    }
    out.genuine.push({ score: own, correct: own > other });
  }
  for (const p of strangers) {
    let best = -Infinity;
    for (const g of gallery) best = Math.max(best, sim(p, g));
    out.stranger.push(best);
  }
  return out;
}

/**
 * FAR at the lowest threshold that still accepts `tar` of the genuine probes: the equal-TAR
 * comparison of two embeddings (null when that TAR cannot be reached at all).
 */
export function farAtTar(probes: OpenSetProbes, tar: number): number | null {
  const accepted = probes.genuine.filter((g) => g.correct).map((g) => g.score).sort((a, b) => b - a);
  const need = Math.ceil(tar * probes.genuine.length - 1e-9);
  if (probes.stranger.length === 0 || need > accepted.length) return null;
  if (need <= 0) return 0;
  const threshold = accepted[need - 1] as number;
  return probes.stranger.filter((s) => s >= threshold).length / probes.stranger.length;
}

export function openSetFigures(probes: OpenSetProbes, far: number, targetTar: number | null = null, operatingThreshold: number | null = null): OpenSetFigures | null {
  if (probes.genuine.length === 0 || probes.stranger.length === 0) return null;
  const sorted = probes.stranger.slice().sort((a, b) => b - a);
  const threshold = sorted[Math.min(Math.floor(far * sorted.length), sorted.length - 1)] as number;
  const accepted = probes.genuine.filter((g) => g.correct && g.score > threshold).length;
  const mean = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
  return {
    tarAtFar: accepted / probes.genuine.length,
    threshold,
    farAtTar: targetTar === null ? null : farAtTar(probes, targetTar),
    targetTar,
    meanGenuine: mean(probes.genuine.map((g) => g.score)),
    meanStranger: mean(probes.stranger),
    genuineProbes: probes.genuine.length,
    strangerProbes: probes.stranger.length,
    atThreshold: operatingThreshold === null ? null : {
      threshold: operatingThreshold,
      tar: probes.genuine.filter((g) => g.correct && g.score >= operatingThreshold).length / probes.genuine.length,
      far: probes.stranger.filter((x) => x >= operatingThreshold).length / probes.stranger.length,
    },
  };
}
