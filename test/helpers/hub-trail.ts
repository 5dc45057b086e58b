/** Records on a test hub's trails as kiosks upload them: sightings and evidence photos (site-sealed JPEGs). */
import { randomUUID } from 'node:crypto';
import { encodeCropJpeg } from '../../src/model/align/crop-jpeg.ts';
import { sealSiteEvidence, type EvidenceOwnerKind } from '../../src/store/site-seal.ts';
import type { TestHub } from './hub.ts';

/** A small JPEG of one colour, distinct per seed, so a test can tell photos apart by their bytes. */
export function testJpeg(seed: number): Promise<Buffer> {
  const side = 24;
  const pixels = Buffer.alloc(side * side * 3);
  for (let i = 0; i < pixels.length; i += 3) pixels.set([(seed * 53) % 256, (seed * 97) % 256, (seed * 31) % 256], i);
  return encodeCropJpeg({ width: side, height: side, pixels });
}

/** Stores `jpeg` as the evidence photo of a punch or sighting, sealed with the hub's site key as a kiosk sends it. */
export async function addEvidence(hub: TestHub, owner: EvidenceOwnerKind, ownerId: string, kioskId: string, jpeg: Buffer): Promise<void> {
  const column = owner === 'punch' ? 'punch_id' : 'sighting_id';
  await hub.pool.query(`INSERT INTO hub_evidence (id, ${column}, kiosk_id, sealed, created_at, received_at) VALUES ($1, $2, $3, $4, $5, $5)`, [
    randomUUID(),
    ownerId,
    kioskId,
    sealSiteEvidence(hub.siteKey, owner, ownerId, jpeg),
    Date.now(),
  ]);
}

/** A sighting as a kiosk uploads it; returns its id. */
export async function addSighting(hub: TestHub, s: { kioskId: string; kind: 'unknown' | 'spoof'; ts: number; count?: number }): Promise<string> {
  const id = randomUUID();
  await hub.pool.query('INSERT INTO hub_sightings (id, kiosk_id, kind, ts, count, evidence, received_at) VALUES ($1, $2, $3, $4, $5, $6, $7)', [
    id,
    s.kioskId,
    s.kind,
    s.ts,
    s.count ?? 3,
    JSON.stringify({}),
    Date.now(),
  ]);
  return id;
}
