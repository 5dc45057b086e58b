/**
 * What /healthz reports for `kiosk serve`: the loop, the camera, the models, whether the database
 * takes a write now (a heartbeat row, committed), free disk, and whether decisions are being
 * recorded. Any of them failing makes the report not ok (HTTP 503). A joined kiosk also reports its
 * hub link (clock, exchanges, outbox): degraded there (`hub.ok: false`) is not failing, since it still records.
 */
import { statfsSync } from 'node:fs';
import type { HealthReport, HubHealth } from '../server/app.ts';
import type { CameraState, HubLinkPort } from '../server/ports.ts';
import type { HubLinkDto } from '../server/protocol.ts';
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
  /** A joined kiosk's hub link; absent in single-kiosk mode (the report then says nothing of a hub). */
  hubLink?: HubLinkPort;
}

/** The hub link for the public probe: states and counts only (no hub address, kiosk id or error text). */
export function hubHealth(s: HubLinkDto): HubHealth {
  const clock = s.clock.state === 'synchronised' ? 'synchronised' : s.clock.reason === 'skewed' ? 'skewed' : 'unconfirmed';
  return {
    ok: clock === 'synchronised' && s.state === 'idle',
    clock,
    offsetMs: s.clock.state === 'synchronised' || s.clock.reason === 'skewed' ? s.clock.offsetMs : null,
    link: s.state,
    outboxDepth: s.outboxDepth,
    lastSuccessAt: s.lastSuccessAt,
  };
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
    ...(h.hubLink === undefined ? {} : { hub: hubHealth(h.hubLink.status()) }),
  };
}
