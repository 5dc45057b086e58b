import type { Migration } from './index.ts';

/*
 * Sync with a hub (kiosk hub-join): a transactional outbox filled by triggers, so every write path —
 * the kiosk loop, the punch journal's replay, enrolment, admin pages, the CLI — adds its outbox row
 * in the very transaction that makes the change. Nothing committed is forgotten; nothing is sent
 * that was not committed.
 *
 * - people.uid, punches.uid and sightings.uid: global ids (UUIDv7) made here; the hub knows people,
 *   punches and sightings by them (a punch's or sighting's uid is also the id of its outbox record),
 *   and an evidence photo names its punch or sighting by that uid.
 * - outbox: one row per record to push, in commit order (seq). `id` is the record's id on the hub
 *   (a punch's uid). `kind` is open: evidence photos, fallback punches and the like add kinds and
 *   triggers of their own. Immutable facts (punches, voids, sightings, audit) carry their payload;
 *   people, samples and crops carry a reference and are read when sent (the newest state, sealed
 *   for the site). wall_ms / mono_ms / boot_id date the record (see hub/clock-trust.ts).
 * - sync_state: 'outbox' is 'off' until the kiosk joins a hub (a single kiosk keeps no outbox);
 *   'applying' is '1' only inside the transaction that applies pulled gallery changes, so they are
 *   not echoed back; 'gallery_cursor' is the last hub revision applied.
 *
 * Numbered 9 after 008-evidence; on a branch without 008 it directly follows 007.
 */
const ON = `(SELECT value FROM sync_state WHERE key = 'outbox') = 'on' AND (SELECT value FROM sync_state WHERE key = 'applying') = '0'`;
const STAMP = 'kiosk_wall_ms(), kiosk_mono_ms(), kiosk_boot_id()';

/** A row whose payload is read when it is sent (the newest state, sealed for the site): the outbox keeps only its id. */
function refTrigger(name: string, event: string, table: string, kind: string): string {
  return `CREATE TRIGGER ${name} AFTER ${event} ON ${table} WHEN ${ON}
BEGIN
  INSERT INTO outbox (id, kind, ref, wall_ms, mono_ms, boot_id) VALUES (kiosk_uuid7(), '${kind}', NEW.id, ${STAMP});
END;`;
}

