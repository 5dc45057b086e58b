import type { Migration } from './index.ts';

/*
 * Admin accounts, their sessions and the settings changed from the admin pages.
 * Sessions store a SHA-256 of the cookie token, never the token: a copied database file logs nobody in.
 * Settings are JSON values validated by the server before they are written.
 */
export const m002Admin: Migration = {
  version: 2,
  name: 'admin accounts, sessions and settings',
  sql: `
CREATE TABLE admins (
  id            INTEGER PRIMARY KEY,
  username      TEXT    NOT NULL UNIQUE COLLATE NOCASE CHECK (length(username) > 0),
  password_hash TEXT    NOT NULL,
  created_at    INTEGER NOT NULL,
  last_login_at INTEGER
) STRICT;

CREATE TABLE admin_sessions (
  token_hash   TEXT    PRIMARY KEY,
  admin_id     INTEGER NOT NULL REFERENCES admins (id) ON DELETE CASCADE,
  created_at   INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL,
  expires_at   INTEGER NOT NULL
) STRICT;
CREATE INDEX admin_sessions_expires ON admin_sessions (expires_at);

CREATE TABLE settings (
  key        TEXT    PRIMARY KEY,
  value      TEXT    NOT NULL CHECK (json_valid(value)),
  updated_at INTEGER NOT NULL,
  updated_by TEXT    NOT NULL
) STRICT;
`,
};
