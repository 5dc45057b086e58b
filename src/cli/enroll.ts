/** `kiosk enroll <dir>`: a folder-per-person data set into the gallery, idempotently. */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { errorMessage, isKioskError } from '../errors.ts';
import { encodeCropJpeg } from '../model/align/crop-jpeg.ts';
import { decodeImageFile } from '../model/decode.ts';
import { listDataset } from '../model/eval/dataset.ts';
import type { CliContext } from './context.ts';
import { progressBar } from './progress.ts';
import { cliActor } from '../ops/cli-actor.ts';

export interface EnrollSummary {
  people: { name: string; id: number; created: boolean; added: number; skipped: number; replaced: number }[];
  noFace: string[];
  multipleFaces: string[];
  failed: { file: string; error: string }[];
}

export async function enrollFolder(ctx: CliContext, dir: string): Promise<EnrollSummary> {
  const dataset = await listDataset(dir);
  const engine = await ctx.engine();
  const store = ctx.store();
  const { kind, version } = engine.info.descriptor;
  const summary: EnrollSummary = { people: [], noFace: [], multipleFaces: [], failed: [] };
  store.generations.adoptIfFirst(kind, version, JSON.stringify(ctx.config.model.descriptor), Date.now(), cliActor());
  const bar = progressBar(dataset.images.length, 'enroll');
  let done = 0;
  for (const person of dataset.people) {
    const { person: p, created } = store.people.upsert({ name: person }, cliActor());
    const samples = [];
    let alreadyEnrolled = 0;
    for (const img of dataset.images.filter((i) => i.person === person)) {
      bar.update(++done, img.file);
      try {
        const bytes = await readFile(img.path);
        const sourceKey = `sha256:${createHash('sha256').update(bytes).digest('hex')}`;
        if (store.people.hasSample(p.id, sourceKey, kind, version)) {
          alreadyEnrolled++;
          continue;
        }
        const decoded = await decodeImageFile(img.path, ctx.config.model.image);
        const faces = await engine.detect(decoded);
        if (faces.length === 0) {
          summary.noFace.push(img.file);
          continue;
        }
        if (faces.length > 1) summary.multipleFaces.push(img.file);
        // The largest face is the subject of an enrollment photo, as in the tutorial.
        const face = faces.reduce((a, b) => (b.observation.box.width * b.observation.box.height > a.observation.box.width * a.observation.box.height ? b : a));
        const [descriptor] = await engine.describe([face]);
        if (!descriptor) continue;
        const crop = face.aligned ? await encodeCropJpeg(face.aligned) : null;
        samples.push({ descriptor, kind, modelVersion: version, quality: face.observation.quality.score, sourceKey, ...(crop ? { crop } : {}) });
      } catch (err) {
        if (!isKioskError(err)) throw err;
        summary.failed.push({ file: img.file, error: errorMessage(err) });
      }
    }
    const res = store.people.addSamples(p.id, samples, cliActor());
    summary.people.push({ name: p.name, id: p.id, created, ...res, skipped: res.skipped + alreadyEnrolled });
  }
  bar.stop();
  return summary;
}
