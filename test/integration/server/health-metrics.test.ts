import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { harness } from './harness.ts';
import { KioskMetrics } from '../../../src/cli/pipeline/metrics.ts';
import type { HealthReport } from '../../../src/server/app.ts';

const healthy: HealthReport = {
  ok: true, camera: 'running', loopAlive: true, fps: 9.5, backend: 'wasm', descriptor: 'fused v1',
  db: { writable: true, error: null }, disk: { freeBytes: 10e9, ok: true },
  recording: { ok: true, since: 0, pending: 0, error: null },
};

describe('/healthz and /metrics', () => {
  test('healthz returns the full report: 200 when everything is fine, 503 naming what is not', async () => {
    let report = healthy;
    const h = harness({ health: async () => report });
    try {
      const ok = await h.app.inject({ url: '/healthz' });
      assert.equal(ok.statusCode, 200);
      assert.deepEqual(ok.json(), healthy);
      report = { ...healthy, ok: false, loopAlive: false, db: { writable: false, error: 'attempt to write a readonly database' } };
      const bad = await h.app.inject({ url: '/healthz' });
      assert.equal(bad.statusCode, 503);
      assert.equal(bad.json().db.error, 'attempt to write a readonly database');
      assert.equal(bad.json().loopAlive, false);
    } finally {
      await h.done();
    }
  });

  test('metrics exposes stage latencies, frames, drops, reconnects and decisions in Prometheus format', async () => {
    const live = { fps: () => 8.5, framesRead: () => 120, framesDropped: () => 30, reconnects: () => 2 };
    const metrics = new KioskMetrics(live);
    metrics.observe('detect', 0.08);
    metrics.observe('embed', 0.4);
    metrics.observe('db_write', 0.002);
    metrics.frame();
    metrics.decision('person', true);
    metrics.decision('unknown', false);
    metrics.embedSkipped();
    const h = harness({ metrics });
    try {
      const res = await h.app.inject({ url: '/metrics' });
      assert.equal(res.statusCode, 200);
      assert.match(String(res.headers['content-type']), /text\/plain/);
      const body = res.body;
      for (const line of [
        'kiosk_stage_seconds_count{stage="detect"} 1',
        'kiosk_stage_seconds_count{stage="embed"} 1',
        'kiosk_stage_seconds_count{stage="db_write"} 1',
        'kiosk_frames_processed_total 1',
        'kiosk_decisions_total{result="person",logged="true"} 1',
        'kiosk_decisions_total{result="unknown",logged="false"} 1',
        'kiosk_embeddings_skipped_total 1',
        'kiosk_loop_fps 8.5',
        'kiosk_frames_dropped_total 30',
        'kiosk_camera_reconnects_total 2',
      ]) assert.ok(body.includes(line), `missing ${line}`);
      assert.ok(!/(-?\d+\.\d+,\s*){8}/.test(body), 'no vectors (biometric data) in metrics');
    } finally {
      await h.done();
    }
  });
});
