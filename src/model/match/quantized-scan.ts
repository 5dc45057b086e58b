/**
 * Pure arithmetic of the int8 prescan: symmetric quantisation, the proven bound on how far an
 * approximate score can be from the exact one, and the choice of the people to re-score exactly.
 *
 * Error bound. A row r is stored as ŕ = s_r·q (q int8), the probe p as ṕ = s_p·t (t int16), and the
 * prescan returns ŕ·ṕ exactly (integer sum, then two scales). With residuals δ = r − ŕ, ε = p − ṕ:
 *   r·p − ŕ·ṕ = δ·p + ŕ·ε,   so by Cauchy–Schwarz   |r·p − ŕ·ṕ| ≤ ‖δ‖·‖p‖ + ‖ŕ‖·‖ε‖.
 * Both residual norms are measured exactly when quantising (not estimated), so the bound holds for
 * any input, not only for "typical" descriptors. For 512-d unit rows it is about 0.008, dominated by
 * the row term; |δᵢ| ≤ s_r/2 = max|r|/254 gives the worst case max|r|·√d/254 — up to 0.18 for a
 * row whose weight sits on one coordinate — which is why the bound is computed per row rather than
 * fixed as one constant. ROUNDING_SLACK·‖r‖·‖p‖ more covers float rounding: the exact path stores
 * scores as float32 (two roundings for top2, each ≤ 2⁻²⁴·|score| ≤ 2⁻²⁴·‖r‖·‖p‖) and sums in float64
 * (≤ 2048·2⁻⁵³·‖r‖·‖p‖); 2⁻²⁰ is four times their sum.
 */

/** Rows are quantised to [−ROW_Q_MAX, ROW_Q_MAX] (symmetric, so −128 is never used). */
export const ROW_Q_MAX = 127;
/** Probes are quantised to [−PROBE_Q_MAX, PROBE_Q_MAX]: the largest bound that keeps MAX_SCAN_DIM-long sums inside i32. */
export const PROBE_Q_MAX = 8191;
/** Longest (padded) row the kernel may sum without i32 overflow: MAX_SCAN_DIM·ROW_Q_MAX·PROBE_Q_MAX < 2³¹. */
export const MAX_SCAN_DIM = 2048;
/** The kernel reads rows 16 int8 values at a time; shorter rows are padded with zeros. */
export const SCAN_LANES = 16;
/** Relative allowance for float rounding in both paths (see the header). */
export const ROUNDING_SLACK = 2 ** -20;

/** Row length in the kernel: dim rounded up to whole 16-value steps. */
export function paddedDim(dim: number): number {
  return Math.ceil(dim / SCAN_LANES) * SCAN_LANES;
}

/** What quantising one vector measured: its scale and the norms the error bound needs. */
export interface Quantized {
  /** value ≈ scale · q; 0 for an all-zero vector. */
  scale: number;
  /** ‖v‖ */
  norm: number;
  /** ‖scale · q‖, the norm of what the kernel sees. */
  quantNorm: number;
  /** ‖v − scale · q‖, measured exactly. */
  residualNorm: number;
}

/**
 * Quantise `dim` values of `src` from `srcOff` into `dst` from `dstOff`, symmetric with one scale:
 * q = round(v / scale), scale = max|v| / qMax. The caller zeroes any padding after `dim`. Values must
 * be finite (a NaN would poison the scale: check with `allFinite` first).
 */
export function quantizeInto(src: Float32Array, srcOff: number, dim: number, qMax: number, dst: Int8Array | Int16Array, dstOff: number): Quantized {
  let max = 0;
  for (let i = 0; i < dim; i++) max = Math.max(max, Math.abs(src[srcOff + i] as number));
  const scale = max / qMax;
  let norm2 = 0;
  let quant2 = 0;
  let resid2 = 0;
  for (let i = 0; i < dim; i++) {
    const v = src[srcOff + i] as number;
    // Clamp only guards the last ulp of max/scale; the quotient of max itself is qMax.
    const q = scale === 0 ? 0 : Math.max(-qMax, Math.min(qMax, Math.round(v / scale)));
    dst[dstOff + i] = q;
    const back = scale * q;
    norm2 += v * v;
    quant2 += back * back;
    resid2 += (v - back) * (v - back);
  }
  return { scale, norm: Math.sqrt(norm2), quantNorm: Math.sqrt(quant2), residualNorm: Math.sqrt(resid2) };
}

export function allFinite(values: Float32Array): boolean {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return false;
  return true;
}

/**
 * The bound on |exact − approximate| for a person whose rows have at most these norms (see the
 * header): valid for every row of that person, hence for their max and for the mean of their top two.
 */
export function scoreErrorBound(rowNorm: number, rowQuantNorm: number, rowResidualNorm: number, probe: Quantized): number {
  return rowResidualNorm * probe.norm + rowQuantNorm * probe.residualNorm + ROUNDING_SLACK * rowNorm * probe.norm;
}

/**
 * People whose exact score could still put them in the first `need` ranks, given approximate
 * scores (−Infinity = no samples) and per-person error bounds. T is the need-th largest lower bound
 * (approx − bound): at least `need` people score ≥ T exactly, so anyone whose upper bound is below
 * T ranks after all of them and is left out. Returns indices in ascending order; everyone with
 * samples when fewer than `need` have any.
 */
export function candidatePeople(approx: Float64Array, bound: Float64Array, need: number): Int32Array {
  // The `need` largest lower bounds, kept sorted descending in a small buffer (need ≤ topK + 1 ≤ 51).
  const top = new Float64Array(need).fill(-Infinity);
  for (let p = 0; p < approx.length; p++) {
    const lower = (approx[p] as number) - (bound[p] as number);
    if (!(lower > (top[need - 1] as number))) continue;
    let i = need - 1;
    while (i > 0 && (top[i - 1] as number) < lower) {
      top[i] = top[i - 1] as number;
      i--;
    }
    top[i] = lower;
  }
  const threshold = top[need - 1] as number;
  const out: number[] = [];
  for (let p = 0; p < approx.length; p++) {
    const a = approx[p] as number;
    if (a !== -Infinity && a + (bound[p] as number) >= threshold) out.push(p);
  }
  return Int32Array.from(out);
}
