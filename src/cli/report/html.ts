/**
 * The error-analysis page (the tutorial's section 5) as one self-contained HTML string: inline CSS,
 * images as data: URIs, charts as inline SVG, no script and nothing fetched, so it opens offline.
 * Pure: the evaluation JSON, scores and thumbnails in, markup out.
 */
import type { OpenSetScores } from '../../model/eval/metrics.ts';
import type { EvalJson, EvalRowJson } from '../eval.ts';
import { histogramSvg } from './histogram.ts';
import type { ReportOptions } from './options.ts';

export interface ReportInput {
  json: EvalJson;
  /** Open-set scores per row (same order as json.rows), null where open-set was not run. */
  scores: readonly (OpenSetScores | null)[];
  /** Data-set-relative file → thumbnail data URI (null: could not be cut). */
  thumbs: ReadonlyMap<string, string | null>;
  options: ReportOptions;
  generatedAt: string;
}

export const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
const pct = (v: number | undefined | null): string => (v === undefined || v === null ? '–' : `${(v * 100).toFixed(1)}%`);
const num = (v: number | undefined | null): string => (v === undefined || v === null ? '–' : v.toFixed(3));

const css = (figurePx: number): string => `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:24px;color:#1d2330;background:#fafbfc}
h1{font-size:22px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 8px;border-bottom:1px solid #d8dde6;padding-bottom:4px}h3{font-size:15px;margin:18px 0 6px}
.meta{color:#5a6475;margin:2px 0}
table{border-collapse:collapse;margin:8px 0;background:#fff;font-size:13px}th,td{border:1px solid #d8dde6;padding:4px 8px;text-align:right}th{background:#eef1f6}td.l,th.l{text-align:left}
.ref{color:#7a8394}
.miss{display:flex;gap:14px;align-items:flex-start;background:#fff;border:1px solid #d8dde6;border-radius:6px;padding:8px;margin:8px 0}
.miss figure{margin:0;text-align:center;width:${figurePx}px}.miss figcaption{font-size:12px;color:#3b4455;overflow-wrap:anywhere}
.nw{white-space:nowrap}
.miss img{display:block;border-radius:4px;border:2px solid #c9ced8}.miss .wrong img{border-color:#d9534f}.miss .right img{border-color:#3c9d5d}
.noimg{display:flex;align-items:center;justify-content:center;background:#eceff4;color:#7a8394;font-size:11px;border-radius:4px}
.hist .plot{fill:#fff;stroke:#d8dde6}.hist .gen{fill:#3c9d5d;fill-opacity:.65}.hist .imp{fill:#d9534f;fill-opacity:.55}.hist .axis{stroke:#5a6475}
.hist text{font:11px system-ui,sans-serif;fill:#3b4455}.hist .marker{font-weight:600}
.note{background:#fff8e1;border:1px solid #f0d98a;padding:6px 10px;border-radius:4px}
`;

function thumb(input: ReportInput, file: string, caption: string, cls: string): string {
  const uri = input.thumbs.get(file) ?? null;
  const px = input.options.thumbPx;
  const img = uri
    ? `<img src="${uri}" width="${px}" height="${px}" alt="${esc(file)}">`
    : `<div class="noimg" style="width:${px}px;height:${px}px">no face box</div>`;
  return `<figure class="${cls}">${img}<figcaption>${caption}</figcaption></figure>`;
}

function accuracyTable(j: EvalJson): string {
  const head = '<tr><th class="l">model</th><th class="l">descriptor</th><th>rank-1 mean</th><th>min</th><th class="l">per seed</th><th>tutorial</th>'
    + '<th>TAR@FAR1%</th><th>thr@FAR1%</th><th>TAR@FAR0.1%</th><th class="nw">TAR / FAR at thr</th><th class="nw">kiosk rule TAR / FAR</th><th class="nw">TAR 90% needs thr / FAR</th><th>genuine mean</th><th>impostor mean</th><th class="l">heads kept</th></tr>';
  const rows = j.rows.map((r) => {
    const o = r.openSet;
    const h = r.head;
    const fits = h ? `${h.fits - h.identityFits} of ${h.fits}` : '';
    return `<tr><td class="l">${esc(r.model)}</td><td class="l">${esc(r.descriptor)}</td><td>${pct(r.accuracy.mean)}</td><td>${pct(r.accuracy.min)}</td>`
      + `<td class="l nw">${r.accuracy.perSeed.map((v) => (v * 100).toFixed(1)).join(' ')}</td><td class="ref">${pct(j.reference[r.model])}</td>`
      + `<td>${pct(o?.atFar['0.01']?.tar)}</td><td>${num(o?.atFar['0.01']?.threshold)}</td><td>${pct(o?.atFar['0.001']?.tar)}</td>`
      + `<td class="nw">${o ? `${pct(o.tar)} / ${pct(o.far)}` : '–'}</td><td class="nw">${o ? `${pct(o.operating.tar)} / ${pct(o.operating.far)}` : '–'}</td>`
      + `<td class="nw">${o ? (o.forTar.reachable ? `${num(o.forTar.threshold)} / ${pct(o.forTar.far)}` : `unreachable (max ${pct(o.forTar.tar)})`) : '–'}</td><td>${num(o?.genuineMean)}</td><td>${num(o?.impostorMean)}</td><td class="l">${esc(fits)}</td></tr>`;
  });
  return `<table>${head}${rows.join('')}</table>`;
}

