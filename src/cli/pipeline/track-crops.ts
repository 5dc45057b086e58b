/**
 * The aligned face crops behind decisions: per track the sharpest crop seen so far (its evidence
 * photo once decided), and the largest face of the latest frame (the fallback's photo of who is in
 * front of the camera). Pure: frames in, crops out; the loop encodes and stores them.
 */
import type { RgbImage } from '../../model/decode.ts';

export interface CropCandidate {
  /** The five-point aligned crop; null when the face had no landmarks to align. */
  aligned: RgbImage | null;
  /** Box area in pixels: the largest face is the main one. */
  area: number;
  /** Detection quality: the sharpest crop of a track is kept. */
  score: number;
}

export class TrackCrops {
  readonly #best = new Map<number, { aligned: RgbImage; score: number }>();
  #main: { aligned: RgbImage; ts: number } | null = null;

  /** One processed frame: `tracks[i]` is the track of `faces[i]` (null when untracked). */
  observe(ts: number, faces: readonly CropCandidate[], tracks: readonly (number | null | undefined)[], keepPerTrack: boolean): void {
    let main: { aligned: RgbImage; area: number } | null = null;
    for (const [i, f] of faces.entries()) {
      if (f.aligned === null) continue;
      if (main === null || f.area > main.area) main = { aligned: f.aligned, area: f.area };
      const trackId = tracks[i];
      if (!keepPerTrack || trackId === null || trackId === undefined) continue;
      const kept = this.#best.get(trackId);
      if (kept === undefined || f.score > kept.score) this.#best.set(trackId, { aligned: f.aligned, score: f.score });
    }
    if (main !== null) this.#main = { aligned: main.aligned, ts };
  }

  best(trackId: number): RgbImage | null {
    return this.#best.get(trackId)?.aligned ?? null;
  }

  /** The track left: its crop is no longer needed. */
  end(trackId: number): void {
    this.#best.delete(trackId);
  }

  /** The main face's crop if it was seen within `maxAgeMs` of `now`. */
  main(now: number, maxAgeMs: number): RgbImage | null {
    return this.#main !== null && now - this.#main.ts <= maxAgeMs ? this.#main.aligned : null;
  }

  get tracked(): number {
    return this.#best.size;
  }
}
