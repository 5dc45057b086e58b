import type { Migration } from './index.ts';

/*
 * Health that can fail, and punches that cannot be lost:
 * - health_heartbeat: one row the health check rewrites in a transaction, so "writable" means a
 *   write just committed, not merely that a lock could be taken;
 * - journal_applied: ids of punch-journal entries (store/punch-journal.ts) already replayed into
 *   this database. The insert shares the replayed row's transaction, so an entry is applied exactly
 *   once even if the kiosk dies between the commit and clearing the journal file.
 */
export const m006Durability: Migration = {
  version: 6,
  name: 'health heartbeat, punch-journal replay ids',
  sql: `
CREATE TABLE health_heartbeat (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  ts INTEGER NOT NULL
) STRICT;

CREATE TABLE journal_applied (
  id         TEXT    PRIMARY KEY,
  applied_at INTEGER NOT NULL
) STRICT;
`,
};