function headsSection(j: EvalJson): string {
  const rows = j.rows.filter((r) => r.head);
  if (rows.length === 0) return '';
  const items = rows.map((r) => {
    const h = r.head;
    if (!h) return '';
    const refused = h.refusals.length ? `; trained epochs refused for: ${h.refusals.map((x) => `${esc(x.reason)} (${x.fits} fits)`).join(', ')}` : '';
    return `<li><b>${esc(r.model)} / ${esc(r.descriptor)}</b>: ${h.fits - h.identityFits} of ${h.fits} per-split heads kept (mean best epoch ${h.meanBestEpoch.toFixed(1)}${h.augmentCount ? `, ×${h.augmentCount} augmented variants per train photo` : ''}), ${h.trainSeconds.toFixed(0)} s of training${refused}</li>`;
  });
  return `<h3>Triplet heads</h3><p class="meta">Each split trains its own head on that split's train faces only (never the left-out person), validated on held-out photos and on each known person held out in turn as a stand-in stranger; a refused head falls back to the pretrained descriptor for that split.</p><ul>${items.join('')}</ul>`;
}

function missesSection(input: ReportInput, r: EvalRowJson): string {
  if (r.misses.length === 0) return '<p>No test face was misidentified over all seeds.</p>';
  const shown = r.misses.slice(0, input.options.maxMissesPerRow);
  const items = shown.map((m) =>
    '<div class="miss">'
    + thumb(input, m.file, `test face<br>${esc(m.file)}<br>seed ${m.seed}, truly ${esc(m.truth)}`, 'probe')
    + thumb(input, m.matchedFile, `matched ${esc(m.predicted)}<br>${esc(m.matchedFile)}<br>similarity ${num(m.similarity)}`, 'wrong')
    + thumb(input, m.trueFile, `own best: ${esc(m.truth)}<br>${esc(m.trueFile)}<br>similarity ${num(m.trueSimilarity)}`, 'right')
    + '</div>');
  const more = r.misses.length > shown.length ? `<p class="meta">… ${r.misses.length - shown.length} more in --json.</p>` : '';
  return items.join('') + more;
}

function histogramSection(input: ReportInput, r: EvalRowJson, s: OpenSetScores | null): string {
  if (!s || !r.openSet) return '';
  const far1 = r.openSet.atFar['0.01']?.threshold;
  const markers = [{ value: input.json.matcher.threshold, label: 'configured threshold', color: '#1f5fbf' }];
  if (far1 !== undefined) markers.push({ value: far1, label: 'FAR 1%', color: '#7b3fa0' });
  return histogramSvg({
    genuine: s.genuine.map((g) => g.trueScore), impostor: s.impostor, bins: input.options.histogramBins, markers,
    title: `open-set similarity, ${r.model} / ${r.descriptor}: genuine vs impostor`,
  });
}

export function renderReport(input: ReportInput): string {
  const j = input.json;
  const parts: string[] = [];
  parts.push(`<h1>Recognition error analysis</h1>`);
  parts.push(`<p class="meta">data set ${esc(j.dataset)}: ${j.images} photos of ${j.people.length} people (${esc(j.people.join(', '))}), faces found in ${j.detected}</p>`);
  parts.push(`<p class="meta">protocol: stratified ${Math.round((1 - j.testSize) * 100)}/${Math.round(j.testSize * 100)} split, seeds ${j.seeds.join(', ')}; rank-1 nearest neighbour by cosine; open set = leave one person out; matcher threshold ${j.matcher.threshold}, fused weight ${j.matcher.fusedWeight}. Generated ${esc(input.generatedAt)}.</p>`);
  if (j.undetected.length) parts.push(`<p class="meta">no face detected in: ${esc(j.undetected.join(', '))}</p>`);
  parts.push('<h2>Accuracy</h2>');
  parts.push(accuracyTable(j));
  parts.push('<p class="meta">"tutorial" = the FaceNet tutorial\'s published rank-1 for the same row; "heads kept": how many of the per-split heads passed held-out validation (the rest fell back to the pretrained descriptor).</p>');
  parts.push(headsSection(j));
  j.rows.forEach((r, i) => {
    parts.push(`<h2>${esc(r.model)} / ${esc(r.descriptor)}</h2>`);
    const hist = histogramSection(input, r, input.scores[i] ?? null);
    if (hist) {
      parts.push(`<h3>Open set: genuine vs impostor similarity</h3>${hist}`);
      parts.push(`<p class="meta">genuine mean ${num(r.openSet?.genuineMean)} (${r.openSet?.genuineCount ?? 0} probes), impostor mean ${num(r.openSet?.impostorMean)} (${r.openSet?.impostorCount ?? 0} probes)</p>`);
    }
    parts.push(`<h3>Misidentified test faces (${r.misses.length})</h3>`);
    parts.push('<p class="meta">each: the test face, the training face it matched (wrong person) and its own person\'s best training face, with similarities.</p>');
    parts.push(missesSection(input, r));
  });
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">`
    + `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'">`
    + `<title>kiosk eval report — ${esc(j.dataset)}</title><style>${css(input.options.thumbPx + 48)}</style></head><body>${parts.join('\n')}</body></html>\n`;
}
