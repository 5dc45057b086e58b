/**
 * What the running kiosk (`kiosk serve`) starts from this folder, in one call: the backup and retention
 * schedules. systemd notification is separate (sd-notify.ts systemdIntegration) because it follows
 * the server's lifecycle: ready() after listening, markAlive() from the loop.
 */
import { silentLogger, type Logger } from '../log.ts';
import type { Timers } from '../capture/timers.ts';
import type { Db } from '../store/db.ts';
import { scheduleBackups } from './backup.ts';
import type { OpsOptions } from './options.ts';
import { scheduleRetention } from './retention.ts';
import type { Periodic } from './schedule.ts';

export interface OpsSchedules {
  backups: Periodic | null;
  retention: Periodic;
  /** Cancels both and waits for a run in progress (call before closing the database). */
  stop(): Promise<void>;
}

export function startOpsSchedules(deps: { db: Db; dataDir: string; ops: OpsOptions; logger?: Logger; clock?: () => number; timers?: Timers }): OpsSchedules {
  const logger = deps.logger ?? silentLogger;
  const common = { db: deps.db, dataDir: deps.dataDir, clock: deps.clock, timers: deps.timers };
  const backups = scheduleBackups({ ...common, options: deps.ops.backup, logger: logger.child({ stage: 'ops.backup' }) });
  const retention = scheduleRetention({ ...common, options: deps.ops.retention, logger: logger.child({ stage: 'ops.retention' }) });
  return {
    backups,
    retention,
    stop: async () => {
      await Promise.all([backups?.stop(), retention.stop()]);
    },
  };
}
