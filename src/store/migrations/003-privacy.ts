import type { Migration } from './index.ts';

/** `PRAGMA application_id` of a kiosk database ('KIOS'): restore refuses a file without it as foreign. */
export const KIOSK_APPLICATION_ID = 0x4b494f53;

/** Bytes a sealed (encrypted) descriptor has beyond dim·4: format byte, 12-byte IV, 16-byte GCM tag (see store/crypto.ts). */
const SEALED_OVERHEAD = 29;

/*
 * Descriptors encrypted at rest: face_samples is rebuilt (SQLite cannot alter a CHECK) so a blob may
 * be either the plain dim·4 bytes (read once, then sealed on the next open with the key) or a sealed
 * blob. kiosk_meta remembers which key sealed them, so a wrong key file fails at open with a clear
 * message instead of at the first recognition.
 */
export const m003Privacy: Migration = {
  version: 3,
  name: 'encrypted descriptors, application id, kiosk_meta',
  sql: `
PRAGMA application_id = ${KIOSK_APPLICATION_ID};

CREATE TABLE kiosk_meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;

CREATE TABLE face_samples_v3 (
  id              INTEGER PRIMARY KEY,
  person_id       INTEGER NOT NULL REFERENCES people (id) ON DELETE CASCADE,
  descriptor      BLOB    NOT NULL,
  descriptor_kind TEXT    NOT NULL,
  model_version   TEXT    NOT NULL,
  dim             INTEGER NOT NULL CHECK (dim > 0),
  quality         REAL    NOT NULL,
  source_key      TEXT    NOT NULL,
  created_at      INTEGER NOT NULL,
  CHECK (length(descriptor) IN (dim * 4, dim * 4 + ${SEALED_OVERHEAD})),
  UNIQUE (person_id, source_key, descriptor_kind)
) STRICT;
INSERT INTO face_samples_v3 (id, person_id, descriptor, descriptor_kind, model_version, dim, quality, source_key, created_at)
  SELECT id, person_id, descriptor, descriptor_kind, model_version, dim, quality, source_key, created_at FROM face_samples;
DROP TABLE face_samples;
ALTER TABLE face_samples_v3 RENAME TO face_samples;
CREATE INDEX face_samples_gallery ON face_samples (descriptor_kind, model_version, person_id);
`,
};
