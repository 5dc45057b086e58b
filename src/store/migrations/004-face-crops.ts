import type { Migration } from './index.ts';

/*
 * Model upgrades without re-enrollment. Each enrollment photo keeps its five-point aligned face crop
 * (a JPEG, sealed like the descriptors), so `kiosk reembed` can compute a new descriptor set from
 * it. face_samples is rebuilt so one photo may hold descriptors of several model versions of a
 * kind: the new set is written beside the old, which keeps serving until the new one is complete.
 * gallery_generations records which kind and version the kiosk matches against, and when each was
 * switched in; the newest row is the active one.
 */
export const m004FaceCrops: Migration = {
  version: 4,
  name: 'face crops, descriptors per model version, gallery generations',
  sql: `
CREATE TABLE face_samples_v4 (
  id              INTEGER PRIMARY KEY,
  person_id       INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
  descriptor      BLOB    NOT NULL,
  descriptor_kind TEXT    NOT NULL,
  model_version   TEXT    NOT NULL,
  dim             INTEGER NOT NULL CHECK (dim > 0),
  quality         REAL    NOT NULL,
  source_key      TEXT    NOT NULL,
  created_at      INTEGER NOT NULL,
  CHECK (length(descriptor) IN (dim * 4, dim * 4 + 29)),
  UNIQUE (person_id, source_key, descriptor_kind, model_version)
) STRICT;
INSERT INTO face_samples_v4 (id, person_id, descriptor, descriptor_kind, model_version, dim, quality, source_key, created_at)
  SELECT id, person_id, descriptor, descriptor_kind, model_version, dim, quality, source_key, created_at FROM face_samples;
DROP TABLE face_samples;
ALTER TABLE face_samples_v4 RENAME TO face_samples;
CREATE INDEX face_samples_gallery ON face_samples (descriptor_kind, model_version, person_id);

CREATE TABLE face_crops (
  person_id  INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
  source_key TEXT    NOT NULL,
  image      BLOB    NOT NULL,
  sealed     INTEGER NOT NULL CHECK (sealed IN (0, 1)),
  created_at INTEGER NOT NULL,
  PRIMARY KEY (person_id, source_key)
) STRICT;

CREATE TABLE gallery_generations (
  id              INTEGER PRIMARY KEY,
  descriptor_kind TEXT    NOT NULL,
  model_version   TEXT    NOT NULL,
  options         TEXT    NOT NULL,
  activated_at    INTEGER NOT NULL,
  actor           TEXT    NOT NULL
) STRICT;
`,
};
