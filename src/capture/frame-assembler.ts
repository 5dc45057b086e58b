/**
 * Cuts a byte stream (pipe chunks of any size) into exact frame-size buffers. Pull-based so the
 * reader can stop taking frames (backpressure) or skip frames it would drop anyway without copying
 * them. A frame lying inside one chunk is a zero-copy view; only frames spanning chunks are copied.
 */
export class FrameAssembler {
  private readonly chunks: Buffer[] = [];
  /** Read offset into chunks[0]. */
  private head = 0;
  private available = 0;

  constructor(readonly frameBytes: number) {
    if (!Number.isInteger(frameBytes) || frameBytes <= 0) throw new RangeError(`frameBytes must be a positive integer, got ${frameBytes}`);
  }

  /** Whole frames ready to take. */
  get completeFrames(): number {
    return Math.floor(this.available / this.frameBytes);
  }

  /** Bytes buffered that do not yet make a whole frame (non-zero at end of stream = truncated frame). */
  get partialBytes(): number {
    return this.available % this.frameBytes;
  }

  get bufferedBytes(): number {
    return this.available;
  }

  push(chunk: Buffer): void {
    if (chunk.length === 0) return;
    this.chunks.push(chunk);
    this.available += chunk.length;
  }

  /** The next whole frame, or null if there is none yet. */
  next(): Buffer | null {
    if (this.available < this.frameBytes) return null;
    const first = this.chunks[0] as Buffer;
    if (first.length - this.head >= this.frameBytes) {
      const view = first.subarray(this.head, this.head + this.frameBytes);
      this.advance(this.frameBytes);
      return view;
    }
    const out = Buffer.allocUnsafe(this.frameBytes);
    let filled = 0;
    while (filled < this.frameBytes) {
      const chunk = this.chunks[0] as Buffer;
      const n = Math.min(chunk.length - this.head, this.frameBytes - filled);
      chunk.copy(out, filled, this.head, this.head + n);
      filled += n;
      this.advance(n);
    }
    return out;
  }

  /** Discard the next whole frame without copying it. Returns false if there is none. */
  skip(): boolean {
    if (this.available < this.frameBytes) return false;
    this.advance(this.frameBytes);
    return true;
  }

  /** Forget everything buffered (e.g. after the producing process died mid-frame). */
  reset(): void {
    this.chunks.length = 0;
    this.head = 0;
    this.available = 0;
  }

  private advance(n: number): void {
    this.available -= n;
    let left = n;
    while (left > 0) {
      const chunk = this.chunks[0] as Buffer;
      const rest = chunk.length - this.head;
      if (left < rest) {
        this.head += left;
        return;
      }
      left -= rest;
      this.chunks.shift();
      this.head = 0;
    }
  }
}
