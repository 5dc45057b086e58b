/** Lets through at most one event per `minIntervalMs` and counts the rest (pure; clock passed in). */
export class RateGate {
  private last = Number.NEGATIVE_INFINITY;
  passed = 0;
  dropped = 0;

  constructor(private readonly minIntervalMs: number) {}

  static perSecond(maxPerSecond: number): RateGate {
    return new RateGate(1000 / maxPerSecond);
  }

  admit(now: number): boolean {
    // A clock that stepped backwards (NTP) must not block frames until it catches up.
    if (now - this.last >= this.minIntervalMs || now < this.last) {
      this.last = now;
      this.passed++;
      return true;
    }
    this.dropped++;
    return false;
  }
}
