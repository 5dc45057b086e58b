import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { openStore } from '../../../src/store/store.ts';
import { exportPerson, findPerson, formatExport } from '../../../src/ops/export-person.ts';
import { isKioskError } from '../../../src/errors.ts';
import { descriptor, tempDir } from '../store/helpers.ts';

const NOW = Date.UTC(2024, 3, 1, 9, 0, 0);

function setup(t: { after(fn: () => void): void }) {
  const tmp = tempDir();
  t.after(tmp.cleanup);
  const store = openStore({ dataDir: tmp.dir }, { clock: () => NOW });
  t.after(() => store.close());
  const tam = store.people.upsert({ name: 'Tâm', employeeCode: 'E7' }, 'admin').person;
  const other = store.people.upsert({ name: 'Lan' }, 'admin').person;
  const d = [descriptor(8, 1), descriptor(8, 2)];
  // Tâm's first photo came with its aligned face crop (as the kiosk menu and `kiosk enroll` keep them), the second without.
  const crop = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from('tam face crop'), Buffer.from([0xff, 0xd9])]);
  store.people.addSamples(tam.id, d.map((v, i) => ({ descriptor: v, kind: 'faceres' as const, modelVersion: 'm1', quality: 0.7 + i / 10, sourceKey: `tam-${i}.jpg`, ...(i === 0 ? { crop } : {}) })), 'admin');
  store.people.addSamples(other.id, [{ descriptor: descriptor(8, 9), kind: 'faceres', modelVersion: 'm1', quality: 1, sourceKey: 'lan.jpg', crop: Buffer.from('lan face crop') }]);
  const p1 = store.attendance.record({ personId: tam.id, ts: NOW - 7_200_000, kioskId: 'gate', similarity: 0.9, evidence: {} }, 0);
  const p2 = store.attendance.record({ personId: tam.id, ts: NOW - 3_600_000, kioskId: 'gate', similarity: 0.88, evidence: {} }, 0);
  const photo = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from('tam punch photo'), Buffer.from([0xff, 0xd9])]);
  if (p2.logged) store.people.evidence.put({ kind: 'punch', id: p2.punchId }, photo, NOW);
  const lanPunch = store.attendance.record({ personId: other.id, ts: NOW - 3_600_000, kioskId: 'gate', similarity: 0.9, evidence: {} }, 0);
  if (!p1.logged || !p2.logged || !lanPunch.logged) throw new Error('setup');
  store.attendance.void(p1.punchId, 'double', 'admin');
  store.attendance.void(lanPunch.punchId, 'mistake', 'admin');
  store.attendance.addManual(tam.id, NOW - 60_000, 'admin', 'forgot');
  return { store, tam, other, d, crop, photo, photoPunch: p2.punchId };
}

describe('export-person', () => {
  test('holds the person, every punch, audit entries about them and their punches, and sample metadata without descriptors', (t) => {
    const { store, tam, crop, photo, photoPunch } = setup(t);
    const e = exportPerson(store, tam.id, { now: NOW, actor: 'cli:ops' });
    assert.deepEqual(e.evidencePhotos, [{ punchId: photoPunch }], 'the punch photo is listed, its image is not');
    assert.ok(!JSON.stringify(e).includes(photo.toString('base64')));
    assert.deepEqual(e.person, tam);
    assert.equal(e.exportedAt, NOW);
    assert.equal(e.punches.length, 3);
    assert.deepEqual(e.punches.map((p) => p.ts), [NOW - 7_200_000, NOW - 3_600_000, NOW - 60_000]);
    assert.ok(e.punches[0]?.voidedAt !== null);
    assert.deepEqual(e.audit.map((a) => a.action).sort(), ['person.create', 'punch.manual', 'punch.void', 'samples.add']);
    assert.ok(e.audit.every((a) => a.target === `person:${tam.id}` || a.details['personId'] === tam.id), 'only entries about this person');
    assert.deepEqual(e.samples.map((s) => [s.sourceKey, s.dim, s.encrypted]), [['tam-0.jpg', 8, true], ['tam-1.jpg', 8, true]]);
    for (const s of e.samples) assert.equal('descriptor' in s, false);
    assert.deepEqual(e.crops, [{ sourceKey: 'tam-0.jpg', createdAt: NOW }], 'the crop is listed, its image is not');
    const json = JSON.stringify(e);
    assert.ok(!json.includes('"descriptor"'), 'no descriptor field anywhere');
    assert.ok(!json.includes('jpegBase64') && !json.includes(crop.toString('base64')), 'no crop image anywhere');
    assert.match(formatExport(e), /Tâm \(id \d+, code E7\)[\s\S]*face crops: 1\n[\s\S]*punches: 3[\s\S]*audit entries: 4/);
    assert.deepEqual(exportPerson(store, tam.id, { now: NOW, actor: 'cli:ops' }).audit.map((a) => a.action).filter((a) => a === 'person.export'), ['person.export'], 'the next export lists the first');
  });

  test('--include-descriptors adds the decrypted vectors and the decrypted crop images', (t) => {
    const { store, tam, d, crop, photo, photoPunch } = setup(t);
    const sealed = store.db.prepare<[number], { image: Buffer; sealed: number }>('SELECT image, sealed FROM face_crops WHERE person_id = ?').get(tam.id);
    assert.equal(sealed?.sealed, 1, 'stored encrypted');
    const e = exportPerson(store, tam.id, { now: NOW, includeDescriptors: true, actor: 'cli:ops' });
    assert.deepEqual(e.samples.map((s) => s.descriptor), d.map((v) => Array.from(v)));
    const exported = store.audit.list({ target: `person:${tam.id}` }).filter((a) => a.action === 'person.export');
    assert.deepEqual(exported.map((a) => [a.actor, a.details]), [['cli:ops', { includeDescriptors: true, punches: 3, samples: 2 }]], 'taking the data out, decrypted, is audited');
    assert.deepEqual(e.crops, [{ sourceKey: 'tam-0.jpg', createdAt: NOW, jpegBase64: crop.toString('base64') }]);
    assert.deepEqual(Buffer.from(e.crops[0]!.jpegBase64!, 'base64'), crop, 'the JPEG as stored');
    assert.match(formatExport(e), /face crops: 1 \(images included\)/);
    assert.deepEqual(e.evidencePhotos, [{ punchId: photoPunch, jpegBase64: photo.toString('base64') }]);
    assert.match(formatExport(e), /evidence photos: 1 \(images included\)/);
  });

  test('after erasure the export holds no crops', (t) => {
    const { store, tam } = setup(t);
    store.people.remove(tam.id, 'admin');
    const e = exportPerson(store, tam.id, { now: NOW, includeDescriptors: true, actor: 'cli:ops' });
    assert.equal(e.person.active, false, 'kept for the punches');
    assert.deepEqual([e.samples, e.crops, e.evidencePhotos], [[], [], []]);
  });

  test('finds a person by id, employee code or exact name, and explains ambiguity and absence', (t) => {
    const { store, tam } = setup(t);
    assert.equal(findPerson(store, String(tam.id)).id, tam.id);
    assert.equal(findPerson(store, 'E7').id, tam.id);
    assert.equal(findPerson(store, 'Tâm'.normalize('NFD')).id, tam.id);
    store.people.upsert({ name: 'Tâm', employeeCode: 'E8' });
    assert.throws(() => findPerson(store, 'Tâm'), (err: unknown) => isKioskError(err) && err.code === 'USAGE' && /2 people are named/.test(err.message));
    assert.throws(() => findPerson(store, 'Nobody'), (err: unknown) => isKioskError(err) && /no person "Nobody"/.test(err.message));
  });
});
