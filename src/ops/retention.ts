/**
 * Retention for the running kiosk: database rows (store/retention.ts) plus snapshot images on disk.
 * Snapshot layout expected from the server: `<dataDir>/<snapshotsDir>/…` for any image, and
 * `<snapshotsDir>/person-<id>/…` for images of a known person, so erasing a person removes theirs.
 */
import { existsSync, readdirSync, rmdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { silentLogger, type Logger } from '../log.ts';
import type { Timers } from '../capture/timers.ts';
import type { Db } from '../store/db.ts';
import { purgeExpired, retentionCutoff, type RetentionResult } from '../store/retention.ts';
import type { PeopleRepo } from '../store/people-repo.ts';
import type { AuditRepo } from '../store/audit-repo.ts';
import type { RemovePersonResult } from '../store/types.ts';
import type { RetentionOptions } from './options.ts';
import { resolveIn } from './backup.ts';
import { every, type Periodic } from './schedule.ts';

export interface RetentionReport extends RetentionResult {
  snapshotsDeleted: number;
}

export function snapshotsDirOf(dataDir: string, options: Pick<RetentionOptions, 'snapshotsDir'>): string {
  return resolveIn(dataDir, options.snapshotsDir);
}

export function personSnapshotDir(snapshotsDir: string, personId: number): string {
  return join(snapshotsDir, `person-${personId}`);
}

/** Deletes files under `dir` last modified before `cutoff` and the folders that leaves empty; returns files deleted. */
export function purgeSnapshotFiles(dir: string, cutoff: number): number {
  if (!existsSync(dir)) return 0;
  let deleted = 0;
  const walk = (d: string, isRoot: boolean): void => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, entry.name);
      if (entry.isDirectory()) walk(p, false);
      else if (entry.isFile() && statSync(p).mtimeMs < cutoff) {
        rmSync(p, { force: true });
        deleted++;
      }
    }
    if (!isRoot && readdirSync(d).length === 0) rmdirSync(d);
  };
  walk(dir, true);
  return deleted;
}

/** One retention pass at `now`: the function the server schedules (see scheduleRetention). */
export function runRetention(deps: { db: Db; dataDir: string; options: RetentionOptions; logger?: Logger }, now: number): RetentionReport {
  const logger = deps.logger ?? silentLogger;
  const rows = purgeExpired(deps.db, deps.options, now);
  const snapCutoff = retentionCutoff(now, deps.options.snapshotsDays);
  const snapshotsDeleted = snapCutoff === null ? 0 : purgeSnapshotFiles(snapshotsDirOf(deps.dataDir, deps.options), snapCutoff);
  const report = { ...rows, snapshotsDeleted };
  if (rows.sightingsDeleted + rows.punchesDeleted + rows.peopleDeleted + snapshotsDeleted > 0) logger.info(report, 'retention applied');
  return report;
}

export function scheduleRetention(deps: {
  db: Db;
  dataDir: string;
  options: RetentionOptions;
  clock?: () => number;
  timers?: Timers;
  logger?: Logger;
}): Periodic {
  const clock = deps.clock ?? Date.now;
  return every('retention', deps.options.intervalMs, () => runRetention(deps, clock()), { timers: deps.timers, logger: deps.logger, runAtStart: true });
}

/**
 * Removes a person's face data: descriptors (and the person, when no punch refers to them) through
 * PeopleRepo.remove, which audits it, plus their snapshot folder, plus their name from every model
 * version kept on disk (`eraseFromModels`, wired by the CLI to the triplet-head folders). Returns how
 * many snapshot files and model files were changed.
 */
export function erasePerson(
  deps: {
    people: PeopleRepo;
    audit: AuditRepo;
    dataDir: string;
    options: Pick<RetentionOptions, 'snapshotsDir'>;
    clock?: () => number;
    /** Removes the name from stored models; returns the files rewritten. */
    eraseFromModels?: (name: string) => number;
  },
  personId: number,
  actor: string,
): RemovePersonResult & { snapshotsDeleted: number; modelFilesChanged: number } {
  const name = deps.people.get(personId)?.name ?? null;
  const result = deps.people.remove(personId, actor);
  let modelFilesChanged = 0;
  if (result.removed && name !== null && deps.eraseFromModels) {
    modelFilesChanged = deps.eraseFromModels(name);
    if (modelFilesChanged > 0) {
      deps.audit.write({ ts: (deps.clock ?? Date.now)(), actor, action: 'person.models.erase', target: `person:${personId}`, details: { files: modelFilesChanged } });
    }
  }
  const dir = personSnapshotDir(snapshotsDirOf(deps.dataDir, deps.options), personId);
  let snapshotsDeleted = 0;
  if (existsSync(dir)) {
    snapshotsDeleted = purgeSnapshotFiles(dir, Number.POSITIVE_INFINITY);
    rmSync(dir, { recursive: true, force: true });
    deps.audit.write({ ts: (deps.clock ?? Date.now)(), actor, action: 'person.snapshots.erase', target: `person:${personId}`, details: { files: snapshotsDeleted } });
  }
  return { ...result, snapshotsDeleted, modelFilesChanged };
}
