/** Keeps the last N bytes of a child's stderr, enough to explain a failure without unbounded growth. */
export class TextTail {
  private buf: Buffer = Buffer.alloc(0);

  constructor(private readonly maxBytes: number) {}

  push(chunk: Buffer): void {
    const joined = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    this.buf = joined.length > this.maxBytes ? Buffer.from(joined.subarray(joined.length - this.maxBytes)) : joined;
  }

  clear(): void {
    this.buf = Buffer.alloc(0);
  }

  get text(): string {
    return this.buf.toString('utf8').trim();
  }

  /** Last non-empty line, or '' when nothing was written. */
  get lastLine(): string {
    const lines = this.text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l !== '');
    return lines[lines.length - 1] ?? '';
  }
}
