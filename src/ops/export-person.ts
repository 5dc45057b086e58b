/**
 * Subject access: everything the kiosk holds about one person, as plain JSON — the person row,
 * every punch (voided ones too), audit entries about them or their punches, the metadata of each
 * enrolled sample and of each stored face crop, and which punches keep an evidence photo. Descriptors
 * and the images (biometric data) are left out unless explicitly asked for.
 */
import { KioskError } from '../errors.ts';
import type { Store } from '../store/store.ts';
import type { SampleRecord } from '../store/people-repo.ts';
import { normalizeName } from '../store/text.ts';
import type { AuditEntry, Person, Punch } from '../store/types.ts';

/** One enrollment photo's stored aligned face crop. */
export interface CropRecord {
  sourceKey: string;
  createdAt: number;
  /** The JPEG, base64; only with includeDescriptors (an explicit request for the biometric data). */
  jpegBase64?: string;
}

/** A punch's evidence photo (aligned face crop); the JPEG only with includeDescriptors. */
export interface EvidencePhotoRecord {
  punchId: number;
  jpegBase64?: string;
}

export interface PersonExport {
  exportedAt: number;
  person: Person;
  samples: SampleRecord[];
  crops: CropRecord[];
  punches: Punch[];
  /** The punches with an evidence photo (each punch's `hasPhoto` says the same). */
  evidencePhotos: EvidencePhotoRecord[];
  audit: AuditEntry[];
  /** Unrecognised-face sightings are not linked to anyone, so none can be attributed; said here so a reader knows. */
  notes: string[];
}

/** A numeric id, an exact employee code, or an exact (NFC, case-sensitive) name. */
export function findPerson(store: Store, ref: string): Person {
  const trimmed = ref.trim();
  if (/^\d+$/.test(trimmed)) {
    const p = store.people.get(Number(trimmed));
    if (p) return p;
  }
  const all = store.people.list({ includeInactive: true });
  const byCode = all.filter((p) => p.employeeCode === trimmed);
  if (byCode.length === 1) return stripCount(byCode[0]!);
  const name = normalizeName(trimmed);
  const byName = all.filter((p) => p.name === name);
  if (byName.length === 1) return stripCount(byName[0]!);
  if (byName.length > 1) {
    throw new KioskError('USAGE', `${byName.length} people are named "${name}"`, { hint: `pass the id instead: ${byName.map((p) => p.id).join(', ')}`, context: { ids: byName.map((p) => p.id) } });
  }
  throw new KioskError('USAGE', `no person "${trimmed}"`, { hint: 'give the id, employee code or exact name (see the admin page)', context: { ref: trimmed } });
}

function stripCount(p: Person & { sampleCount?: number }): Person {
  return { id: p.id, name: p.name, employeeCode: p.employeeCode, createdAt: p.createdAt, active: p.active };
}

/**
 * `actor` is recorded in the audit trail as `person.export` (with whether descriptors and crops were
 * decrypted), in the same transaction as the read: taking a person's data out is itself audited.
 */
export function exportPerson(store: Store, personId: number, opts: { includeDescriptors?: boolean; now: number; actor: string }): PersonExport {
  // One read transaction: the parts agree with each other even while the kiosk keeps logging.
  return store.db.transaction((): PersonExport => {
    const person = store.people.get(personId);
    if (!person) throw new KioskError('USAGE', `no person with id ${personId}`, { context: { personId } });
    const punches: Punch[] = [];
    for (let offset = 0; ; ) {
      const page = store.attendance.list({ from: Number.MIN_SAFE_INTEGER, to: Number.MAX_SAFE_INTEGER, personId, includeVoided: true, offset, limit: Number.MAX_SAFE_INTEGER });
      punches.push(...page.items);
      offset += page.items.length;
      if (page.items.length === 0 || offset >= page.total) break;
    }
    const audit = store.audit.aboutPerson(personId);
    const withImages = opts.includeDescriptors === true;
    const crops = store.people.crops.ofPerson(personId).map((c): CropRecord => {
      if (!withImages) return { sourceKey: c.sourceKey, createdAt: c.createdAt };
      const jpeg = store.people.crops.get(personId, c.sourceKey);
      return { sourceKey: c.sourceKey, createdAt: c.createdAt, ...(jpeg ? { jpegBase64: jpeg.toString('base64') } : {}) };
    });
    const samples = store.people.sampleRecords(personId, { includeDescriptors: withImages });
    store.audit.write({ ts: opts.now, actor: opts.actor, action: 'person.export', target: `person:${personId}`, details: { includeDescriptors: withImages, punches: punches.length, samples: samples.length } });
    return {
      exportedAt: opts.now,
      person,
      samples,
      crops,
      punches: punches.reverse(),
      evidencePhotos: punches.filter((p) => p.hasPhoto).map((p): EvidencePhotoRecord => {
        const jpeg = withImages ? store.people.evidence.get({ kind: 'punch', id: p.id }) : null;
        return { punchId: p.id, ...(jpeg ? { jpegBase64: jpeg.toString('base64') } : {}) };
      }),
      audit,
      notes: ['Sightings of unrecognised faces are not linked to a person and are not included.'],
    };
  })();
}

/** A short human summary for the terminal (the JSON is the full export). */
export function formatExport(e: PersonExport): string {
  const lines = [
    `${e.person.name} (id ${e.person.id}${e.person.employeeCode ? `, code ${e.person.employeeCode}` : ''})${e.person.active ? '' : ' — removed'}`,
    `created ${new Date(e.person.createdAt).toISOString()}`,
    `samples: ${e.samples.length}${e.samples.length ? ` (${[...new Set(e.samples.map((s) => `${s.kind}/${s.modelVersion}`))].join(', ')}; ${e.samples.every((s) => s.encrypted) ? 'encrypted' : 'NOT all encrypted'})` : ''}`,
    `face crops: ${e.crops.length}${e.crops.some((c) => c.jpegBase64 !== undefined) ? ' (images included)' : ''}`,
    `evidence photos: ${e.evidencePhotos.length}${e.evidencePhotos.some((c) => c.jpegBase64 !== undefined) ? ' (images included)' : ''}`,
    `punches: ${e.punches.length}${e.punches.length ? ` (${new Date(e.punches[0]!.ts).toISOString()} … ${new Date(e.punches[e.punches.length - 1]!.ts).toISOString()})` : ''}`,
    `audit entries: ${e.audit.length}`,
    ...e.audit.map((a) => `  ${new Date(a.ts).toISOString()} ${a.actor} ${a.action} ${a.target}`),
    'use --json for the complete export',
  ];
  return lines.join('\n');
}
