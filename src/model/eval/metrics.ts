/** Closed-set and open-set figures from plain score arrays: no models, fully unit-testable. */

/** One probe's outcome: true label, best-scoring label and its score. */
export interface ProbeResult {
  truth: number;
  predicted: number;
  score: number;
  /** Similarity to the true person (NaN when that person is not in the gallery). */
  trueScore: number;
  /** Best minus runner-up person (1 with one person), as the matcher's look-alike guard reads it. */
  margin?: number;
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
  /** impostorMargins[i] belongs to impostor[i]; absent = no margin rule applies. */
  impostorMargins?: number[];
}

/** The kiosk's accept rule for one match: threshold on the best similarity and a lead over the runner-up. */
export interface AcceptRule {
  threshold: number;
  minMargin: number;
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

/**
 * The kiosk's own decision applied to the open-set probes (threshold and margin together), as
 * watch-list identification figures: TAR = right person accepted, FAR = stranger accepted as anyone.
 */
export interface OperatingPoint extends AcceptRule {
  tar: number;
  far: number;
  /** Enrolled people accepted as somebody else, over genuine probes. */
  wrongAccept: number;
}

/** The strictest threshold (margin rule kept) that still reaches a target TAR, and its FAR. */
export interface TargetTarPoint {
  targetTar: number;
  reachable: boolean;
  /** When unreachable: the threshold that gives the highest TAR the rule allows. */
  threshold: number;
  tar: number;
  far: number;
}

const accepts = (rule: AcceptRule, score: number, margin: number | undefined): boolean => score >= rule.threshold && (margin ?? Infinity) >= rule.minMargin;

export function operatingPoint(s: OpenSetScores, rule: AcceptRule): OperatingPoint {
  // Empty sides give 0, not NaN.
  const genuine = s.genuine.length || 1;
  const accepted = s.genuine.filter((r) => accepts(rule, r.score, r.margin));
  const falseAccepts = s.impostor.filter((v, i) => accepts(rule, v, s.impostorMargins?.[i])).length;
  return {
    ...rule,
    tar: accepted.filter((r) => r.truth === r.predicted).length / genuine,
    far: falseAccepts / (s.impostor.length || 1),
    wrongAccept: accepted.filter((r) => r.truth !== r.predicted).length / genuine,
  };
}

/** What reaching `targetTar` would cost in stranger accepts, with the margin rule of `rule` kept. */
export function pointForTar(s: OpenSetScores, minMargin: number, targetTar: number): TargetTarPoint {
  // Candidate thresholds: the right-person scores that pass the margin rule, highest first.
  const candidates = s.genuine.filter((r) => r.truth === r.predicted && (r.margin ?? Infinity) >= minMargin).map((r) => r.score).sort((a, b) => b - a);
  const need = Math.ceil(targetTar * s.genuine.length - 1e-9);
  const reachable = need > 0 && candidates.length >= need;
  const threshold = reachable ? (candidates[need - 1] as number) : (candidates[candidates.length - 1] ?? Infinity);
  const p = operatingPoint(s, { threshold, minMargin });
  return { targetTar, reachable, threshold, tar: p.tar, far: p.far };
}

export interface OpenSetReport {
  threshold: number;
  tar: number;
  far: number;
  genuineMean: number;
  impostorMean: number;
  genuineCount: number;
  impostorCount: number;
  /** Separation of genuine and stranger scores: (μg − μi) / √((σg² + σi²) / 2). */
  dPrime: number;
  atFar: Record<string, { threshold: number; tar: number }>;
  /** The configured threshold and margin together. */
  operating: OperatingPoint;
  /** The kiosk's 90% recognition goal: where the threshold would have to be, and what FAR that costs. */
  forTar: TargetTarPoint;
}

/** The recognition rate the kiosk aims for; the report shows what it costs on the data set. */
export const TARGET_TAR = 0.9;

/** d′ of two score samples; 0 when either is empty or both are constant. */
export function dPrime(genuine: readonly number[], impostor: readonly number[]): number {
  if (genuine.length === 0 || impostor.length === 0) return 0;
  const mean = (v: readonly number[]): number => v.reduce((a, b) => a + b, 0) / v.length;
  const variance = (v: readonly number[], m: number): number => v.reduce((a, b) => a + (b - m) ** 2, 0) / v.length;
  const mg = mean(genuine);
  const mi = mean(impostor);
  const pooled = Math.sqrt((variance(genuine, mg) + variance(impostor, mi)) / 2);
  return pooled > 0 ? (mg - mi) / pooled : 0;
}

export function openSetReport(s: OpenSetScores, rule: AcceptRule, fars: readonly number[] = [0.01, 0.001]): OpenSetReport {
  const threshold = rule.threshold;
  const atFar: OpenSetReport['atFar'] = {};
  for (const f of fars) {
    const t = thresholdForFar(s.impostor, f);
    atFar[String(f)] = { threshold: t, tar: tarAt(s, t) };
  }
  const mean = (v: readonly number[]): number => (v.length ? v.reduce((a, b) => a + b, 0) / v.length : 0);
  const genuine = s.genuine.map((g) => g.trueScore);
  return {
    threshold,
    tar: tarAt(s, threshold),
    far: farAt(s, threshold),
    genuineMean: mean(s.genuine.map((g) => g.trueScore)),
    impostorMean: mean(s.impostor),
    genuineCount: s.genuine.length,
    impostorCount: s.impostor.length,
    dPrime: dPrime(genuine, s.impostor),
    atFar,
    operating: operatingPoint(s, rule),
    forTar: pointForTar(s, rule.minMargin, TARGET_TAR),
  };
}
