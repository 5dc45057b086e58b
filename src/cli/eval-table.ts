/** Plain-text tables for `kiosk eval` (stdout, readable in a terminal and in a CI log). */
import type { EvalJson } from './eval.ts';

/** Misses listed per row in the terminal; the JSON and the HTML report hold all of them. */
const MAX_MISSES_SHOWN = 12;
/** Up to this many people the terminal shows the confusion matrix; beyond it, only the misses. */
const MAX_CONFUSION_PEOPLE = 10;

const pct = (v: number | undefined): string => (v === undefined ? '   -  ' : `${(v * 100).toFixed(1).padStart(5)}%`);

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ');
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

export function formatEval(j: EvalJson): string {
  const out: string[] = [];
  out.push(`data set ${j.dataset}: ${j.images} photos of ${j.people.length} people, faces found in ${j.detected}`);
  if (j.undetected.length) out.push(`no face detected: ${j.undetected.join(', ')}`);
  if (j.errors.length) out.push(`unreadable: ${j.errors.map((e) => `${e.file} (${e.error})`).join(', ')}`);
  out.push(`duplicates: ${j.duplicates.byteIdenticalPairs} byte-identical pairs, ${j.duplicates.nearIdenticalGroups.length} groups of byte- or near-identical photos${j.dedup ? `; --dedup removed ${j.duplicates.removed.length}` : ' (use --dedup to keep one of each)'}`);
  out.push(`protocol: stratified ${Math.round((1 - j.testSize) * 100)}/${Math.round(j.testSize * 100)} split, seeds ${j.seeds.join(',')}, rank-1 nearest neighbour by cosine (aggregate ${j.matcher.aggregate}), fused weight ${j.matcher.fusedWeight}`);
  out.push('');
  out.push(table(
    ['model', 'descriptor', 'rank-1 mean', 'min', 'per seed', 'near-copy test faces', 'tutorial'],
    j.rows.map((r) => [
      r.model, r.descriptor, pct(r.accuracy.mean), pct(r.accuracy.min), r.accuracy.perSeed.map((v) => (v * 100).toFixed(1)).join(' '),
      `${r.nearCopyTestFaces.toFixed(1)} of ${r.testFaces.toFixed(0)}`, pct(j.reference[r.model]),
    ]),
  ));
  const open = j.rows.flatMap((r) => (r.openSet ? [{ r, o: r.openSet }] : []));
  const first = open[0]?.o;
  if (first) {
    out.push('');
    out.push(`open set (leave one person out, per photo, threshold ${j.matcher.threshold}):`);
    out.push(table(
      ['model', 'descriptor', 'TAR', 'FAR', 'TAR@FAR1%', 'thr@FAR1%', 'TAR@FAR0.1%', 'thr@FAR0.1%', 'genuine mean', 'impostor mean', 'd′'],
      open.map(({ r, o }) => [r.model, r.descriptor, pct(o.tar), pct(o.far), pct(o.atFar['0.01']?.tar), (o.atFar['0.01']?.threshold ?? 0).toFixed(3),
        pct(o.atFar['0.001']?.tar), (o.atFar['0.001']?.threshold ?? 0).toFixed(3), o.genuineMean.toFixed(3), o.impostorMean.toFixed(3), o.dPrime.toFixed(2)]),
    ));
    const target = pct(first.forTar.targetTar).trim();
    out.push('');
    out.push(`the kiosk's rule (threshold ${first.operating.threshold} and a lead of ${first.operating.minMargin} over the runner-up), per photo; last columns: where the threshold must go for TAR ${target}:`);
    out.push(table(
      ['model', 'descriptor', 'TAR', 'FAR', 'wrong person', `thr for TAR ${target}`, 'FAR there'],
      open.map(({ r, o: { operating: op, forTar: f } }) => [r.model, r.descriptor, pct(op.tar), pct(op.far), pct(op.wrongAccept),
        f.reachable ? f.threshold.toFixed(3) : `unreachable (max TAR ${pct(f.tar).trim()})`, f.reachable ? pct(f.far) : '-']),
    ));
  }
  const heads = j.rows.filter((r) => r.head);
  if (heads.length) {
    out.push('');
    out.push('triplet heads (one per split, validated on held-out faces and stand-in strangers; a refused head falls back to the pretrained descriptor):');
    for (const r of heads) {
      const h = r.head;
      if (!h) continue;
      const refused = h.refusals.length ? `; trained epochs refused for ${h.refusals.map((x) => `${x.reason} (${x.fits})`).join(', ')}` : '';
      out.push(`  ${r.model}/${r.descriptor}: ${h.fits - h.identityFits} of ${h.fits} fits kept a trained head (mean best epoch ${h.meanBestEpoch.toFixed(1)}), ${h.trainSeconds.toFixed(0)} s training${refused}`);
    }
  }
  if (j.fusionSweep) {
    out.push('');
    out.push('fusion weight trade-off (w·cos faceres + (1−w)·cos dlib128):');
    out.push(table(['w', 'rank-1 mean', 'min', 'TAR@FAR1%', 'thr@FAR1%', 'TAR@FAR0.1%'],
      j.fusionSweep.map((s) => [s.weight.toFixed(2), pct(s.accuracy), pct(s.minAccuracy), pct(s.tarAtFar1), s.thresholdAtFar1.toFixed(3), pct(s.tarAtFar01)])));
  }
  for (const r of j.rows) {
    out.push('');
    // A confusion matrix is read at a glance for a few people; past that the misses say more per line.
    if (j.people.length <= MAX_CONFUSION_PEOPLE) {
      out.push(`confusion (${r.model}/${r.descriptor}, all seeds; rows = truth, columns = predicted):`);
      out.push(table(['', ...j.people], r.confusion.map((row, i) => [j.people[i] ?? '', ...row.map(String)])));
    } else {
      out.push(`${r.model}/${r.descriptor}: ${r.misses.length} misses over all seeds (the ${j.people.length}×${j.people.length} confusion matrix is in --json and --report)`);
    }
    if (r.misses.length) {
      const shown = r.misses.slice(0, MAX_MISSES_SHOWN).map((m) => `  seed ${m.seed} ${m.file} → ${m.predicted} (${m.similarity.toFixed(3)} via ${m.matchedFile})`);
      if (j.people.length <= MAX_CONFUSION_PEOPLE) out.push(`misses (${r.misses.length}):`);
      out.push(...shown);
      if (r.misses.length > MAX_MISSES_SHOWN) out.push(`  … ${r.misses.length - MAX_MISSES_SHOWN} more in --json / --report`);
    }
  }
  return out.join('\n');
}
