/**
 * Links face boxes across frames into tracks: greedy by best IoU, then a centre-distance fallback
 * for fast motion (a face moving more than its width between frames has no IoU at all). No motion
 * model: at a kiosk faces move slowly and rarely cross fully. Started/ended ids come from set
 * differences between the tracks before and after each update.
 */
import type { Box } from '../model/types.ts';
import type { TrackerOptions } from './options.ts';

export interface TrackerConfig extends TrackerOptions {
  /** Tracks alive at once; unmatched detections beyond this get no track. */
  maxTracks: number;
}

export interface TrackInfo {
  id: number;
  box: Box;
  firstSeq: number;
  firstTs: number;
  lastSeq: number;
  lastTs: number;
  /** Frames the track was matched in. */
  hits: number;
}

export interface TrackUpdate {
  /** Track id per input box, same order; null when the box is invalid or maxTracks is reached. */
  assignments: Array<number | null>;
  started: number[];
  ended: number[];
}

export function iou(a: Box, b: Box): number {
  const ix = Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x));
  const iy = Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y));
  const inter = ix * iy;
  const union = a.width * a.height + b.width * b.height - inter;
  return union > 0 ? inter / union : 0;
}

function side(b: Box): number {
  return Math.sqrt(b.width * b.height);
}

/** Centre distance in units of the larger box's side. */
export function centreDistance(a: Box, b: Box): number {
  const dx = a.x + a.width / 2 - (b.x + b.width / 2);
  const dy = a.y + a.height / 2 - (b.y + b.height / 2);
  return Math.hypot(dx, dy) / Math.max(side(a), side(b));
}

function validBox(b: Box): boolean {
  return [b.x, b.y, b.width, b.height].every(Number.isFinite) && b.width > 0 && b.height > 0;
}

interface Pair {
  trackId: number;
  det: number;
  /** Lower is better. */
  cost: number;
}

export class Tracker {
  private readonly tracks = new Map<number, TrackInfo>();
  private nextId = 1;
  /** Timestamp of the newest frame processed: a track is only missed by frames that were looked at. */
  private lastFrameTs = Number.NEGATIVE_INFINITY;

  constructor(private readonly options: TrackerConfig) {}

  get size(): number {
    return this.tracks.size;
  }

  get(trackId: number): Readonly<TrackInfo> | undefined {
    return this.tracks.get(trackId);
  }

  ids(): number[] {
    return [...this.tracks.keys()];
  }

  /**
   * Ends tracks missing from the processed frames for more than maxMissedMs, or, when no frame
   * has been processed since (`now` runs ahead of the frames), not seen for more than stalledMs.
   */
  expire(now: number): number[] {
    return this.expireAt(this.lastFrameTs, now);
  }

  private expireAt(lookedUntil: number, now: number): number[] {
    const ended: number[] = [];
    const stalled = Math.max(this.options.maxMissedMs, this.options.stalledMs);
    for (const t of this.tracks.values()) {
      if (lookedUntil - t.lastTs > this.options.maxMissedMs || now - t.lastTs > stalled) ended.push(t.id);
    }
    for (const id of ended) this.tracks.delete(id);
    return ended;
  }

  /** Ends every track (shutdown). */
  clear(): number[] {
    const ended = this.ids();
    this.tracks.clear();
    return ended;
  }

  update(frameSeq: number, ts: number, boxes: readonly Box[]): TrackUpdate {
    // Expire first so a face returning after maxMissedMs starts a new track instead of reviving one.
    // "Missed" counts the frames looked at before this one: after one long gap (a slow loop) the
    // face in this frame still continues its track.
    const ended = this.expireAt(this.lastFrameTs, ts);
    if (ts > this.lastFrameTs) this.lastFrameTs = ts;
    const assignments: Array<number | null> = boxes.map(() => null);
    const freeTracks = new Set(this.tracks.keys());
    const freeDets = new Set(boxes.flatMap((b, i) => (validBox(b) ? [i] : [])));

    const link = (pairs: Pair[]): void => {
      pairs.sort((a, b) => a.cost - b.cost || a.trackId - b.trackId || a.det - b.det);
      for (const p of pairs) {
        if (!freeTracks.has(p.trackId) || !freeDets.has(p.det)) continue;
        freeTracks.delete(p.trackId);
        freeDets.delete(p.det);
        assignments[p.det] = p.trackId;
      }
    };
    const candidates = (cost: (track: Box, det: Box) => number | null): Pair[] => {
      const pairs: Pair[] = [];
      for (const trackId of freeTracks) {
        const track = this.tracks.get(trackId);
        if (!track) continue;
        for (const det of freeDets) {
          const box = boxes[det];
          if (!box) continue;
          const c = cost(track.box, box);
          if (c !== null) pairs.push({ trackId, det, cost: c });
        }
      }
      return pairs;
    };

    link(
      candidates((t, d) => {
        const overlap = iou(t, d);
        return overlap >= this.options.minIou ? -overlap : null;
      }),
    );
    link(
      candidates((t, d) => {
        const scale = Math.max(side(t), side(d)) / Math.min(side(t), side(d));
        if (scale > this.options.maxScaleChange) return null;
        const dist = centreDistance(t, d);
        return dist <= this.options.maxCentreDistance ? dist : null;
      }),
    );

    for (const [det, trackId] of assignments.entries()) {
      const box = boxes[det];
      const track = trackId === null ? undefined : this.tracks.get(trackId);
      if (!track || !box) continue;
      track.box = { ...box };
      track.lastSeq = frameSeq;
      track.lastTs = ts;
      track.hits++;
    }

    const started: number[] = [];
    for (const det of [...freeDets].sort((a, b) => a - b)) {
      const box = boxes[det];
      if (!box || this.tracks.size >= this.options.maxTracks) continue;
      const id = this.nextId++;
      this.tracks.set(id, { id, box: { ...box }, firstSeq: frameSeq, firstTs: ts, lastSeq: frameSeq, lastTs: ts, hits: 1 });
      assignments[det] = id;
      started.push(id);
    }
    return { assignments, started, ended };
  }
}
