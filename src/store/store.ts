/** One call for the entry point: open the configured database and build the repositories on it. */
import type { Logger } from '../log.ts';
import { AttendanceRepo } from './attendance-repo.ts';
import { AuditRepo } from './audit-repo.ts';
import { databasePath, openDatabase, type Db } from './db.ts';
import { storeOptionsSchema, type StoreOptions } from './options.ts';
import { PeopleRepo } from './people-repo.ts';

export interface Store {
  db: Db;
  people: PeopleRepo;
  attendance: AttendanceRepo;
  audit: AuditRepo;
  close(): void;
}

export function openStore(options: Partial<StoreOptions> = {}, deps: { logger?: Logger; clock?: () => number } = {}): Store {
  const opts = storeOptionsSchema.parse(options);
  const db = openDatabase(databasePath(opts), { logger: deps.logger, busyTimeoutMs: opts.busyTimeoutMs });
  const repoDeps = { ...deps, options: opts };
  return {
    db,
    people: new PeopleRepo(db, repoDeps),
    attendance: new AttendanceRepo(db, repoDeps),
    audit: new AuditRepo(db, opts),
    close: () => db.close(),
  };
}
