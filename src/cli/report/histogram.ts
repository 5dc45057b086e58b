/**
 * Genuine vs impostor similarity histogram as an inline SVG string (pure: numbers in, markup out),
 * so the report needs no script and no network to show it.
 */

export interface HistogramInput {
  genuine: readonly number[];
  impostor: readonly number[];
  bins: number;
  /** Vertical markers, e.g. the configured threshold and the FAR 1% threshold. */
  markers: { value: number; label: string; color: string }[];
  width?: number;
  height?: number;
  title: string;
}

export interface Binned {
  lo: number;
  hi: number;
  genuine: number[];
  impostor: number[];
}

/** Both series binned over one shared range (normalised to shares so unequal counts compare). */
export function binScores(genuine: readonly number[], impostor: readonly number[], bins: number, markers: readonly number[] = []): Binned {
  const all = [...genuine, ...impostor, ...markers].filter(Number.isFinite);
  let lo = all.length ? Math.min(...all) : 0;
  let hi = all.length ? Math.max(...all) : 1;
  if (hi - lo < 1e-6) {
    lo -= 0.05;
    hi += 0.05;
  }
  const pad = (hi - lo) * 0.02;
  lo -= pad;
  hi += pad;
  const count = (xs: readonly number[]): number[] => {
    const c = new Array<number>(bins).fill(0);
    for (const x of xs) {
      if (!Number.isFinite(x)) continue;
      const b = Math.min(bins - 1, Math.max(0, Math.floor(((x - lo) / (hi - lo)) * bins)));
      c[b] = (c[b] ?? 0) + 1;
    }
    const n = xs.length || 1;
    return c.map((v) => v / n);
  };
  return { lo, hi, genuine: count(genuine), impostor: count(impostor) };
}

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

export function histogramSvg(h: HistogramInput): string {
  const width = h.width ?? 640;
  const height = h.height ?? 240;
  const m = { left: 44, right: 12, top: 28, bottom: 36 };
  const w = width - m.left - m.right;
  const ht = height - m.top - m.bottom;
  const b = binScores(h.genuine, h.impostor, h.bins, h.markers.map((k) => k.value));
  const peak = Math.max(1e-9, ...b.genuine, ...b.impostor);
  const x = (v: number): number => m.left + ((v - b.lo) / (b.hi - b.lo)) * w;
  const y = (share: number): number => m.top + ht - (share / peak) * ht;
  const bw = w / h.bins;
  const bars = (series: number[], cls: string): string =>
    series.map((s, i) => (s > 0 ? `<rect class="${cls}" x="${(m.left + i * bw).toFixed(1)}" y="${y(s).toFixed(1)}" width="${Math.max(1, bw - 1).toFixed(1)}" height="${(m.top + ht - y(s)).toFixed(1)}"/>` : '')).join('');
  const ticks = Array.from({ length: 6 }, (_, i) => b.lo + ((b.hi - b.lo) * i) / 5)
    .map((v) => `<text class="tick" x="${x(v).toFixed(1)}" y="${height - m.bottom + 14}" text-anchor="middle">${v.toFixed(2)}</text>`).join('');
  const markers = h.markers.filter((k) => Number.isFinite(k.value)).map((k, i) =>
    `<line x1="${x(k.value).toFixed(1)}" x2="${x(k.value).toFixed(1)}" y1="${m.top - 4}" y2="${m.top + ht}" stroke="${esc(k.color)}" stroke-width="2" stroke-dasharray="5 3"/>`
    + `<text class="marker" x="${(x(k.value) + 4).toFixed(1)}" y="${m.top + 10 + i * 12}" fill="${esc(k.color)}">${esc(k.label)} ${k.value.toFixed(3)}</text>`).join('');
  return `<svg class="hist" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${esc(h.title)}">`
    + `<title>${esc(h.title)}</title>`
    + `<rect x="${m.left}" y="${m.top}" width="${w}" height="${ht}" class="plot"/>`
    + bars(b.impostor, 'imp') + bars(b.genuine, 'gen') + markers
    + `<line x1="${m.left}" x2="${m.left + w}" y1="${m.top + ht}" y2="${m.top + ht}" class="axis"/>` + ticks
    + `<text class="label" x="${m.left + w / 2}" y="${height - 4}" text-anchor="middle">cosine similarity of the best match (share of probes per bin)</text>`
    + `<rect x="${m.left + 6}" y="8" width="10" height="10" class="gen"/><text class="label" x="${m.left + 20}" y="17">genuine (${h.genuine.length})</text>`
    + `<rect x="${m.left + 130}" y="8" width="10" height="10" class="imp"/><text class="label" x="${m.left + 144}" y="17">impostor / stranger (${h.impostor.length})</text>`
    + '</svg>';
}