export const m009Sync: Migration = {
  version: 9,
  name: 'hub sync: outbox, global ids, sync state',
  sql: `
CREATE TABLE sync_state (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;
INSERT INTO sync_state (key, value) VALUES ('outbox', 'off'), ('applying', '0'), ('gallery_cursor', '0');

ALTER TABLE people ADD COLUMN uid TEXT;
UPDATE people SET uid = kiosk_uuid7();
CREATE UNIQUE INDEX people_uid ON people (uid);
ALTER TABLE punches ADD COLUMN uid TEXT;
UPDATE punches SET uid = kiosk_uuid7();
CREATE UNIQUE INDEX punches_uid ON punches (uid);
ALTER TABLE sightings ADD COLUMN uid TEXT;
UPDATE sightings SET uid = kiosk_uuid7();
CREATE UNIQUE INDEX sightings_uid ON sightings (uid);

CREATE TABLE outbox (
  seq     INTEGER PRIMARY KEY AUTOINCREMENT,
  id      TEXT    NOT NULL UNIQUE,
  kind    TEXT    NOT NULL,
  ref     INTEGER,
  payload TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(payload)),
  wall_ms INTEGER NOT NULL,
  mono_ms INTEGER,
  boot_id TEXT
) STRICT;

CREATE TRIGGER people_sync_insert AFTER INSERT ON people
BEGIN
  UPDATE people SET uid = kiosk_uuid7() WHERE id = NEW.id AND uid IS NULL;
  INSERT INTO outbox (id, kind, ref, wall_ms, mono_ms, boot_id)
    SELECT kiosk_uuid7(), 'person', NEW.id, ${STAMP} WHERE ${ON};
END;

CREATE TRIGGER people_sync_update AFTER UPDATE OF name, employee_code, active, shift_id ON people WHEN ${ON}
BEGIN
  INSERT INTO outbox (id, kind, ref, payload, wall_ms, mono_ms, boot_id)
    VALUES (kiosk_uuid7(), CASE WHEN OLD.active = 1 AND NEW.active = 0 THEN 'person.remove' ELSE 'person' END, NEW.id,
            json_object('uid', NEW.uid), ${STAMP});
END;

-- Erasure is final for a uid (the hub drops anything sent for it later), so a person brought back
-- after removal comes back as a new uid: a new person to the hub, whose old punches keep the old one.
CREATE TRIGGER people_reactivate_uid AFTER UPDATE OF active ON people
  WHEN OLD.active = 0 AND NEW.active = 1 AND (SELECT value FROM sync_state WHERE key = 'applying') = '0'
BEGIN
  UPDATE people SET uid = kiosk_uuid7() WHERE id = NEW.id;
END;

CREATE TRIGGER people_sync_delete AFTER DELETE ON people WHEN OLD.active = 1 AND ${ON}
BEGIN
  INSERT INTO outbox (id, kind, ref, payload, wall_ms, mono_ms, boot_id)
    VALUES (kiosk_uuid7(), 'person.remove', OLD.id, json_object('uid', OLD.uid), ${STAMP});
END;

${refTrigger('samples_sync_insert', 'INSERT', 'face_samples', 'sample')}

${refTrigger('samples_sync_replace', 'UPDATE OF model_version', 'face_samples', 'sample')}

CREATE TRIGGER crops_sync_insert AFTER INSERT ON face_crops WHEN ${ON}
BEGIN
  INSERT INTO outbox (id, kind, ref, payload, wall_ms, mono_ms, boot_id)
    VALUES (kiosk_uuid7(), 'crop', NEW.person_id, json_object('sourceKey', NEW.source_key), ${STAMP});
END;

CREATE TRIGGER crops_sync_replace AFTER UPDATE OF created_at ON face_crops WHEN ${ON}
BEGIN
  INSERT INTO outbox (id, kind, ref, payload, wall_ms, mono_ms, boot_id)
    VALUES (kiosk_uuid7(), 'crop', NEW.person_id, json_object('sourceKey', NEW.source_key), ${STAMP});
END;

CREATE TRIGGER punches_sync_insert AFTER INSERT ON punches
BEGIN
  UPDATE punches SET uid = kiosk_uuid7() WHERE id = NEW.id AND uid IS NULL;
  INSERT INTO outbox (id, kind, ref, payload, wall_ms, mono_ms, boot_id)
    SELECT pu.uid, 'punch', pu.id,
           json_object('personUid', pe.uid, 'personName', pe.name, 'ts', pu.ts, 'similarity', pu.similarity,
                       'manual', json(CASE WHEN pu.manual = 1 THEN 'true' ELSE 'false' END), 'evidence', json(pu.evidence),
                       'source', pu.source, 'review', json(CASE WHEN pu.review = 1 THEN 'true' ELSE 'false' END)),
           ${STAMP}
    FROM punches pu JOIN people pe ON pe.id = pu.person_id
    WHERE pu.id = NEW.id AND ${ON};
END;

CREATE TRIGGER punches_sync_void AFTER UPDATE OF voided_at ON punches
  WHEN OLD.voided_at IS NULL AND NEW.voided_at IS NOT NULL AND ${ON}
BEGIN
  INSERT INTO outbox (id, kind, ref, payload, wall_ms, mono_ms, boot_id)
    VALUES (kiosk_uuid7(), 'punch.void', NEW.id,
            json_object('punchId', NEW.uid, 'voidedAt', NEW.voided_at, 'reason', coalesce(NEW.void_reason, '')), ${STAMP});
END;

CREATE TRIGGER sightings_sync_insert AFTER INSERT ON sightings
BEGIN
  UPDATE sightings SET uid = kiosk_uuid7() WHERE id = NEW.id AND uid IS NULL;
  INSERT INTO outbox (id, kind, ref, payload, wall_ms, mono_ms, boot_id)
    SELECT uid, 'sighting', id, json_object('kind', kind, 'ts', ts, 'count', count, 'evidence', json(evidence)), ${STAMP}
    FROM sightings WHERE id = NEW.id AND ${ON};
END;

-- Evidence photos carry a reference: the JPEG is read when sent, opened with this kiosk's key and
-- sealed with the site key for its punch's or sighting's uid. A photo replaced later (same punch)
-- goes up again; the hub keeps the newest of each punch or sighting.
${refTrigger('evidence_sync_insert', 'INSERT', 'evidence_photos', 'evidence')}

${refTrigger('evidence_sync_replace', 'UPDATE OF created_at', 'evidence_photos', 'evidence')}

CREATE TRIGGER audit_sync_insert AFTER INSERT ON audit WHEN ${ON}
BEGIN
  INSERT INTO outbox (id, kind, ref, payload, wall_ms, mono_ms, boot_id)
    VALUES (kiosk_uuid7(), 'audit', NEW.id,
            json_object('ts', NEW.ts, 'actor', NEW.actor, 'action', NEW.action, 'target', NEW.target, 'details', json(NEW.details)), ${STAMP});
END;
`,
};
