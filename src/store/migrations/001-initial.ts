import type { Migration } from './index.ts';

/*
 * STRICT tables so a wrong type is an error, not a silent coercion.
 * Punches reference people with RESTRICT: attendance is a record of fact, so a person with punches
 * is deactivated rather than deleted (see PeopleRepo.remove); samples are derived data and cascade.
 */
export const m001Initial: Migration = {
  version: 1,
  name: 'initial schema',
  sql: `
CREATE TABLE people (
  id            INTEGER PRIMARY KEY,
  name          TEXT    NOT NULL CHECK (length(name) > 0),
  name_search   TEXT    NOT NULL,
  employee_code TEXT    UNIQUE,
  created_at    INTEGER NOT NULL,
  active        INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1))
) STRICT;
CREATE INDEX people_name ON people (name);

CREATE TABLE face_samples (
  id              INTEGER PRIMARY KEY,
  person_id       INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
  descriptor      BLOB    NOT NULL,
  descriptor_kind TEXT    NOT NULL,
  model_version   TEXT    NOT NULL,
  dim             INTEGER NOT NULL CHECK (dim > 0),
  quality         REAL    NOT NULL,
  source_key      TEXT    NOT NULL,
  created_at      INTEGER NOT NULL,
  CHECK (length(descriptor) = dim * 4),
  UNIQUE (person_id, source_key, descriptor_kind)
) STRICT;
CREATE INDEX face_samples_gallery ON face_samples (descriptor_kind, model_version, person_id);

CREATE TABLE punches (
  id          INTEGER PRIMARY KEY,
  person_id   INTEGER NOT NULL REFERENCES people (id) ON DELETE RESTRICT,
  ts          INTEGER NOT NULL,
  kiosk_id    TEXT    NOT NULL,
  similarity  REAL,
  evidence    TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(evidence)),
  voided_at   INTEGER,
  void_reason TEXT,
  manual      INTEGER NOT NULL DEFAULT 0 CHECK (manual IN (0, 1))
) STRICT;
CREATE INDEX punches_ts ON punches (ts);
-- Cooldown lookups only ever look at live punches.
CREATE INDEX punches_live_person_ts ON punches (person_id, ts) WHERE voided_at IS NULL;

CREATE TABLE sightings (
  id       INTEGER PRIMARY KEY,
  kind     TEXT    NOT NULL CHECK (kind IN ('unknown', 'spoof')),
  ts       INTEGER NOT NULL,
  count    INTEGER NOT NULL DEFAULT 1 CHECK (count > 0),
  kiosk_id TEXT    NOT NULL,
  evidence TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(evidence))
) STRICT;
CREATE INDEX sightings_ts ON sightings (ts);

CREATE TABLE audit (
  id      INTEGER PRIMARY KEY,
  ts      INTEGER NOT NULL,
  actor   TEXT    NOT NULL,
  action  TEXT    NOT NULL,
  target  TEXT    NOT NULL,
  details TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(details))
) STRICT;
CREATE INDEX audit_ts ON audit (ts);
`,
};
