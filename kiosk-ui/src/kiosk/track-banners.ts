/**
 * Which greeting the screen may show now (pure, DOM-free). A greeting belongs to the face it was
 * decided on: it is shown only while that track is the main face in view (the largest box), or
 * while nobody is in view at all (a person decided as they left). The moment the track leaves or
 * another face becomes the main one, it is cleared or handed over to that face's own greeting.
 */
import type { PreviewFaceDto } from '../../../src/server/protocol.ts';

export interface TrackedBanner<B> {
  track: number;
  banner: B;
  /** Local time the decision arrived. */
  at: number;
  /** Local time the greeting ends: greetingMs after `at`, or longer when it was added with its own time. */
  until: number;
}

/** The face the kiosk is talking to: the largest box (closest to the camera). */
export function mainFace(faces: readonly PreviewFaceDto[]): PreviewFaceDto | null {
  let best: PreviewFaceDto | null = null;
  for (const f of faces) {
    if (best === null || f.box.width * f.box.height > best.box.width * best.box.height) best = f;
  }
  return best;
}

export class TrackBanners<B> {
  readonly #byTrack = new Map<number, TrackedBanner<B>>();

  constructor(private readonly greetingMs: () => number) {}

  /** `ms`: how long this greeting lasts when not greetingMs (one that offers "Not me" lasts as long as the offer). */
  add(track: number, banner: B, now: number, ms = this.greetingMs()): void {
    this.#byTrack.set(track, { track, banner, at: now, until: now + ms });
  }

  clear(): void {
    this.#byTrack.clear();
  }

  /**
   * The greeting to show, given the faces of the latest preview frame (null: no preview to go
   * by, e.g. previews off; then the newest greeting shows until it ends). A greeting whose track is
   * not the main face is kept, not shown, until it ends: a decision may arrive just before the
   * first frame that shows its face.
   */
  select(faces: readonly PreviewFaceDto[] | null, now: number): TrackedBanner<B> | null {
    for (const [track, b] of this.#byTrack) {
      if (now >= b.until) this.#byTrack.delete(track);
    }
    if (faces === null || faces.length === 0) {
      let newest: TrackedBanner<B> | null = null;
      for (const b of this.#byTrack.values()) if (newest === null || b.at >= newest.at) newest = b;
      return newest;
    }
    const main = mainFace(faces);
    return main === null ? null : (this.#byTrack.get(main.trackId) ?? null);
  }
}
