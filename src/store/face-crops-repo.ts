/**
 * Enrollment photos' aligned face crops (JPEG), sealed with the descriptor key when one is set:
 * what `kiosk reembed` computes a new descriptor set from. Erase, re-keying and subject-access
 * export go through here, so a crop never outlives its person's descriptors.
 */
import { KioskError } from '../errors.ts';
import { DescriptorAad, decryptFailed, SEALED_OVERHEAD, type DescriptorCipher } from './crypto.ts';
import type { Db } from './db.ts';

export interface StoredCrop {
  personId: number;
  sourceKey: string;
  createdAt: number;
}

interface CropRow {
  person_id: number;
  source_key: string;
  image: Buffer;
  sealed: number;
  created_at: number;
}

/** Additional data binding a sealed crop to its person and photo: a crop cannot be moved to another. */
const cropAad = (personId: number, sourceKey: string): Buffer => new DescriptorAad(`face-crop:${sourceKey}`).set(personId, 0);

export class FaceCropsRepo {
  readonly #stmt;

  constructor(private readonly db: Db, private readonly cipher: () => DescriptorCipher | null) {
    this.#stmt = {
      upsert: db.prepare<[number, string, Buffer, number, number]>(
        `INSERT INTO face_crops (person_id, source_key, image, sealed, created_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (person_id, source_key) DO UPDATE SET image = excluded.image, sealed = excluded.sealed, created_at = excluded.created_at`,
      ),
      get: db.prepare<[number, string], CropRow>('SELECT person_id, source_key, image, sealed, created_at FROM face_crops WHERE person_id = ? AND source_key = ?'),
      ofPerson: db.prepare<[number], StoredCrop>('SELECT person_id AS personId, source_key AS sourceKey, created_at AS createdAt FROM face_crops WHERE person_id = ? ORDER BY created_at, source_key'),
      all: db.prepare<[], CropRow>('SELECT person_id, source_key, image, sealed, created_at FROM face_crops'),
      setImage: db.prepare<[Buffer, number, number, string]>('UPDATE face_crops SET image = ?, sealed = ? WHERE person_id = ? AND source_key = ?'),
      deleteOf: db.prepare<[number]>('DELETE FROM face_crops WHERE person_id = ?'),
      missing: db.prepare<{ kind: string; modelVersion: string }, StoredCrop>(
        `SELECT c.person_id AS personId, c.source_key AS sourceKey, c.created_at AS createdAt
         FROM face_crops c JOIN people p ON p.id = c.person_id
         WHERE p.active = 1 AND NOT EXISTS (
           SELECT 1 FROM face_samples s WHERE s.person_id = c.person_id AND s.source_key = c.source_key
             AND s.descriptor_kind = @kind AND s.model_version = @modelVersion)
         ORDER BY c.person_id, c.source_key`,
      ),
      withoutCrops: db.prepare<[], { id: number; name: string }>(
        `SELECT p.id, p.name FROM people p
         WHERE p.active = 1 AND EXISTS (SELECT 1 FROM face_samples s WHERE s.person_id = p.id)
           AND NOT EXISTS (SELECT 1 FROM face_crops c WHERE c.person_id = p.id)
         ORDER BY p.id`,
      ),
    };
  }

  /** Stores (or replaces) the crop of one enrollment photo. */
  put(personId: number, sourceKey: string, jpeg: Buffer, now: number): void {
    const cipher = this.cipher();
    const image = cipher ? cipher.seal(jpeg, cropAad(personId, sourceKey)) : jpeg;
    this.#stmt.upsert.run(personId, sourceKey, image, cipher ? 1 : 0, now);
  }

  /** The JPEG bytes, decrypted; null when this photo has no crop. */
  get(personId: number, sourceKey: string): Buffer | null {
    const row = this.#stmt.get.get(personId, sourceKey);
    return row ? this.#open(row) : null;
  }

  ofPerson(personId: number): StoredCrop[] {
    return this.#stmt.ofPerson.all(personId);
  }

  /** Active people's crops that have no descriptor of this kind and model version yet. */
  missing(kind: string, modelVersion: string): StoredCrop[] {
    return this.#stmt.missing.all({ kind, modelVersion });
  }

  /** Active people with descriptors but no stored crop: a model change needs them to enroll again. */
  peopleWithoutCrops(): { id: number; name: string }[] {
    return this.#stmt.withoutCrops.all();
  }

  deleteOf(personId: number): number {
    return this.#stmt.deleteOf.run(personId).changes;
  }

  /** Re-seals every crop with `next` (or seals plaintext ones); runs inside the caller's transaction. */
  reseal(next: DescriptorCipher): number {
    let n = 0;
    for (const row of this.#stmt.all.all()) {
      const plain = this.#open(row);
      this.#stmt.setImage.run(next.seal(plain, cropAad(row.person_id, row.source_key)), 1, row.person_id, row.source_key);
      plain.fill(0);
      n++;
    }
    return n;
  }

  #open(row: CropRow): Buffer {
    if (row.sealed === 0) return row.image;
    const cipher = this.cipher();
    const label = `face crop "${row.source_key}" of person ${row.person_id}`;
    if (!cipher) throw new KioskError('STORE_FAILED', `${label} is encrypted but no key is loaded`, { hint: 'restore the key file (store.keyFile) from a backup' });
    const out = Buffer.alloc(row.image.length - SEALED_OVERHEAD);
    if (!cipher.openInto(row.image, cropAad(row.person_id, row.source_key), out, 0)) throw decryptFailed(label, cipher.keyId);
    return out;
  }
}
