/**
 * Latest-frame hand-off between a reader that must never block (a camera) and a slower consumer
 * (inference). Holds at most one item: a new item replaces an unread one and counts as a drop,
 * so memory stays bounded however slow the consumer is (Frigate's `Queue(maxsize)` + `skipped_fps`).
 */

export interface LatestSlotOptions<T> {
  /** Called with each item that was replaced before anyone read it. */
  onDrop?: (dropped: T) => void;
  /** Called after a consumer takes an item, i.e. when the slot has room again. */
  onTake?: () => void;
}

export class LatestSlot<T> {
  private item: T | undefined;
  private has = false;
  private isClosed = false;
  private droppedCount = 0;
  private readonly waiters: Array<(value: T | null) => void> = [];
  private readonly onDrop: ((dropped: T) => void) | undefined;
  private readonly onTake: (() => void) | undefined;

  constructor(opts: LatestSlotOptions<T> = {}) {
    this.onDrop = opts.onDrop;
    this.onTake = opts.onTake;
  }

  /** Items currently held: 0 or 1. */
  get size(): number {
    return this.has ? 1 : 0;
  }

  get dropped(): number {
    return this.droppedCount;
  }

  get closed(): boolean {
    return this.isClosed;
  }

  /** Number of consumers currently awaiting `next()`. */
  get waiting(): number {
    return this.waiters.length;
  }

  /**
   * Offer an item. Goes straight to a waiting consumer if there is one; otherwise replaces any unread
   * item. Returns true when an unread item was dropped. Ignored after `close()`.
   */
  put(item: T): boolean {
    if (this.isClosed) return false;
    const waiter = this.waiters.shift();
    if (waiter) {
      waiter(item);
      this.onTake?.();
      return false;
    }
    if (this.has) {
      const old = this.item as T;
      this.item = item;
      this.droppedCount += 1;
      this.onDrop?.(old);
      return true;
    }
    this.item = item;
    this.has = true;
    return false;
  }

  /** Take the held item without waiting. */
  tryTake(): T | undefined {
    if (!this.has) return undefined;
    const item = this.item as T;
    this.item = undefined;
    this.has = false;
    this.onTake?.();
    return item;
  }

  /**
   * The held item, or the next one put. Resolves null once the slot is closed and empty
   * (an item put before `close()` is still delivered unless closed with `discard`).
   */
  next(): Promise<T | null> {
    if (this.has) return Promise.resolve(this.tryTake() as T);
    if (this.isClosed) return Promise.resolve(null);
    return new Promise<T | null>((resolve) => {
      this.waiters.push(resolve);
    });
  }

  /** No more items: current and future waiters get null. `discard` also throws away an unread item. */
  close(opts: { discard?: boolean } = {}): void {
    this.isClosed = true;
    if (opts.discard && this.has) {
      this.item = undefined;
      this.has = false;
    }
    for (const waiter of this.waiters.splice(0)) waiter(null);
  }
}
