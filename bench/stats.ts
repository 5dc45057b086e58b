/** Timing helpers for benches: medians and percentiles of repeated runs, printed as tables. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const idx = Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1));
  return s[idx] as number;
}

export const median = (v: readonly number[]): number => percentile(v, 50);

export async function timeRuns(runs: number, fn: () => Promise<unknown> | unknown, warmup = 2): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn();
  const out: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    out.push(performance.now() - t);
  }
  return out;
}

export function printTable(title: string, header: string[], rows: (string | number)[][]): void {
  const cells = rows.map((r) => r.map((c) => (typeof c === 'number' ? (Number.isInteger(c) ? String(c) : c.toFixed(2)) : c)));
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((r) => (r[i] ?? '').length)));
  console.log(`\n${title}`);
  console.log(header.map((h, i) => h.padEnd(widths[i] ?? 0)).join('  '));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of cells) console.log(r.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  '));
}
