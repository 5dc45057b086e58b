/**
 * Evidence photos: the aligned face crop (JPEG) behind a punch or an unknown/spoof sighting, sealed
 * with the descriptor key when one is set, like enrollment crops. The additional data binds a
 * sealed photo to its row, so a photo cannot be moved onto another punch. Rows cascade with their
 * punch or sighting (retention); a person's erase deletes their punches' photos here.
 */
import { KioskError } from '../errors.ts';
import { DescriptorAad, decryptFailed, SEALED_OVERHEAD, type DescriptorCipher } from './crypto.ts';
import type { Db } from './db.ts';

export type EvidenceOwner = { kind: 'punch'; id: number } | { kind: 'sighting'; id: number };

interface PhotoRow {
  id: number;
  punch_id: number | null;
  sighting_id: number | null;
  image: Buffer;
  sealed: number;
  created_at: number;
}

const aadOf = (owner: EvidenceOwner): Buffer => new DescriptorAad(`evidence-photo:${owner.kind}`).set(owner.id, 0);

const ownerOf = (row: PhotoRow): EvidenceOwner =>
  row.punch_id !== null ? { kind: 'punch', id: row.punch_id } : { kind: 'sighting', id: row.sighting_id ?? 0 };

/** Largest photo accepted: a 112×112 JPEG is a few KiB; anything far bigger is not a face crop. */
export const EVIDENCE_PHOTO_MAX_BYTES = 256 * 1024;

export class EvidencePhotosRepo {
  readonly #stmt;

  constructor(private readonly db: Db, private readonly cipher: () => DescriptorCipher | null) {
    const select = 'SELECT id, punch_id, sighting_id, image, sealed, created_at FROM evidence_photos';
    this.#stmt = {
      insertPunch: db.prepare<[number, Buffer, number, number]>(
        `INSERT INTO evidence_photos (punch_id, image, sealed, created_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (punch_id) DO UPDATE SET image = excluded.image, sealed = excluded.sealed, created_at = excluded.created_at`,
      ),
      insertSighting: db.prepare<[number, Buffer, number, number]>(
        `INSERT INTO evidence_photos (sighting_id, image, sealed, created_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (sighting_id) DO UPDATE SET image = excluded.image, sealed = excluded.sealed, created_at = excluded.created_at`,
      ),
      ofPunch: db.prepare<[number], PhotoRow>(`${select} WHERE punch_id = ?`),
      ofSighting: db.prepare<[number], PhotoRow>(`${select} WHERE sighting_id = ?`),
      byId: db.prepare<[number], PhotoRow>(`${select} WHERE id = ?`),
      all: db.prepare<[], PhotoRow>(select),
      setImage: db.prepare<[Buffer, number]>('UPDATE evidence_photos SET image = ?, sealed = 1 WHERE id = ?'),
      deleteOfPerson: db.prepare<[number]>('DELETE FROM evidence_photos WHERE punch_id IN (SELECT id FROM punches WHERE person_id = ?)'),
      count: db.prepare<[], { n: number }>('SELECT count(*) AS n FROM evidence_photos'),
    };
  }

  /** Stores (or replaces) the photo of a punch or sighting. */
  put(owner: EvidenceOwner, jpeg: Buffer, now: number): void {
    if (jpeg.length === 0 || jpeg.length > EVIDENCE_PHOTO_MAX_BYTES) {
      throw new KioskError('USAGE', `an evidence photo of ${jpeg.length} bytes is not a face crop`, { hint: 'pass the aligned crop JPEG (encodeCropJpeg)', context: { ...owner } });
    }
    const cipher = this.cipher();
    const image = cipher ? cipher.seal(jpeg, aadOf(owner)) : jpeg;
    const stmt = owner.kind === 'punch' ? this.#stmt.insertPunch : this.#stmt.insertSighting;
    stmt.run(owner.id, image, cipher ? 1 : 0, now);
  }

  /** The JPEG, decrypted; null when the row has no photo. */
  get(owner: EvidenceOwner): Buffer | null {
    const row = owner.kind === 'punch' ? this.#stmt.ofPunch.get(owner.id) : this.#stmt.ofSighting.get(owner.id);
    return row ? this.#open(row) : null;
  }

  /** A photo by its row id (the hub sync's reference), decrypted; null when it is gone. */
  byId(photoId: number): { owner: EvidenceOwner; jpeg: Buffer; createdAt: number } | null {
    const row = this.#stmt.byId.get(photoId);
    return row ? { owner: ownerOf(row), jpeg: this.#open(row), createdAt: row.created_at } : null;
  }

  has(owner: EvidenceOwner): boolean {
    return (owner.kind === 'punch' ? this.#stmt.ofPunch.get(owner.id) : this.#stmt.ofSighting.get(owner.id)) !== undefined;
  }

  /** Erase: the photos of every punch of this person (the punches themselves may stay, nameless of a face). */
  deleteOfPerson(personId: number): number {
    return this.#stmt.deleteOfPerson.run(personId).changes;
  }

  count(): number {
    return this.#stmt.count.get()?.n ?? 0;
  }

  /** Re-seals every photo with `next` (or seals plaintext ones); runs inside the caller's transaction. */
  reseal(next: DescriptorCipher): number {
    let n = 0;
    for (const row of this.#stmt.all.all()) {
      const plain = this.#open(row);
      this.#stmt.setImage.run(next.seal(plain, aadOf(ownerOf(row))), row.id);
      plain.fill(0);
      n++;
    }
    return n;
  }

  #open(row: PhotoRow): Buffer {
    if (row.sealed === 0) return row.image;
    const owner = ownerOf(row);
    const label = `evidence photo of ${owner.kind} ${owner.id}`;
    const cipher = this.cipher();
    if (!cipher) throw new KioskError('STORE_FAILED', `${label} is encrypted but no key is loaded`, { hint: 'restore the key file (store.keyFile) from a backup' });
    const out = Buffer.alloc(row.image.length - SEALED_OVERHEAD);
    if (!cipher.openInto(row.image, aadOf(owner), out, 0)) throw decryptFailed(label, cipher.keyId);
    return out;
  }
}
