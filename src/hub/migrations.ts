/**
 * The hub's PostgreSQL schema, versioned: `hub_migrations` records each applied version. Never edit a
 * shipped migration; append one. Times are ms since the epoch (bigint), as on the kiosks.
 *
 * Gallery revisions: every change to a person, their samples or crops, or a shift takes the next
 * value of hub_gallery_rev. Writers hold a transaction-level advisory lock (GALLERY_LOCK) from before
 * nextval until commit, so revisions become visible in order: a kiosk that has seen revision N can
 * never later meet a smaller one committed behind it (the classic hole of a bare sequence cursor).
 */
export interface HubMigration {
  version: number;
  name: string;
  sql: string;
}

/** pg_advisory_xact_lock key serialising gallery writers (any number; fixed for the product). */
export const GALLERY_LOCK = 0x4b494f53;
/** pg_advisory_lock key held while migrating, so two hubs starting together do not race. */
export const MIGRATION_LOCK = 0x4b494f54;

export const hubMigrations: readonly HubMigration[] = [
  {
    version: 1,
    name: 'kiosks, records, punches, gallery with revisions',
    sql: `
CREATE TABLE hub_kiosks (
  id                 text PRIMARY KEY CHECK (id ~ '^[a-z0-9][a-z0-9._-]{0,62}$'),
  name               text NOT NULL,
  site               text NOT NULL,
  pairing_hash       text,
  pairing_expires_at bigint,
  credential_hash    text,
  created_at         bigint NOT NULL,
  paired_at          bigint,
  revoked_at         bigint,
  last_seen_at       bigint,
  outbox_depth       integer NOT NULL DEFAULT 0,
  lag_ms             bigint NOT NULL DEFAULT 0,
  clock_offset_ms    bigint,
  clock_skewed       boolean NOT NULL DEFAULT false,
  boot_id            text
);
CREATE UNIQUE INDEX hub_kiosks_pairing ON hub_kiosks (pairing_hash) WHERE pairing_hash IS NOT NULL;

-- Per kiosk and boot: hub time and the kiosk's monotonic ms at one exchange. A record of that boot
-- is dated from its monotonic ms through it, whatever the kiosk's wall clock said.
CREATE TABLE hub_clock_anchors (
  kiosk_id  text   NOT NULL REFERENCES hub_kiosks (id) ON DELETE CASCADE,
  boot_id   text   NOT NULL,
  hub_ms    bigint NOT NULL,
  mono_ms   bigint NOT NULL,
  PRIMARY KEY (kiosk_id, boot_id)
);

-- Every record id ever received, once: the idempotency ledger. payload only for records not applied
-- (unknown kind, invalid, orphan) so nothing a kiosk sent is silently thrown away.
CREATE TABLE hub_records (
  id          uuid   PRIMARY KEY,
  kiosk_id    text   NOT NULL,
  kind        text   NOT NULL,
  wall_ms     bigint NOT NULL,
  received_at bigint NOT NULL,
  status      text   NOT NULL CHECK (status IN ('applied', 'unknown-kind', 'invalid', 'orphan', 'dropped-erased')),
  detail      text,
  payload     jsonb
);
CREATE INDEX hub_records_kiosk ON hub_records (kiosk_id, received_at);

CREATE TABLE hub_punches (
  id           uuid   PRIMARY KEY,
  kiosk_id     text   NOT NULL,
  person_uid   uuid   NOT NULL,
  person_name  text   NOT NULL,
  ts           bigint NOT NULL,
  mono_ms      bigint,
  boot_id      text,
  received_at  bigint NOT NULL,
  similarity   double precision,
  manual       boolean NOT NULL,
  evidence     jsonb  NOT NULL,
  clock_trust  text   NOT NULL CHECK (clock_trust IN ('confirmed', 'skewed', 'unconfirmed')),
  corrected_ts bigint,
  voided_at    bigint,
  void_reason  text
);
CREATE INDEX hub_punches_ts ON hub_punches (ts);
CREATE INDEX hub_punches_kiosk_ts ON hub_punches (kiosk_id, ts);
CREATE INDEX hub_punches_person_ts ON hub_punches (person_uid, ts);

CREATE TABLE hub_sightings (
  id          uuid   PRIMARY KEY,
  kiosk_id    text   NOT NULL,
  kind        text   NOT NULL,
  ts          bigint NOT NULL,
  count       integer NOT NULL,
  evidence    jsonb  NOT NULL,
  received_at bigint NOT NULL
);
CREATE INDEX hub_sightings_ts ON hub_sightings (ts);

-- Kiosks' audit trails and the hub's own admin actions (kiosk_id NULL).
CREATE TABLE hub_audit (
  id       uuid   PRIMARY KEY,
  kiosk_id text,
  ts       bigint NOT NULL,
  actor    text   NOT NULL,
  action   text   NOT NULL,
  target   text   NOT NULL,
  details  jsonb  NOT NULL
);
CREATE INDEX hub_audit_ts ON hub_audit (ts);

CREATE SEQUENCE hub_gallery_rev;

CREATE TABLE hub_people (
  uid           uuid   PRIMARY KEY,
  name          text   NOT NULL,
  employee_code text   UNIQUE,
  active        boolean NOT NULL,
  shift_name    text,
  erased_at     bigint,
  rev           bigint NOT NULL,
  created_at    bigint NOT NULL,
  updated_at    bigint NOT NULL,
  origin_kiosk  text
);
CREATE INDEX hub_people_rev ON hub_people (rev);

-- A uid another kiosk made for a person the hub already knew by employee code.
CREATE TABLE hub_person_aliases (
  alias uuid PRIMARY KEY,
  uid   uuid NOT NULL REFERENCES hub_people (uid) ON DELETE CASCADE
);
CREATE INDEX hub_person_aliases_uid ON hub_person_aliases (uid);

CREATE TABLE hub_samples (
  person_uid    uuid   NOT NULL REFERENCES hub_people (uid) ON DELETE CASCADE,
  source_key    text   NOT NULL,
  kind          text   NOT NULL,
  model_version text   NOT NULL,
  dim           integer NOT NULL,
  quality       double precision NOT NULL,
  sealed        bytea  NOT NULL,
  created_at    bigint NOT NULL,
  origin_kiosk  text,
  PRIMARY KEY (person_uid, source_key, kind, model_version)
);

CREATE TABLE hub_crops (
  person_uid uuid   NOT NULL REFERENCES hub_people (uid) ON DELETE CASCADE,
  source_key text   NOT NULL,
  sealed     bytea  NOT NULL,
  created_at bigint NOT NULL,
  PRIMARY KEY (person_uid, source_key)
);

CREATE TABLE hub_shifts (
  name          text PRIMARY KEY,
  start_minute  integer NOT NULL CHECK (start_minute BETWEEN 0 AND 1439),
  end_minute    integer NOT NULL CHECK (end_minute BETWEEN 0 AND 1439),
  grace_minutes integer NOT NULL DEFAULT 0 CHECK (grace_minutes BETWEEN 0 AND 240),
  work_days     integer NOT NULL CHECK (work_days BETWEEN 0 AND 127),
  rev           bigint  NOT NULL,
  CHECK (start_minute <> end_minute)
);
CREATE INDEX hub_shifts_rev ON hub_shifts (rev);
`,
  },
  {
    version: 2,
    name: 'punch source and review flag, evidence photos',
    sql: `
-- Punches from kiosks before the desk features carry neither: face punches (manual ones as manual), not flagged.
ALTER TABLE hub_punches ADD COLUMN source text NOT NULL DEFAULT 'face' CHECK (source IN ('face', 'manual', 'fallback'));
ALTER TABLE hub_punches ADD COLUMN review boolean NOT NULL DEFAULT false;
UPDATE hub_punches SET source = 'manual' WHERE manual;

-- The photo behind a punch or a sighting (site-sealed JPEG, bound to that record's id), one per
-- punch or sighting (a replaced photo replaces it). No foreign key: a photo whose punch or sighting
-- is not on the hub (yet) is stored anyway, since the kiosk sends each record once and in its own order.
CREATE TABLE hub_evidence (
  id          uuid   PRIMARY KEY,
  punch_id    uuid,
  sighting_id uuid,
  kiosk_id    text   NOT NULL,
  sealed      bytea  NOT NULL,
  created_at  bigint NOT NULL,
  received_at bigint NOT NULL,
  CHECK ((punch_id IS NULL) <> (sighting_id IS NULL))
);
CREATE UNIQUE INDEX hub_evidence_punch ON hub_evidence (punch_id) WHERE punch_id IS NOT NULL;
CREATE UNIQUE INDEX hub_evidence_sighting ON hub_evidence (sighting_id) WHERE sighting_id IS NOT NULL;
`,
  },
  {
    version: 3,
    name: 'hub admin accounts and sessions',
    sql: `
-- Admins of the hub's own pages (made with \`kiosk hub add-admin\`): scrypt hashes as on the kiosks.
CREATE TABLE hub_admins (
  id            serial PRIMARY KEY,
  username      text   NOT NULL,
  password_hash text   NOT NULL,
  created_at    bigint NOT NULL,
  last_login_at bigint,
  disabled_at   bigint
);
CREATE UNIQUE INDEX hub_admins_username ON hub_admins (lower(username));

-- A session: the SHA-256 of the cookie token, never the token itself. Any hub process can check it.
CREATE TABLE hub_admin_sessions (
  token_hash text    PRIMARY KEY,
  admin_id   integer NOT NULL REFERENCES hub_admins (id) ON DELETE CASCADE,
  created_at bigint  NOT NULL,
  last_used  bigint  NOT NULL,
  expires_at bigint  NOT NULL
);
CREATE INDEX hub_admin_sessions_expires ON hub_admin_sessions (expires_at);
`,
  },
  {
    version: 4,
    name: 'index the punches by the time reports count them at',
    sql: `
-- Timesheets, the daily summary and the board count a live punch at the hub's corrected time where
-- the kiosk's clock was not trusted (src/hub/timesheet-source.ts): without this index every report
-- reads all of hub_punches. Partial, since voided punches never count.
CREATE INDEX hub_punches_effective_ts ON hub_punches ((coalesce(corrected_ts, ts))) WHERE voided_at IS NULL;
`,
  },
  {
    version: 5,
    name: 'punch corrections (voids, manual punches) made on the hub flow down to their kiosk',
    sql: `
-- A void or a manual punch made on the hub takes the next gallery revision (under GALLERY_LOCK, as
-- people and shifts do), so the kiosk that owns the punch pulls it by the same cursor. NULL: nothing
-- to send down. made_by / voided_by: the hub admin who made the punch / voided it (NULL: its kiosk did).
ALTER TABLE hub_punches ADD COLUMN down_rev bigint;
ALTER TABLE hub_punches ADD COLUMN made_by text;
ALTER TABLE hub_punches ADD COLUMN voided_by text;
CREATE INDEX hub_punches_down_rev ON hub_punches (kiosk_id, down_rev) WHERE down_rev IS NOT NULL;
CREATE INDEX hub_punches_max_down_rev ON hub_punches (down_rev) WHERE down_rev IS NOT NULL;
`,
  },
  {
    version: 6,
    name: 'a deleted shift stays as a tombstone, so the deletion reaches every kiosk',
    sql: `
-- Kiosks know a shift by its name and pull shifts by revision: a deleted row would never reach them.
-- deleted_at marks it deleted at a new revision instead; making the name again revives the row.
ALTER TABLE hub_shifts ADD COLUMN deleted_at bigint;
`,
  },
];
