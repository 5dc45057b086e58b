/** People and their enrolled face samples; the only way the rest of the kiosk reads the gallery. */
import { KioskError } from '../errors.ts';
import type { Logger } from '../log.ts';
import { AuditRepo } from './audit-repo.ts';
import { EvidencePhotosRepo } from './evidence-photos-repo.ts';
import { FaceCropsRepo } from './face-crops-repo.ts';
import type { Db } from './db.ts';
import { blobFormat, decryptFailed, DescriptorAad, SEALED_OVERHEAD, type DescriptorCipher } from './crypto.ts';
import { checkStoredFinite, checkStoredLength, encodeDescriptor } from './descriptor-codec.ts';
import { resolveDeps, type RepoDeps } from './repo-deps.ts';
import { target } from './rows.ts';
import { escapeLike, normalizeName, searchKey } from './text.ts';
import type {
  AddSamplesResult,
  DescriptorKind,
  Gallery,
  ListPeopleQuery,
  Person,
  PersonListItem,
  RemovePersonResult,
  SampleInput,
  UpsertPersonInput,
  UpsertPersonResult,
} from './types.ts';

interface PersonRow {
  id: number;
  name: string;
  employee_code: string | null;
  created_at: number;
  active: number;
}

interface GroupRow {
  model_version: string;
  dim: number;
  n: number;
  first_id: number;
}

/** Raw gallery row, in SELECT order: sample id, person id, dim, descriptor bytes. */
type SampleTuple = [number, number, number, Buffer];

interface SampleRow {
  id: number;
  person_id: number;
  descriptor: Buffer;
  descriptor_kind: DescriptorKind;
  model_version: string;
  dim: number;
  quality: number;
  source_key: string;
  created_at: number;
}

/** What is held about one enrolled photo (subject access export); the descriptor only when asked for. */
export interface SampleRecord {
  id: number;
  kind: DescriptorKind;
  modelVersion: string;
  dim: number;
  quality: number;
  sourceKey: string;
  createdAt: number;
  encrypted: boolean;
  descriptor?: number[];
}

export interface PeopleRepoDeps extends RepoDeps {
  /**
   * Seals descriptors on write and opens them in loadGallery. Without one, descriptors are stored in
   * clear (tests, `encryptDescriptors: false`); openStore passes one by default.
   */
  cipher?: DescriptorCipher | null;
}

const PERSON_COLS = 'id, name, employee_code, created_at, active';
const GALLERY_FROM = `FROM face_samples s JOIN people p ON p.id = s.person_id
  WHERE p.active = 1 AND s.descriptor_kind = @kind AND (@modelVersion IS NULL OR s.model_version = @modelVersion)`;

export class PeopleRepo {
  /** Enrollment photos' aligned crops, sealed with this repo's key (see FaceCropsRepo). */
  readonly crops: FaceCropsRepo;
  /** Face crops behind punches and sightings, sealed with the same key (see EvidencePhotosRepo). */
  readonly evidence: EvidencePhotosRepo;
  private readonly logger: Logger;
  private readonly clock: () => number;
  private readonly collator: Intl.Collator;
  private readonly audit: AuditRepo;
  private readonly stmt;
  private cipher: DescriptorCipher | null;

