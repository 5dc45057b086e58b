/** Config slice for operations: retention, backups, the systemd watchdog, doctor thresholds, service install. */
import { z } from 'zod';

const HOUR_MS = 3_600_000;

export const retentionOptionsSchema = z.object({
  unknownSightingsDays: z.number().int().nonnegative().default(30).describe('Days to keep sightings of unrecognised or spoofed faces; 0 keeps them forever'),
  punchesDays: z.number().int().nonnegative().default(0).describe('Days to keep punches (attendance records); 0 keeps them forever'),
  snapshotsDays: z.number().int().nonnegative().default(30).describe('Days to keep snapshot images under snapshotsDir (by file time); 0 keeps them forever'),
  snapshotsDir: z.string().min(1).default('snapshots').describe('Folder of snapshot images, relative to dataDir unless absolute'),
  intervalMs: z.number().int().positive().default(6 * HOUR_MS).describe('How often the running kiosk applies the retention rules'),
}).strict();
export type RetentionOptions = z.infer<typeof retentionOptionsSchema>;

export const backupOptionsSchema = z.object({
  enabled: z.boolean().default(true).describe('Take online database backups on a schedule while the kiosk runs'),
  dir: z.string().min(1).default('backups').describe('Backup folder, relative to dataDir unless absolute (the descriptor key is never copied there)'),
  keep: z.number().int().min(1).default(7).describe('Newest scheduled backups kept; older ones are deleted'),
  intervalMs: z.number().int().positive().default(24 * HOUR_MS).describe('Time between scheduled backups'),
}).strict();
export type BackupOptions = z.infer<typeof backupOptionsSchema>;

export const watchdogOptionsSchema = z.object({
  staleAfterMs: z.number().int().positive().default(15_000).describe('The recognition loop counts as hung when it has not reported for this long; systemd pings stop and WatchdogSec restarts the service (keep it below WatchdogSec)'),
  notify: z.enum(['auto', 'systemd-notify', 'python3', 'off']).default('auto').describe('How sd_notify datagrams reach $NOTIFY_SOCKET: the systemd-notify binary (systemd >= 246), a python3 helper, or auto'),
  notifyTimeoutMs: z.number().int().positive().default(5_000).describe('Longest wait for one systemd-notify call'),
}).strict();
export type WatchdogOptions = z.infer<typeof watchdogOptionsSchema>;

export const doctorOptionsSchema = z.object({
  minFreeMb: z.number().int().nonnegative().default(256).describe('kiosk doctor fails when the data directory has less free space than this (MiB)'),
  warnFreeMb: z.number().int().nonnegative().default(2_048).describe('kiosk doctor warns when the data directory has less free space than this (MiB)'),
  commandTimeoutMs: z.number().int().positive().default(15_000).describe('Longest wait for an external program doctor runs (ffmpeg -version)'),
}).strict();
export type DoctorOptions = z.infer<typeof doctorOptionsSchema>;

export const serviceOptionsSchema = z.object({
  user: z.string().min(1).default('kiosk').describe('System user the kiosk service runs as (kiosk install-service)'),
  screenUser: z.string().min(1).default('kiosk-screen').describe('System user the full-screen browser runs as'),
  dataDir: z.string().min(1).default('/var/lib/attendance-kiosk').describe('Data directory the installed service uses (the only path it may write)'),
  unitDir: z.string().min(1).default('/etc/systemd/system').describe('Where kiosk install-service writes the unit files'),
  screenUrl: z.string().min(1).default('http://localhost:8080/').describe('Page the kiosk screen shows'),
  browser: z.string().min(1).default('/usr/bin/chromium').describe('Chromium binary for the kiosk screen'),
  compositor: z.string().min(1).default('/usr/bin/cage').describe('Wayland kiosk compositor (cage) that runs the browser full-screen'),
}).strict();
export type ServiceOptions = z.infer<typeof serviceOptionsSchema>;

export const opsOptionsSchema = z.object({
  retention: retentionOptionsSchema.prefault({}),
  backup: backupOptionsSchema.prefault({}),
  watchdog: watchdogOptionsSchema.prefault({}),
  doctor: doctorOptionsSchema.prefault({}),
  service: serviceOptionsSchema.prefault({}),
}).strict();
export type OpsOptions = z.infer<typeof opsOptionsSchema>;

export const defaultOpsOptions: OpsOptions = opsOptionsSchema.parse({});
