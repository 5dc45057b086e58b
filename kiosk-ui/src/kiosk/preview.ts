/**
 * Draws preview JPEGs and face boxes on a full-screen canvas. Decoding is asynchronous; while one
 * frame decodes, newer ones replace the pending one, so a slow screen shows the latest frame and
 * never builds a queue.
 */
import type { PreviewDto, PreviewFaceDto } from '../../../src/server/protocol.ts';

const COLORS = { collecting: '#f8fafc', advice: '#38bdf8', person: '#22c55e', unknown: '#f59e0b', spoof: '#ef4444' } as const;

function faceColor(f: PreviewFaceDto): string {
  if (f.state === 'collecting') return COLORS.collecting;
  if (f.state === 'hold-still' || f.state === 'step-back') return COLORS.advice;
  if (f.label === 'spoof') return COLORS.spoof;
  if (f.label === 'unknown' || f.label === null) return COLORS.unknown;
  return COLORS.person;
}

export class PreviewRenderer {
  private readonly g: CanvasRenderingContext2D;
  private pending: PreviewDto | null = null;
  private decoding = false;
  private last: { bitmap: ImageBitmap; frame: PreviewDto } | null = null;
  frames = 0;
  /** What the last drawn frame showed on each face (for tests and diagnostics). */
  drawn: Array<{ trackId: number; box: PreviewFaceDto['box']; state: PreviewFaceDto['state']; text: string | null }> = [];

  /**
   * `faceText` says what to write over a face: its name or decision, "checking… 1/3", "hold
   * still", "step back" (null: nothing). `onDrawn` runs after each frame is on screen, so what is
   * shown beside the picture (the greeting) follows the faces actually drawn.
   */
  constructor(
    private readonly canvas: HTMLCanvasElement,
    private readonly faceText: (face: PreviewFaceDto) => string | null,
    private readonly onDrawn: (frame: PreviewDto | null) => void = () => undefined,
  ) {
    const g = canvas.getContext('2d');
    if (g === null) throw new Error('no 2D canvas');
    this.g = g;
    this.resize();
    window.addEventListener('resize', () => this.resize());
  }

  push(frame: PreviewDto): void {
    this.pending = frame;
    if (!this.decoding) void this.decodeLoop();
  }

  clear(): void {
    this.last?.bitmap.close();
    this.last = null;
    this.draw();
    this.onDrawn(null);
  }

  /** Capture time of the frame on screen; null when none is shown. */
  get ts(): number | null {
    return this.last?.frame.ts ?? null;
  }

  /** The faces of the frame on screen; null when no frame is shown. */
  get faces(): PreviewFaceDto[] | null {
    return this.last?.frame.faces ?? null;
  }

  private async decodeLoop(): Promise<void> {
    this.decoding = true;
    while (this.pending !== null) {
      const frame = this.pending;
      this.pending = null;
      try {
        const bytes = frame.jpeg instanceof Uint8Array ? frame.jpeg : new Uint8Array(frame.jpeg);
        const bitmap = await createImageBitmap(new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'image/jpeg' }));
        this.last?.bitmap.close();
        this.last = { bitmap, frame };
        this.frames++;
        this.draw();
        this.onDrawn(frame);
      } catch {
        // A corrupt frame is skipped; the next one replaces it.
      }
    }
    this.decoding = false;
  }

  private resize(): void {
    const dpr = window.devicePixelRatio || 1;
    this.canvas.width = Math.round(window.innerWidth * dpr);
    this.canvas.height = Math.round(window.innerHeight * dpr);
    this.draw();
  }

  private draw(): void {
    const { g, canvas } = this;
    g.fillStyle = '#0b1220';
    g.fillRect(0, 0, canvas.width, canvas.height);
    this.drawn = [];
    if (this.last === null) return;
    const { bitmap, frame } = this.last;
    // "contain": the whole frame visible, centred, aspect kept.
    const scale = Math.min(canvas.width / bitmap.width, canvas.height / bitmap.height);
    const w = bitmap.width * scale;
    const hgt = bitmap.height * scale;
    const x0 = (canvas.width - w) / 2;
    const y0 = (canvas.height - hgt) / 2;
    g.drawImage(bitmap, x0, y0, w, hgt);
    // Boxes are in frame pixels; the bitmap may differ from frame.width if the pipeline scaled it.
    const sx = (w / frame.width);
    const sy = (hgt / frame.height);
    const line = Math.max(2, Math.round(canvas.height / 240));
    const font = Math.max(14, Math.round(canvas.height / 30));
    g.font = `600 ${font}px system-ui, sans-serif`;
    g.textBaseline = 'bottom';
    for (const f of frame.faces) {
      const color = faceColor(f);
      const bx = x0 + f.box.x * sx;
      const by = y0 + f.box.y * sy;
      g.lineWidth = line;
      g.strokeStyle = color;
      const bw = f.box.width * sx;
      const bh = f.box.height * sy;
      g.setLineDash(f.state === 'decided' ? [] : [line * 4, line * 3]);
      g.strokeRect(bx, by, bw, bh);
      g.setLineDash([]);
      if (f.state !== 'decided' && f.progress !== undefined && f.progress.needed > 0) {
        // Vote progress as a bar under the box.
        const share = Math.min(1, f.progress.votes / f.progress.needed);
        g.fillStyle = 'rgba(11,18,32,0.6)';
        g.fillRect(bx, by + bh + line, bw, line * 2);
        g.fillStyle = color;
        g.fillRect(bx, by + bh + line, bw * share, line * 2);
      }
      const text = this.faceText(f);
      this.drawn.push({ trackId: f.trackId, box: { ...f.box }, state: f.state, text });
      if (text !== null) {
        const pad = Math.round(font / 4);
        const tw = g.measureText(text).width + pad * 2;
        g.fillStyle = color;
        g.fillRect(bx - line / 2, by - font - pad * 2, tw, font + pad * 2);
        g.fillStyle = '#0b1220';
        g.fillText(text, bx + pad, by - pad);
      }
    }
  }
}