  constructor(
    private readonly db: Db,
    deps: PeopleRepoDeps = {},
  ) {
    const { logger, clock, options } = resolveDeps(deps, 'store.people');
    this.cipher = deps.cipher ?? null;
    this.logger = logger;
    this.clock = clock;
    this.collator = new Intl.Collator(options.collationLocale);
    this.audit = new AuditRepo(db, options);
    this.crops = new FaceCropsRepo(db, () => this.cipher);
    this.evidence = new EvidencePhotosRepo(db, () => this.cipher);
    this.stmt = {
      setPin: db.prepare<[string | null, number]>('UPDATE people SET pin_hash = ? WHERE id = ?'),
      pinByCode: db.prepare<[string], { id: number; name: string; pin_hash: string | null }>(
        'SELECT id, name, pin_hash FROM people WHERE employee_code = ? AND active = 1',
      ),
      hasPin: db.prepare<[number], { pin_hash: string | null }>('SELECT pin_hash FROM people WHERE id = ?'),
      byId: db.prepare<[number], PersonRow>(`SELECT ${PERSON_COLS} FROM people WHERE id = ?`),
      byCode: db.prepare<[string], PersonRow>(`SELECT ${PERSON_COLS} FROM people WHERE employee_code = ?`),
      byName: db.prepare<[string], PersonRow>(`SELECT ${PERSON_COLS} FROM people WHERE name = ? ORDER BY id`),
      insert: db.prepare<[string, string, string | null, number]>(
        'INSERT INTO people (name, name_search, employee_code, created_at, active) VALUES (?, ?, ?, ?, 1)',
      ),
      update: db.prepare<[string, string, string | null, number]>(
        'UPDATE people SET name = ?, name_search = ?, employee_code = ?, active = 1 WHERE id = ?',
      ),
      // Photos, not descriptor rows: a re-embedded photo holds one sample per model version.
      list: db.prepare<{ all: number; like: string | null; code: string | null }, PersonRow & { sample_count: number; has_crops: number; has_pin: number }>(
        `SELECT ${PERSON_COLS}, pin_hash IS NOT NULL AS has_pin,
           (SELECT count(DISTINCT s.source_key) FROM face_samples s WHERE s.person_id = people.id) AS sample_count,
           EXISTS (SELECT 1 FROM face_crops c WHERE c.person_id = people.id) AS has_crops
         FROM people
         WHERE (@all = 1 OR active = 1)
           AND (@like IS NULL OR name_search LIKE @like ESCAPE '\\' OR employee_code = @code)`,
      ),
      deleteSamples: db.prepare<[number]>('DELETE FROM face_samples WHERE person_id = ?'),
      punchCount: db.prepare<[number], { n: number }>('SELECT count(*) AS n FROM punches WHERE person_id = ?'),
      deactivate: db.prepare<[number]>('UPDATE people SET active = 0 WHERE id = ?'),
      deletePerson: db.prepare<[number]>('DELETE FROM people WHERE id = ?'),
      storedDim: db.prepare<[string, string], { dim: number }>(
        'SELECT dim FROM face_samples WHERE descriptor_kind = ? AND model_version = ? LIMIT 1',
      ),
      // The photo's sample of this kind: the one of `version` when there is one, else another version's.
      existingSample: db.prepare<[number, string, string, string], { id: number; model_version: string }>(
        'SELECT id, model_version FROM face_samples WHERE person_id = ? AND source_key = ? AND descriptor_kind = ? ORDER BY model_version = ? DESC LIMIT 1',
      ),
      insertSample: db.prepare<[number, Buffer, string, string, number, number, string, number]>(
        `INSERT INTO face_samples (person_id, descriptor, descriptor_kind, model_version, dim, quality, source_key, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      ),
      replaceSample: db.prepare<[Buffer, string, number, number, number, number]>(
        'UPDATE face_samples SET descriptor = ?, model_version = ?, dim = ?, quality = ?, created_at = ? WHERE id = ?',
      ),
      sampleQuality: db.prepare<[number, string], { quality: number }>('SELECT quality FROM face_samples WHERE person_id = ? AND source_key = ? ORDER BY id LIMIT 1'),
      countSamples: db.prepare<{ personId: number | null; kind: string | null; modelVersion: string | null }, { n: number }>(
        `SELECT count(*) AS n FROM face_samples
         WHERE (@personId IS NULL OR person_id = @personId)
           AND (@kind IS NULL OR descriptor_kind = @kind)
           AND (@modelVersion IS NULL OR model_version = @modelVersion)`,
      ),
      galleryGroups: db.prepare<{ kind: string; modelVersion: string | null }, GroupRow>(
        `SELECT s.model_version, s.dim, count(*) AS n, min(s.id) AS first_id ${GALLERY_FROM}
         GROUP BY s.model_version, s.dim ORDER BY s.model_version, n DESC`,
      ),
      galleryPeople: db.prepare<{ kind: string; modelVersion: string | null }, { id: number; name: string }>(
        `SELECT DISTINCT p.id, p.name ${GALLERY_FROM} ORDER BY p.id`,
      ),
      gallerySamples: db
        .prepare<{ kind: string; modelVersion: string | null }, SampleTuple>(
          `SELECT s.id, s.person_id, s.dim, s.descriptor ${GALLERY_FROM} ORDER BY s.person_id, s.id`,
        )
        .raw(true),
      samplesOf: db.prepare<[number], SampleRow>(
        `SELECT id, person_id, descriptor, descriptor_kind, model_version, dim, quality, source_key, created_at
         FROM face_samples WHERE person_id = ? ORDER BY id`,
      ),
      sampleById: db.prepare<[number], SampleRow>(
        'SELECT id, person_id, descriptor, descriptor_kind, model_version, dim, quality, source_key, created_at FROM face_samples WHERE id = ?',
      ),
      allSamples: db.prepare<[], SampleRow>(
        'SELECT id, person_id, descriptor, descriptor_kind, model_version, dim, quality, source_key, created_at FROM face_samples ORDER BY id',
      ),
      plainSamples: db.prepare<[], SampleRow>(
        `SELECT id, person_id, descriptor, descriptor_kind, model_version, dim, quality, source_key, created_at
         FROM face_samples WHERE length(descriptor) = dim * 4 ORDER BY id`,
      ),
      setDescriptor: db.prepare<[Buffer, number]>('UPDATE face_samples SET descriptor = ? WHERE id = ?'),
      keyId: db.prepare<[], { value: string }>("SELECT value FROM kiosk_meta WHERE key = 'descriptor_key_id'"),
    };
  }

  /** Whether descriptors are sealed on write (a cipher was given). */
  get encrypted(): boolean {
    return this.cipher !== null;
  }

  /**
   * Finds the person by employee code (or, without one, by exact NFC name) and creates them if absent.
   * A code given for a code-less person of the same name is attached to them; a removed person is reactivated.
   */
  upsert(input: UpsertPersonInput, actor = 'system'): UpsertPersonResult {
    const name = normalizeName(input.name);
    if (name.length === 0) {
      throw new KioskError('USAGE', 'person name is empty', { hint: 'give the person a name', context: { input: input.name } });
    }
    const code = input.employeeCode?.trim() || null;
    return this.db.transaction((): UpsertPersonResult => {
      const existing = code === null ? this.findOnlyByName(name) : this.findByCode(code, name);
      if (existing === null) {
        const id = Number(this.stmt.insert.run(name, searchKey(name), code, this.clock()).lastInsertRowid);
        this.audit.write({ ts: this.clock(), actor, action: 'person.create', target: target.person(id), details: { name, employeeCode: code } });
        return { person: this.mustGet(id), created: true };
      }
      const newCode = code ?? existing.employee_code;
      if (existing.name !== name || existing.employee_code !== newCode || existing.active !== 1) {
        this.stmt.update.run(name, searchKey(name), newCode, existing.id);
        this.audit.write({
          ts: this.clock(),
          actor,
          action: 'person.update',
          target: target.person(existing.id),
          details: { from: toPerson(existing), name, employeeCode: newCode, reactivated: existing.active !== 1 },
        });
      }
      return { person: this.mustGet(existing.id), created: false };
    }).immediate();
  }

  get(id: number): Person | null {
    const row = this.stmt.byId.get(id);
    return row === undefined ? null : toPerson(row);
  }

  /** Active people (unless includeInactive), in Vietnamese alphabetical order. */
  list(q: ListPeopleQuery = {}): PersonListItem[] {
    const search = q.search === undefined ? '' : searchKey(q.search);
    const rows = this.stmt.list.all({
      all: q.includeInactive === true ? 1 : 0,
      like: search === '' ? null : `%${escapeLike(search)}%`,
      code: search === '' ? null : (q.search ?? '').trim(),
    });
    return rows
      // Samples without a stored crop cannot be re-embedded when the face model changes.
      .map((r) => ({ ...toPerson(r), sampleCount: r.sample_count, hasPin: r.has_pin === 1, needsReenrollment: r.active === 1 && r.sample_count > 0 && r.has_crops === 0 }))
      .sort((a, b) => this.collator.compare(a.name, b.name) || a.id - b.id);
  }

  /**
   * Deletes the person's samples so they are no longer recognised. The person row is deleted too
   * unless punches refer to it, in which case it is kept (inactive) so attendance history keeps its name.
   */
  remove(id: number, actor = 'system'): RemovePersonResult {
    const result = this.db.transaction((): RemovePersonResult => {
      const row = this.stmt.byId.get(id);
      if (row === undefined) return { removed: false, reason: 'not-found' };
      const samplesDeleted = this.stmt.deleteSamples.run(id).changes;
      this.crops.deleteOf(id);
      const photosDeleted = this.evidence.deleteOfPerson(id);
      this.stmt.setPin.run(null, id);
      const hasPunches = (this.stmt.punchCount.get(id)?.n ?? 0) > 0;
      if (hasPunches) this.stmt.deactivate.run(id);
      else this.stmt.deletePerson.run(id);
      const mode = hasPunches ? 'deactivated' : 'deleted';
      this.audit.write({ ts: this.clock(), actor, action: 'person.remove', target: target.person(id), details: { name: row.name, mode, samplesDeleted, photosDeleted } });
      return { removed: true, mode, samplesDeleted };
    }).immediate();
    if (result.removed) this.logger.info({ personId: id, mode: result.mode }, 'person removed');
    return result;
  }

  /**
   * Sets (or with null, clears) the personal PIN of the kiosk's code + PIN fallback. Takes the hash
   * (auth/password.ts), never the PIN; the audit says that it changed, not what it is.
   */
  setPinHash(id: number, pinHash: string | null, actor: string): boolean {
    return this.db.transaction((): boolean => {
      if (this.stmt.byId.get(id) === undefined) return false;
      this.stmt.setPin.run(pinHash, id);
      this.audit.write({ ts: this.clock(), actor, action: pinHash === null ? 'person.pin.clear' : 'person.pin.set', target: target.person(id), details: {} });
      return true;
    }).immediate();
  }

  hasPin(id: number): boolean {
    return (this.stmt.hasPin.get(id)?.pin_hash ?? null) !== null;
  }

  /** The active person with this employee code and their PIN hash (null when none is set), for the fallback. */
  fallbackCredentials(employeeCode: string): { id: number; name: string; pinHash: string | null } | null {
    const row = this.stmt.pinByCode.get(employeeCode.trim());
    return row === undefined ? null : { id: row.id, name: row.name, pinHash: row.pin_hash };
  }

  /**
   * Stores descriptors for a person, all or nothing. A photo (sourceKey) the person already has for
   * this kind is skipped under the same model version, so re-running enrollment changes nothing; under
   * another model version its descriptor is replaced, so upgrading the embedder and re-enrolling
   * leaves one current descriptor per photo.
   */
  addSamples(personId: number, samples: readonly SampleInput[], actor = 'system'): AddSamplesResult {
    return this.db.transaction((): AddSamplesResult => {
      if (this.stmt.byId.get(personId) === undefined) {
        throw new KioskError('USAGE', `cannot add samples: person ${personId} does not exist`, {
          hint: 'create the person first (PeopleRepo.upsert)',
          context: { personId },
        });
      }
      this.checkKeyCurrent();
      const dims = new Map<string, number>();
      const now = this.clock();
      const result: AddSamplesResult = { added: 0, skipped: 0, replaced: 0 };
      samples.forEach((s, i) => {
        const label = `sample ${i} "${s.sourceKey}" of person ${personId} (${s.kind}/${s.modelVersion})`;
        checkSampleMeta(s, label);
        const key = `${s.kind}\u0000${s.modelVersion}`;
        const expected = dims.get(key) ?? this.stmt.storedDim.get(s.kind, s.modelVersion)?.dim ?? null;
        const blob = this.toStored(encodeDescriptor(s.descriptor, expected, label), personId, s.kind, s.descriptor.length);
        dims.set(key, s.descriptor.length);
        const existing = this.stmt.existingSample.get(personId, s.sourceKey, s.kind, s.modelVersion);
        const keepOther = s.beside === true && existing !== undefined && existing.model_version !== s.modelVersion;
        if (existing === undefined || keepOther) {
          this.stmt.insertSample.run(personId, blob, s.kind, s.modelVersion, s.descriptor.length, s.quality, s.sourceKey, now);
          result.added++;
        } else if (existing.model_version !== s.modelVersion) {
          this.stmt.replaceSample.run(blob, s.modelVersion, s.descriptor.length, s.quality, now, existing.id);
          result.replaced++;
        } else {
          result.skipped++;
        }
        if (s.crop) this.crops.put(personId, s.sourceKey, s.crop, now);
      });
      if (result.added + result.replaced > 0) {
        this.audit.write({ ts: now, actor, action: 'samples.add', target: target.person(personId), details: { ...result } });
      }
      return result;
    }).immediate();
  }

  /** Whether this photo is already enrolled for the person with this kind and model version (lets enrollment skip the embedding). */
  hasSample(personId: number, sourceKey: string, kind: DescriptorKind, modelVersion: string): boolean {
    return this.stmt.existingSample.get(personId, sourceKey, kind, modelVersion)?.model_version === modelVersion;
  }

  /** The capture quality recorded for a photo's first sample (re-embedding keeps it). */
  sampleQuality(personId: number, sourceKey: string): number | null {
    return this.stmt.sampleQuality.get(personId, sourceKey)?.quality ?? null;
  }

  countSamples(q: { personId?: number; kind?: DescriptorKind; modelVersion?: string } = {}): number {
    return this.stmt.countSamples.get({ personId: q.personId ?? null, kind: q.kind ?? null, modelVersion: q.modelVersion ?? null })?.n ?? 0;
  }

  /**
   * Active people's samples of one kind as one contiguous matrix. Rows are copied straight from the
   * stored bytes into a preallocated buffer, so a large gallery costs two allocations, not one per sample.
   * Without `modelVersion`, every version is included; `modelVersions` tells the caller if that mixes embedders.
   */
  loadGallery(kind: DescriptorKind, modelVersion?: string): Gallery {
    const params = { kind, modelVersion: modelVersion ?? null };
    // One read transaction = one snapshot: counts, people and rows agree even if enrollment runs meanwhile.
    const gallery = this.db.transaction((): Gallery => {
      const groups = this.stmt.galleryGroups.all(params);
      const dim = galleryDim(groups, kind);
      const total = groups.reduce((n, g) => n + g.n, 0);
      const people = this.stmt.galleryPeople.all(params);
      const personIndex = new Int32Array(total);
      const descriptors = new Float32Array(total * dim);
      const bytes = new Uint8Array(descriptors.buffer);
      const rowBytes = dim * Float32Array.BYTES_PER_ELEMENT;
      const cipher = this.cipher;
      const aad = cipher === null ? null : new DescriptorAad(kind);
      let row = 0;
      let p = 0;
      for (const [sampleId, personId, sampleDim, blob] of this.stmt.gallerySamples.iterate(params)) {
        if (row >= total) throw new KioskError('STORE_FAILED', 'gallery changed while loading', { context: { kind } });
        if (cipher === null || aad === null) {
          if (blobFormat(blob, sampleDim) === 'sealed') throw sealedWithoutKey(sampleId, personId);
          checkStoredLength(blob, sampleDim, dim, sampleId, personId);
          bytes.set(blob, row * rowBytes);
        } else {
          if (blobFormat(blob, sampleDim) === 'plain') throw plainUnderKey(sampleId, personId);
          checkStoredLength(blob, sampleDim, dim, sampleId, personId, SEALED_OVERHEAD);
          if (!cipher.openInto(blob, aad.set(personId, sampleDim), bytes, row * rowBytes)) {
            throw decryptFailed(`sample ${sampleId} of person ${personId}`, cipher.keyId);
          }
        }
        checkStoredFinite(descriptors, row, dim, sampleId, personId);
        while (p < people.length && people[p]!.id !== personId) p++;
        if (p === people.length) throw new KioskError('STORE_FAILED', 'gallery changed while loading', { context: { kind, personId } });
        personIndex[row] = p;
        row++;
      }
      if (row !== total) throw new KioskError('STORE_FAILED', 'gallery changed while loading', { context: { kind, rows: row, expected: total } });
      return { kind, people, personIndex, descriptors, dim, modelVersions: [...new Set(groups.map((g) => g.model_version))] };
    })();
    this.logger.debug({ kind, modelVersion, people: gallery.people.length, samples: gallery.personIndex.length, dim: gallery.dim }, 'gallery loaded');
    return gallery;
  }

  /**
   * Everything stored about a person's samples, oldest first. Descriptors are decrypted only when
   * `includeDescriptors` is set (an explicit subject-access request), never by default.
   */
  sampleRecords(personId: number, opts: { includeDescriptors?: boolean } = {}): SampleRecord[] {
    return this.stmt.samplesOf.all(personId).map((r) => {
      const format = blobFormat(r.descriptor, r.dim);
      const rec: SampleRecord = {
        id: r.id,
        kind: r.descriptor_kind,
        modelVersion: r.model_version,
        dim: r.dim,
        quality: r.quality,
        sourceKey: r.source_key,
        createdAt: r.created_at,
        encrypted: format === 'sealed',
      };
      if (opts.includeDescriptors === true) rec.descriptor = Array.from(this.decode(r));
      return rec;
    });
  }

  /** One sample with its descriptor opened, for pushing it to a hub (sealed again there with the site key); null once deleted. */
  sampleForSync(sampleId: number): { personId: number; kind: DescriptorKind; modelVersion: string; dim: number; quality: number; sourceKey: string; createdAt: number; descriptor: Float32Array } | null {
    const r = this.stmt.sampleById.get(sampleId);
    if (r === undefined) return null;
    return { personId: r.person_id, kind: r.descriptor_kind, modelVersion: r.model_version, dim: r.dim, quality: r.quality, sourceKey: r.source_key, createdAt: r.created_at, descriptor: this.decode(r) };
  }

  /**
   * Seals every descriptor still stored in clear (rows written before encryption was on). Returns how
   * many were sealed; openStore runs it at every open, so it is a no-op after the first.
   */
  sealPlaintextSamples(): number {
    const cipher = this.cipher;
    if (cipher === null) return 0;
    const sealed = this.db.transaction((): number => {
      let n = 0;
      for (const r of this.stmt.plainSamples.all()) {
        this.stmt.setDescriptor.run(cipher.seal(r.descriptor, new DescriptorAad(r.descriptor_kind).set(r.person_id, r.dim)), r.id);
        r.descriptor.fill(0);
        n++;
      }
      return n;
    }).immediate();
    if (sealed > 0) this.logger.info({ samples: sealed }, 'sealed descriptors stored in clear');
    return sealed;
  }

  /**
   * Re-encrypts every descriptor under `next` in one transaction (key rotation) and switches this repo
   * to it. The caller records the new key id in the same transaction (`inTransaction`) and installs the key file.
   */
  rekey(next: DescriptorCipher, inTransaction: () => void = () => undefined): number {
    const n = this.db.transaction((): number => {
      let count = 0;
      for (const r of this.stmt.allSamples.all()) {
        const plain = this.decode(r);
        const bytes = new Uint8Array(plain.buffer, plain.byteOffset, plain.byteLength);
        this.stmt.setDescriptor.run(next.seal(bytes, new DescriptorAad(r.descriptor_kind).set(r.person_id, r.dim)), r.id);
        plain.fill(0);
        count++;
      }
      this.crops.reseal(next);
      this.evidence.reseal(next);
      inTransaction();
      return count;
    }).immediate();
    this.cipher = next;
    return n;
  }

  /** Refuses to seal with a key the database no longer uses (rotated by another process). */
  private checkKeyCurrent(): void {
    if (this.cipher === null) return;
    const recorded = this.stmt.keyId.get()?.value;
    if (recorded !== undefined && recorded !== this.cipher.keyId) {
      throw new KioskError('STORE_FAILED', `the descriptor key changed (database uses ${recorded}, this process has ${this.cipher.keyId})`, {
        hint: 'restart the kiosk so it loads the current key file',
        context: { recorded, held: this.cipher.keyId },
      });
    }
  }

  /** One stored descriptor as floats, decrypting if sealed. */
  private decode(r: SampleRow): Float32Array {
    const label = `sample ${r.id} of person ${r.person_id}`;
    switch (blobFormat(r.descriptor, r.dim)) {
      case 'plain':
        return new Float32Array(r.descriptor.buffer.slice(r.descriptor.byteOffset, r.descriptor.byteOffset + r.descriptor.byteLength));
      case 'sealed':
        if (this.cipher === null) throw sealedWithoutKey(r.id, r.person_id);
        return this.cipher.open(r.descriptor, new DescriptorAad(r.descriptor_kind).set(r.person_id, r.dim), label);
      case 'invalid':
        checkStoredLength(r.descriptor, r.dim, r.dim, r.id, r.person_id);
        throw new KioskError('DESCRIPTOR_INVALID', `stored descriptor of ${label} is unreadable`, { context: { sampleId: r.id } });
    }
  }

  /** The bytes to store: sealed when a cipher is set (the clear copy is wiped), else as given. */
  private toStored(plain: Buffer, personId: number, kind: DescriptorKind, dim: number): Buffer {
    if (this.cipher === null) return plain;
    const sealed = this.cipher.seal(plain, new DescriptorAad(kind).set(personId, dim));
    plain.fill(0);
    return sealed;
  }

  private findOnlyByName(name: string): PersonRow | null {
    const rows = this.stmt.byName.all(name);
    if (rows.length > 1) {
      throw new KioskError('USAGE', `${rows.length} people are named "${name}"`, {
        hint: 'pass the employee code to say which one',
        context: { name, ids: rows.map((r) => r.id) },
      });
    }
    return rows[0] ?? null;
  }

  private findByCode(code: string, name: string): PersonRow | null {
    const byCode = this.stmt.byCode.get(code);
    if (byCode !== undefined) return byCode;
    const codeless = this.stmt.byName.all(name).filter((r) => r.employee_code === null);
    return codeless.length === 1 ? codeless[0]! : null;
  }

  private mustGet(id: number): Person {
    const p = this.get(id);
    if (p === null) throw new KioskError('STORE_FAILED', `person ${id} vanished during write`, { context: { id } });
    return p;
  }
}

function sealedWithoutKey(sampleId: number, personId: number): KioskError {
  return new KioskError('STORE_FAILED', `descriptor of sample ${sampleId} of person ${personId} is encrypted and no descriptor key was given`, {
    hint: 'open the store through openStore with the data directory\'s key file (store.keyFile); the database alone cannot be read',
    context: { sampleId, personId },
  });
}

function plainUnderKey(sampleId: number, personId: number): KioskError {
  return new KioskError('DESCRIPTOR_INVALID', `descriptor of sample ${sampleId} of person ${personId} is stored unencrypted while encryption is on`, {
    hint: 'another process wrote it with store.encryptDescriptors off; restart the kiosk (openStore seals such rows) or re-enroll the person',
    context: { sampleId, personId },
  });
}

function toPerson(r: PersonRow): Person {
  return { id: r.id, name: r.name, employeeCode: r.employee_code, createdAt: r.created_at, active: r.active === 1 };
}

function checkSampleMeta(s: SampleInput, label: string): void {
  if (!Number.isFinite(s.quality) || s.sourceKey.length === 0 || s.modelVersion.length === 0) {
    throw new KioskError('DESCRIPTOR_INVALID', `${label} has a non-finite quality or an empty source key / model version`, {
      hint: 'every sample needs a finite quality, a source key and a model version',
      context: { sourceKey: s.sourceKey, modelVersion: s.modelVersion, quality: s.quality },
    });
  }
}

/**
 * One dimension for the whole matrix. Within a model version, rows off the majority dimension are
 * corrupt samples; across versions, differing dimensions mean two embedders were enrolled.
 */
function galleryDim(groups: readonly GroupRow[], kind: string): number {
  const byVersion = new Map<string, number>();
  for (const g of groups) {
    const dim = byVersion.get(g.model_version);
    if (dim === undefined) {
      byVersion.set(g.model_version, g.dim); // groups are sorted by count desc within a version
    } else {
      throw new KioskError('DESCRIPTOR_INVALID', `stored descriptor of sample ${g.first_id} has dim ${g.dim}, expected ${dim} for ${kind}/${g.model_version}`, {
        hint: 'remove and re-enroll the person that sample belongs to',
        context: { sampleId: g.first_id, dim: g.dim, expectedDim: dim, kind, modelVersion: g.model_version },
      });
    }
  }
  const dims = new Set(byVersion.values());
  if (dims.size > 1) {
    throw new KioskError('GALLERY_MODEL_MISMATCH', `${kind} gallery mixes model versions with different dimensions`, {
      hint: 'load one model version (modelVersion) or re-enroll everyone with the current model',
      context: { kind, versions: Object.fromEntries(byVersion) },
    });
  }
  return dims.size === 0 ? 0 : [...dims][0]!;
}
