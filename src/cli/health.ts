/**
 * What /healthz reports for `kiosk serve`: the loop, the camera, the models, whether the database
 * takes a write now (a heartbeat row, committed), free disk, and whether decisions are being
 * recorded. Any of them failing makes the report not ok (HTTP 503).
 */
import { statfsSync } from 'node:fs';
import type { HealthReport } from '../server/app.ts';
import type { CameraState } from '../server/ports.ts';
import { probeWrite, type Db } from '../store/db.ts';
import type { DurableRecorder } from '../store/durable-recorder.ts';

export interface HealthInputs {
  loop: { healthy(now: number): boolean; camera: { state: CameraState }; fps: number };
  backend: string;
  descriptor: string;
  db: Db;
  recorder: DurableRecorder;
  dataDir: string;
  minFreeMb: number;
  /** Free bytes where the data lives; statfs by default. */
  freeBytes?: (path: string) => number;
}

/**
 * The loop's heartbeat, passed on to the systemd watchdog only while decisions are recorded: a kiosk
 * that cannot record stops pinging, and WatchdogSec restarts it.
 */
export function heartbeatWhileRecording(recorder: Pick<DurableRecorder, 'state'>, markAlive: () => void): () => void {
  return () => {
    if (recorder.state.recording) markAlive();
  };
}

function statfsFree(path: string): number {
  const fs = statfsSync(path);
  return fs.bavail * fs.bsize;
}

export function healthReport(h: HealthInputs, now = Date.now()): HealthReport {
  const db = probeWrite(h.db, now);
  // The probe just wrote: if the recorder is waiting for the database, let it replay now.
  if (db.writable) h.recorder.tick(now);
  else h.recorder.refused(db.error);
  const rec = h.recorder.state;
  let freeBytes: number;
  try {
    freeBytes = (h.freeBytes ?? statfsFree)(h.dataDir);
  } catch {
    freeBytes = 0;
  }
  const disk = { freeBytes, ok: freeBytes >= h.minFreeMb * 1024 * 1024 };
  const loopAlive = h.loop.healthy(now);
  return {
    ok: loopAlive && h.loop.camera.state === 'running' && db.writable && disk.ok && rec.recording,
    camera: h.loop.camera.state,
    loopAlive,
    fps: Math.round(h.loop.fps * 10) / 10,
    backend: h.backend,
    descriptor: h.descriptor,
    db: { writable: db.writable, error: db.error },
    disk,
    recording: { ok: rec.recording, since: rec.since, pending: rec.pending, error: rec.error },
  };
}
