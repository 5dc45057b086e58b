/**
 * Face samples, crops and evidence photos between kiosks and the hub: sealed with the *site* key
 * (AES-256-GCM, the same format as store/crypto.ts) rather than a kiosk's own key. The additional
 * data binds a blob to a global id (the person's uid; for an evidence photo, its punch's or
 * sighting's), not a kiosk's local row id, which differs at every door, so a blob cannot be moved to
 * another person or record on the hub or on the way. Each kiosk opens what it pulls and seals it
 * again with its own key and local row id; PostgreSQL only ever holds site-sealed blobs.
 */
import { DescriptorCipher, SEALED_OVERHEAD } from './crypto.ts';
import { KioskError } from '../errors.ts';

const sampleAad = (uid: string, kind: string, dim: number): Buffer => Buffer.from(`site-sample:v1\u0000${uid}\u0000${kind}\u0000${dim}`, 'utf8');
const cropAad = (uid: string, sourceKey: string): Buffer => Buffer.from(`site-crop:v1\u0000${uid}\u0000${sourceKey}`, 'utf8');
const evidenceAad = (owner: EvidenceOwnerKind, ownerUid: string): Buffer => Buffer.from(`site-evidence:v1\u0000${owner}\u0000${ownerUid}`, 'utf8');

/** What an evidence photo belongs to on the hub: a punch (by its uid) or a sighting (by its record id). */
export type EvidenceOwnerKind = 'punch' | 'sighting';

export function siteCipher(keyBase64: string): DescriptorCipher {
  return new DescriptorCipher(Buffer.from(keyBase64, 'base64'));
}

export function sealSiteSample(cipher: DescriptorCipher, uid: string, kind: string, descriptor: Float32Array): Buffer {
  return cipher.seal(new Uint8Array(descriptor.buffer, descriptor.byteOffset, descriptor.byteLength), sampleAad(uid, kind, descriptor.length));
}

export function openSiteSample(cipher: DescriptorCipher, uid: string, kind: string, dim: number, sealed: Uint8Array): Float32Array {
  if (sealed.byteLength !== dim * 4 + SEALED_OVERHEAD) throw badBlob(`sample of ${uid}`, 'length does not match its dimension');
  return cipher.open(sealed, sampleAad(uid, kind, dim), `site-sealed sample of person ${uid}`);
}

export function sealSiteCrop(cipher: DescriptorCipher, uid: string, sourceKey: string, jpeg: Buffer): Buffer {
  return cipher.seal(jpeg, cropAad(uid, sourceKey));
}

export function openSiteCrop(cipher: DescriptorCipher, uid: string, sourceKey: string, sealed: Uint8Array): Buffer {
  if (sealed.byteLength < SEALED_OVERHEAD) throw badBlob(`crop of ${uid}`, 'too short');
  const out = Buffer.alloc(sealed.byteLength - SEALED_OVERHEAD);
  if (!cipher.openInto(sealed, cropAad(uid, sourceKey), out, 0)) throw badBlob(`crop "${sourceKey}" of ${uid}`, 'wrong site key or altered');
  return out;
}

/** An evidence photo (JPEG), bound to the global id of its punch or sighting: it cannot be moved to another record. */
export function sealSiteEvidence(cipher: DescriptorCipher, owner: EvidenceOwnerKind, ownerUid: string, jpeg: Buffer): Buffer {
  return cipher.seal(jpeg, evidenceAad(owner, ownerUid));
}

export function openSiteEvidence(cipher: DescriptorCipher, owner: EvidenceOwnerKind, ownerUid: string, sealed: Uint8Array): Buffer {
  if (sealed.byteLength < SEALED_OVERHEAD) throw badBlob(`evidence photo of ${owner} ${ownerUid}`, 'too short');
  const out = Buffer.alloc(sealed.byteLength - SEALED_OVERHEAD);
  if (!cipher.openInto(sealed, evidenceAad(owner, ownerUid), out, 0)) throw badBlob(`evidence photo of ${owner} ${ownerUid}`, 'wrong site key or altered');
  return out;
}

/** Re-seals a sample for another uid (the hub merging a kiosk's uid into the person it already knew). */
export function resealSiteSample(cipher: DescriptorCipher, fromUid: string, toUid: string, kind: string, dim: number, sealed: Uint8Array): Buffer {
  const plain = openSiteSample(cipher, fromUid, kind, dim, sealed);
  try {
    return sealSiteSample(cipher, toUid, kind, plain);
  } finally {
    plain.fill(0);
  }
}

export function resealSiteCrop(cipher: DescriptorCipher, fromUid: string, toUid: string, sourceKey: string, sealed: Uint8Array): Buffer {
  const plain = openSiteCrop(cipher, fromUid, sourceKey, sealed);
  try {
    return sealSiteCrop(cipher, toUid, sourceKey, plain);
  } finally {
    plain.fill(0);
  }
}

function badBlob(what: string, why: string): KioskError {
  return new KioskError('DESCRIPTOR_INVALID', `cannot open the site-sealed ${what}: ${why}`, {
    hint: 'every hub process and kiosk must use the same site key (hub.siteKeyFile); re-join a kiosk that was paired with another hub',
  });
}
