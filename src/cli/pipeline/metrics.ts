/**
 * Prometheus metrics of the running kiosk (prom-client): per-stage latency histograms, frames,
 * drops, reconnects, decisions by result, DB write latency. The loop reports through the small
 * `LoopMetrics` interface so it does not depend on the metrics library.
 */
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { DecisionResult } from '../../server/ports.ts';

export type Stage = 'detect' | 'embed' | 'match' | 'db_write';

export interface LoopMetrics {
  observe(stage: Stage, seconds: number): void;
  frame(): void;
  decision(result: DecisionResult, logged: boolean): void;
  embedSkipped(): void;
}

export interface LiveCounters {
  fps(): number;
  framesRead(): number;
  framesDropped(): number;
  reconnects(): number;
}

export class KioskMetrics implements LoopMetrics {
  readonly registry = new Registry();
  readonly #stage: Histogram<'stage'>;
  readonly #frames: Counter;
  readonly #decisions: Counter<'result' | 'logged'>;
  readonly #skipped: Counter;

  constructor(live: LiveCounters) {
    collectDefaultMetrics({ register: this.registry, prefix: 'kiosk_process_' });
    this.#stage = new Histogram({
      name: 'kiosk_stage_seconds', help: 'Latency of each pipeline stage', labelNames: ['stage'], registers: [this.registry],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.35, 0.5, 0.75, 1, 2, 5],
    });
    this.#frames = new Counter({ name: 'kiosk_frames_processed_total', help: 'Frames detected and tracked', registers: [this.registry] });
    this.#decisions = new Counter({ name: 'kiosk_decisions_total', help: 'Vote decisions by result, and whether a punch was logged', labelNames: ['result', 'logged'], registers: [this.registry] });
    this.#skipped = new Counter({ name: 'kiosk_embeddings_skipped_total', help: 'Faces not embedded because every embedding worker was busy', registers: [this.registry] });
    const gauge = (name: string, help: string, read: () => number): void => {
      new Gauge({ name, help, registers: [this.registry], collect() { this.set(read()); } });
    };
    gauge('kiosk_loop_fps', 'Frames processed per second over the last second', live.fps);
    gauge('kiosk_frames_read_total', 'Frames read from the camera', live.framesRead);
    gauge('kiosk_frames_dropped_total', 'Frames dropped because the loop was busy (latest-frame semantics)', live.framesDropped);
    gauge('kiosk_camera_reconnects_total', 'Camera reconnects after a loss', live.reconnects);
  }

  observe(stage: Stage, seconds: number): void {
    this.#stage.observe({ stage }, seconds);
  }

  frame(): void {
    this.#frames.inc();
  }

  decision(result: DecisionResult, logged: boolean): void {
    this.#decisions.inc({ result, logged: String(logged) });
  }

  embedSkipped(): void {
    this.#skipped.inc();
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }
}
