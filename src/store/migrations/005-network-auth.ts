import type { Migration } from './index.ts';

/*
 * Admins can be disabled (kept for the audit trail, unable to log in), and kiosk screens other than
 * the device's own are paired with a token: only its SHA-256 is stored, so a copied database
 * pairs no screen.
 *
 * Numbered 005 for the merge of issue 11; registered as version 4 on this branch until the
 * migrations of the other halves land (the merger renumbers it to 5).
 */
export const m005NetworkAuth: Migration = {
  version: 5,
  name: 'disabled admins, paired display screens',
  sql: `
ALTER TABLE admins ADD COLUMN disabled_at INTEGER;

CREATE TABLE displays (
  id         INTEGER PRIMARY KEY,
  name       TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  token_hash TEXT    NOT NULL UNIQUE,
  created_at INTEGER NOT NULL,
  created_by TEXT    NOT NULL
) STRICT;
`,
};
