/** Writes `kiosk eval --report <file>`: gathers the thumbnails the page needs, renders, writes atomically. */
import { writeFileAtomic } from '../../atomic-write.ts';
import type { EvalOutcome } from '../eval.ts';
import { renderReport } from './html.ts';
import { reportOptionsSchema, type ReportOptions } from './options.ts';
import { Thumbnails } from './thumbnails.ts';

export async function writeReport(outcome: EvalOutcome, file: string, options: Partial<ReportOptions> = {}, now: () => Date = () => new Date()): Promise<{ file: string; bytes: number; thumbnails: number }> {
  const o = reportOptionsSchema.parse(options);
  const thumbs = new Thumbnails(outcome.embedded, o);
  const files = new Set<string>();
  for (const r of outcome.json.rows) {
    for (const m of r.misses.slice(0, o.maxMissesPerRow)) for (const f of [m.file, m.matchedFile, m.trueFile]) if (f) files.add(f);
  }
  const resolved = new Map<string, string | null>();
  for (const f of files) resolved.set(f, await thumbs.get(f));
  const html = renderReport({ json: outcome.json, scores: outcome.scores, thumbs: resolved, options: o, generatedAt: now().toISOString() });
  await writeFileAtomic(file, html);
  return { file, bytes: Buffer.byteLength(html), thumbnails: [...resolved.values()].filter(Boolean).length };
}
