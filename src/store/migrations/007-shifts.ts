import type { Migration } from './index.ts';

/*
 * Shifts and each person's shift, so a timesheet day is the shift's day rather than the calendar's.
 * Times are minutes after local midnight; a shift whose end comes before its start runs overnight,
 * and the flag must say so (an end typed before the start by mistake is refused, not read as a night).
 * work_days is a bitmask of weekdays of the shift's start, bit 0 = Sunday … bit 6 = Saturday.
 * A shift still assigned to someone cannot be deleted (RESTRICT): reassign first, so no history is rewritten silently.
 */
export const m007Shifts: Migration = {
  version: 7,
  name: 'shifts and shift assignment',
  sql: `
CREATE TABLE shifts (
  id            INTEGER PRIMARY KEY,
  name          TEXT    NOT NULL UNIQUE CHECK (length(name) > 0),
  start_minute  INTEGER NOT NULL CHECK (start_minute BETWEEN 0 AND 1439),
  end_minute    INTEGER NOT NULL CHECK (end_minute BETWEEN 0 AND 1439),
  grace_minutes INTEGER NOT NULL DEFAULT 0 CHECK (grace_minutes BETWEEN 0 AND 240),
  overnight     INTEGER NOT NULL CHECK (overnight IN (0, 1)),
  work_days     INTEGER NOT NULL CHECK (work_days BETWEEN 0 AND 127),
  created_at    INTEGER NOT NULL,
  CHECK (start_minute <> end_minute),
  CHECK ((end_minute < start_minute) = (overnight = 1))
) STRICT;

ALTER TABLE people ADD COLUMN shift_id INTEGER REFERENCES shifts (id) ON DELETE RESTRICT;
CREATE INDEX people_shift ON people (shift_id);
`,
};
