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
  const isVal = new Uint8Array(labels.length);
  for (const v of validationRows) isVal[v] = 1;
  const genuine: number[] = [];
  const impostor: number[] = [];
  let correct = 0;
  for (const v of validationRows) {
    let best = -Infinity;
    let bestLabel = -1;
    for (const t of trainRows) {
      const s = dot(embeddings, v * dim, embeddings, t * dim, dim);
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
      const s = dot(embeddings, v * dim, embeddings, w * dim, dim);
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
