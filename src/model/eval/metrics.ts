/** Closed-set and open-set figures from plain score arrays: no models, fully unit-testable. */

/** One probe's outcome: true label, best-scoring label and its score. */
export interface ProbeResult {
  truth: number;
  predicted: number;
  score: number;
  /** Similarity to the true person (NaN when that person is not in the gallery). */
  trueScore: number;
}

export function rank1Accuracy(results: readonly ProbeResult[]): number {
  if (results.length === 0) return 0;
  return results.filter((r) => r.truth === r.predicted).length / results.length;
}

/** counts[truth][predicted] over `classes` labels. */
export function confusionMatrix(results: readonly ProbeResult[], classes: number): number[][] {
  const m = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  for (const r of results) {
    const row = m[r.truth];
    if (row && r.predicted >= 0 && r.predicted < classes) row[r.predicted] = (row[r.predicted] ?? 0) + 1;
  }
  return m;
}

export interface Summary {
  mean: number;
  min: number;
  max: number;
}

export function summarize(values: readonly number[]): Summary {
  if (values.length === 0) return { mean: 0, min: 0, max: 0 };
  return { mean: values.reduce((s, v) => s + v, 0) / values.length, min: Math.min(...values), max: Math.max(...values) };
}

/**
 * Open-set scores: a genuine probe's person is enrolled (accepted if its best match is the right
 * person at or above the threshold); an impostor's is not (any best score at or above it is a false accept).
 */
export interface OpenSetScores {
  genuine: ProbeResult[];
  impostor: number[];
}

export function tarAt(s: OpenSetScores, threshold: number): number {
  if (s.genuine.length === 0) return 0;
  return s.genuine.filter((g) => g.truth === g.predicted && g.score >= threshold).length / s.genuine.length;
}

export function farAt(s: OpenSetScores, threshold: number): number {
  if (s.impostor.length === 0) return 0;
  return s.impostor.filter((v) => v >= threshold).length / s.impostor.length;
}

/**
 * The lowest threshold whose FAR does not exceed `far`: just above the k-th highest impostor
 * score, where k = floor(far · impostors). With too few impostors for that FAR, above the highest.
 */
export function thresholdForFar(impostor: readonly number[], far: number): number {
  if (impostor.length === 0) return -1;
  const sorted = [...impostor].sort((a, b) => b - a);
  const allowed = Math.floor(far * sorted.length);
  const boundary = sorted[allowed] as number;
  return nextUp(boundary);
}

/** The smallest float64 greater than x, so `score >= t` excludes the boundary score itself. */
function nextUp(x: number): number {
  if (x === Infinity || Number.isNaN(x)) return x;
  const buf = new DataView(new ArrayBuffer(8));
  buf.setFloat64(0, x === 0 ? 0 : x);
  if (x === 0) return Number.MIN_VALUE;
  const bits = buf.getBigInt64(0);
  buf.setBigInt64(0, x > 0 ? bits + 1n : bits - 1n);
  return buf.getFloat64(0);
}

export interface OpenSetReport {
  threshold: number;
  tar: number;
  far: number;
  genuineMean: number;
  impostorMean: number;
  genuineCount: number;
  impostorCount: number;
  atFar: Record<string, { threshold: number; tar: number }>;
}

export function openSetReport(s: OpenSetScores, threshold: number, fars: readonly number[] = [0.01, 0.001]): OpenSetReport {
  const atFar: OpenSetReport['atFar'] = {};
  for (const f of fars) {
    const t = thresholdForFar(s.impostor, f);
    atFar[String(f)] = { threshold: t, tar: tarAt(s, t) };
  }
  const mean = (v: readonly number[]): number => (v.length ? v.reduce((a, b) => a + b, 0) / v.length : 0);
  return {
    threshold,
    tar: tarAt(s, threshold),
    far: farAt(s, threshold),
    genuineMean: mean(s.genuine.map((g) => g.trueScore)),
    impostorMean: mean(s.impostor),
    genuineCount: s.genuine.length,
    impostorCount: s.impostor.length,
    atFar,
  };
}
