/** `kiosk identify <image...>`: every face in every photo, named or unknown. */
import { decodeImageFile } from '../model/decode.ts';
import { isKioskError } from '../errors.ts';
import type { CliContext } from './context.ts';
import { identifyAll, loadMatcher, type Identified } from './recognizer.ts';

export interface IdentifiedFaceJson {
  box: { x: number; y: number; width: number; height: number };
  score: number;
  person: string;
  personId: number | null;
  similarity: number;
  margin: number;
  antispoof: number | null;
  liveness: number | null;
  quality: number;
  candidates: { name: string; similarity: number }[];
}

export interface IdentifyImageJson {
  file: string;
  width: number;
  height: number;
  faces: IdentifiedFaceJson[];
  error?: { code: string; message: string };
}

const round = (v: number, d = 4): number => Math.round(v * 10 ** d) / 10 ** d;

/** Boxes are reported in the original photo's pixels, whatever the downscale used for analysis. */
export function toJson(file: string, size: { width: number; height: number }, scale: number, found: readonly Identified[]): IdentifyImageJson {
  return {
    file,
    width: size.width,
    height: size.height,
    faces: found.map(({ face, match }) => ({
      box: { x: Math.round(face.box.x * scale), y: Math.round(face.box.y * scale), width: Math.round(face.box.width * scale), height: Math.round(face.box.height * scale) },
      score: round(face.score),
      person: match.person?.name ?? 'unknown',
      personId: match.person?.personId ?? null,
      similarity: round(match.bestSimilarity),
      margin: round(match.margin),
      antispoof: face.antispoof === null ? null : round(face.antispoof),
      liveness: face.liveness === null ? null : round(face.liveness),
      quality: round(face.quality.score),
      candidates: match.topK.map((c) => ({ name: c.name, similarity: round(c.similarity) })),
    })),
  };
}

export async function identifyImages(ctx: CliContext, files: readonly string[]): Promise<IdentifyImageJson[]> {
  const engine = await ctx.engine();
  const matcher = loadMatcher(engine, ctx.store(), ctx.config);
  const out: IdentifyImageJson[] = [];
  for (const file of files) {
    try {
      const img = await decodeImageFile(file, ctx.config.model.image);
      const faces = await engine.analyze(img);
      out.push(toJson(file, { width: img.originalWidth, height: img.originalHeight }, img.scale, identifyAll(faces, matcher)));
    } catch (err) {
      if (!isKioskError(err)) throw err;
      out.push({ file, width: 0, height: 0, faces: [], error: { code: err.code, message: err.toLine() } });
    }
  }
  return out;
}

export function formatIdentify(r: IdentifyImageJson): string {
  if (r.error) return `${r.file}: error: ${r.error.message}`;
  if (r.faces.length === 0) return `${r.file}: no face found`;
  const lines = r.faces.map((f, i) => {
    const who = f.person === 'unknown' ? `unknown (best ${f.candidates[0]?.name ?? '-'} ${(f.similarity * 100).toFixed(1)}%)` : `${f.person} ${(f.similarity * 100).toFixed(1)}%`;
    const spoof = f.antispoof === null ? '' : ` real ${(f.antispoof * 100).toFixed(0)}%`;
    const live = f.liveness === null ? '' : ` live ${(f.liveness * 100).toFixed(0)}%`;
    return `  face ${i + 1} [${f.box.x},${f.box.y} ${f.box.width}×${f.box.height}]: ${who}${spoof}${live}`;
  });
  return `${r.file}: ${r.faces.length} face${r.faces.length === 1 ? '' : 's'}\n${lines.join('\n')}`;
}
