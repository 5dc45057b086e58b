/** Plain data the store hands out and takes in; rows never leak SQLite shapes to callers. */
import type { DescriptorKind } from '../model/types.ts';

export type { DescriptorKind };

/** JSON-serialisable evidence attached to punches, sightings and audit entries. */
export type Evidence = Record<string, unknown>;

export interface Person {
  id: number;
  /** NFC-normalised, whitespace-collapsed display name. */
  name: string;
  employeeCode: string | null;
  createdAt: number;
  active: boolean;
}

export interface PersonListItem extends Person {
  /** Enrolled photos (a photo re-embedded under a new model still counts once). */
  sampleCount: number;
  /** A personal PIN for the kiosk fallback is set. */
  hasPin: boolean;
  /** Has samples but no stored face crop: a change of face model needs them to enroll again. */
  needsReenrollment: boolean;
}

export interface UpsertPersonInput {
  name: string;
  employeeCode?: string | null;
}

export interface UpsertPersonResult {
  person: Person;
  created: boolean;
}

export interface ListPeopleQuery {
  /** Accent- and case-insensitive substring of the name (or exact employee code). */
  search?: string;
  includeInactive?: boolean;
}

export type RemovePersonResult =
  | { removed: true; mode: 'deleted' | 'deactivated'; samplesDeleted: number }
  | { removed: false; reason: 'not-found' };

export interface SampleInput {
  descriptor: Float32Array;
  kind: DescriptorKind;
  modelVersion: string;
  quality: number;
  /** Identifies the source photo (path + content hash): re-enrolling it is a no-op. */
  sourceKey: string;
  /** The photo's aligned face crop (JPEG), kept so a later model can re-embed it. */
  crop?: Buffer;
  /**
   * Written beside the photo's descriptor of another model version of this kind instead of
   * replacing it (re-embedding: the old set keeps serving until the new one is switched in).
   */
  beside?: boolean;
}

export interface AddSamplesResult {
  added: number;
  /** Same photo, same kind, same model version: already stored. */
  skipped: number;
  /** Same photo and kind under another model version: descriptor replaced. */
  replaced: number;
}

/** The matcher's view of the gallery: row i of `descriptors` belongs to `people[personIndex[i]]`. */
export interface Gallery {
  kind: DescriptorKind;
  people: { id: number; name: string }[];
  personIndex: Int32Array;
  /** Row-major, `personIndex.length` rows of `dim` floats. */
  descriptors: Float32Array;
  dim: number;
  /** Distinct model versions present, sorted; more than one means the gallery mixes embedders. */
  modelVersions: string[];
}

export interface PunchDecision {
  personId: number;
  ts: number;
  kioskId: string;
  similarity: number;
  evidence: Evidence;
}

export type RecordResult = { logged: true; punchId: number } | { logged: false; reason: 'cooldown'; lastPunchTs: number };

/** How a punch came to be: the face vote, an admin's manual entry, or the kiosk's code + PIN fallback. */
export type PunchSource = 'face' | 'manual' | 'fallback';

export interface Punch {
  id: number;
  personId: number;
  personName: string;
  ts: number;
  kioskId: string;
  similarity: number | null;
  evidence: Evidence;
  voidedAt: number | null;
  voidReason: string | null;
  manual: boolean;
  source: PunchSource;
  /** Flagged for an admin to look at (fallback punches). */
  review: boolean;
  /** An evidence photo (aligned face crop) is stored with it. */
  hasPhoto: boolean;
}

export interface FallbackPunch {
  personId: number;
  ts: number;
  /** Defaults to the store's kioskId. */
  kioskId?: string;
  /** Who let it in (the kiosk screen), kept in the evidence and the audit. */
  actor: string;
}

export interface PunchQuery {
  /** Inclusive lower bound, ms since the epoch. */
  from: number;
  /** Exclusive upper bound, ms since the epoch. */
  to: number;
  personId?: number;
  limit?: number;
  offset?: number;
  includeVoided?: boolean;
}

export interface PunchPage {
  items: Punch[];
  total: number;
}

export type SightingKind = 'unknown' | 'spoof';

export interface DailyQuery {
  from: number;
  to: number;
  /** IANA zone whose midnights split days; defaults to the store's reportTimeZone. */
  timeZone?: string;
  personId?: number;
}

/** A person's id in reports: the kiosk's row id, or the hub's uid. */
export type PersonKey = number | string;

export interface DailyRow<Id extends PersonKey = number> {
  personId: Id;
  personName: string;
  /** Local calendar day in the report's zone, YYYY-MM-DD. */
  day: string;
  firstIn: number;
  lastOut: number;
  /** lastOut − firstIn in hours (0 for a single punch). */
  hours: number;
  punches: number;
}

export type VoidResult = { voided: true } | { voided: false; reason: 'not-found' | 'already-voided' };

export interface AuditEntry {
  id: number;
  ts: number;
  actor: string;
  action: string;
  target: string;
  details: Evidence;
}
