/**
 * SQL functions the sync triggers (migration 009) call, registered on every connection openDatabase
 * makes — before migrations run, since the migration itself uses them:
 *   kiosk_uuid7()    a UUIDv7 (time-ordered) for each outbox record
 *   kiosk_wall_ms()  the wall clock, ms since the epoch
 *   kiosk_mono_ms()  ms since boot (CLOCK_MONOTONIC on Linux: process.hrtime), which no clock change moves
 *   kiosk_boot_id()  this boot's id (/proc/sys/kernel/random/boot_id), without which mono ms mean nothing
 * The hub dates a record by its monotonic time (see hub/clock-trust.ts), so a kiosk that booted
 * with a wrong clock still has its punches dated right once it reaches the hub in that boot.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { v7 as uuidv7 } from 'uuid';
import type Database from 'better-sqlite3';

export interface SyncClock {
  wallMs(): number;
  monoMs(): number;
  bootId(): string;
}

function readBootId(): string {
  try {
    return readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    // Not Linux: the process stands in for the boot (its monotonic clock is then only compared within it).
    return `process-${randomUUID()}`;
  }
}

let bootIdCache: string | null = null;

export const systemSyncClock: SyncClock = {
  wallMs: () => Date.now(),
  monoMs: () => Number(process.hrtime.bigint() / 1_000_000n),
  bootId: () => (bootIdCache ??= readBootId()),
};

/** Connections that already have the functions (runMigrations on a bare connection adds the system clock's). */
const registered = new WeakSet<Database.Database>();

export function ensureSyncFunctions(db: Database.Database): void {
  if (!registered.has(db)) registerSyncFunctions(db);
}

export function registerSyncFunctions(db: Database.Database, clock: SyncClock = systemSyncClock): void {
  registered.add(db);
  db.function('kiosk_uuid7', { deterministic: false }, () => uuidv7());
  db.function('kiosk_wall_ms', { deterministic: false }, () => clock.wallMs());
  db.function('kiosk_mono_ms', { deterministic: false }, () => clock.monoMs());
  db.function('kiosk_boot_id', { deterministic: false }, () => clock.bootId());
}
