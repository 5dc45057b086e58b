import type { Migration } from './index.ts';

/*
 * The desk side of issue 12: evidence behind each decision, and a way in when the face is not
 * recognised.
 * - punches.source says how a punch came to be (the face vote, an admin's manual entry, or the
 *   kiosk's code + PIN fallback); punches.review flags one for the admin to look at (fallbacks).
 * - people.pin_hash: a personal PIN for the fallback, stored as the scrypt string of auth/password.ts.
 * - evidence_photos: the 112×112 aligned face crop (JPEG, sealed with the descriptor key when one is
 *   set) of a punch or of an unknown/spoof sighting. It cascades with its row, so retention, which
 *   deletes punches and sightings, takes the photo with it; erase deletes a person's photos itself.
 */
export const m008Evidence: Migration = {
  version: 8,
  name: 'evidence photos, punch source and review flag, personal PINs',
  sql: `
ALTER TABLE people ADD COLUMN pin_hash TEXT;
ALTER TABLE punches ADD COLUMN source TEXT NOT NULL DEFAULT 'face' CHECK (source IN ('face', 'manual', 'fallback'));
ALTER TABLE punches ADD COLUMN review INTEGER NOT NULL DEFAULT 0 CHECK (review IN (0, 1));
UPDATE punches SET source = 'manual' WHERE manual = 1;

CREATE TABLE evidence_photos (
  id          INTEGER PRIMARY KEY,
  punch_id    INTEGER UNIQUE REFERENCES punches (id) ON DELETE CASCADE,
  sighting_id INTEGER UNIQUE REFERENCES sightings (id) ON DELETE CASCADE,
  image       BLOB    NOT NULL,
  sealed      INTEGER NOT NULL CHECK (sealed IN (0, 1)),
  created_at  INTEGER NOT NULL,
  CHECK ((punch_id IS NULL) <> (sighting_id IS NULL))
) STRICT;
`,
};
