import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeCropJpeg } from '../../../src/model/align/crop-jpeg.ts';
import { DescriptorCipher } from '../../../src/store/crypto.ts';
import { PeopleRepo } from '../../../src/store/people-repo.ts';
import { openStore, recordKeyId, type Store } from '../../../src/store/store.ts';
import type { SampleInput } from '../../../src/store/types.ts';
import { isKioskError } from '../../../src/errors.ts';
import { descriptor, fakeClock, tempDir } from './helpers.ts';

const DIM = 8;
const clock = fakeClock();

function open(t: { after(fn: () => void): void }, opts: { encrypt?: boolean } = {}): Store {
  const tmp = tempDir();
  t.after(tmp.cleanup);
  const store = openStore({ dataDir: tmp.dir, encryptDescriptors: opts.encrypt ?? true }, { clock: clock.now });
  t.after(() => store.close());
  return store;
}

/** A real aligned-crop JPEG whose content depends on `seed`. */
async function jpeg(seed: number): Promise<Buffer> {
  const pixels = Buffer.alloc(112 * 112 * 3);
  for (let i = 0; i < pixels.length; i++) pixels[i] = (i * (seed + 3) + seed * 17) % 251;
  return encodeCropJpeg({ width: 112, height: 112, pixels });
}

function sample(seed: number, sourceKey: string, over: Partial<SampleInput> = {}): SampleInput {
  return { descriptor: descriptor(DIM, seed), kind: 'fused', modelVersion: 'fused-1', quality: 0.8, sourceKey, ...over };
}

function rawCrop(store: Store, personId: number, sourceKey: string): { image: Buffer; sealed: number } | undefined {
  return store.db.prepare<[number, string], { image: Buffer; sealed: number }>('SELECT image, sealed FROM face_crops WHERE person_id = ? AND source_key = ?').get(personId, sourceKey);
}

const decryptRefused = (err: unknown): boolean => isKioskError(err) && /cannot decrypt/.test(err.message);

describe('face crops: storage', () => {
  test('a crop stored with addSamples is sealed under the key and reads back equal', async (t) => {
    const store = open(t);
    const crop = await jpeg(1);
    assert.deepEqual([...crop.subarray(0, 2)], [0xff, 0xd8], 'a JPEG');
    const p = store.people.upsert({ name: 'Lan' }).person.id;
    store.people.addSamples(p, [sample(1, 'kiosk:s:0', { crop })]);
    const raw = rawCrop(store, p, 'kiosk:s:0');
    assert.ok(raw);
    assert.equal(raw.sealed, 1);
    assert.equal(raw.image.includes(crop), false, 'the stored BLOB does not contain the JPEG');
    assert.equal(raw.image.includes(crop.subarray(0, 64)), false, 'not even its header');
    assert.deepEqual(store.people.crops.get(p, 'kiosk:s:0'), crop);
    assert.deepEqual(store.people.crops.ofPerson(p), [{ personId: p, sourceKey: 'kiosk:s:0', createdAt: clock.now() }]);
    assert.equal(store.people.crops.get(p, 'other'), null, 'a photo without a crop');
  });

  test('with encryption off the crop is kept as given', async (t) => {
    const store = open(t, { encrypt: false });
    const crop = await jpeg(2);
    const p = store.people.upsert({ name: 'Lan' }).person.id;
    store.people.addSamples(p, [sample(1, 'a.jpg', { crop })]);
    assert.deepEqual(rawCrop(store, p, 'a.jpg'), { image: crop, sealed: 0 });
    assert.deepEqual(store.people.crops.get(p, 'a.jpg'), crop);
  });

  test('a sample without a crop stores none; re-adding a photo replaces its crop', async (t) => {
    const store = open(t);
    const p = store.people.upsert({ name: 'Lan' }).person.id;
    store.people.addSamples(p, [sample(1, 'a.jpg')]);
    assert.deepEqual(store.people.crops.ofPerson(p), []);
    const second = await jpeg(5);
    store.people.addSamples(p, [sample(1, 'a.jpg', { crop: second })]);
    assert.deepEqual(store.people.crops.get(p, 'a.jpg'), second);
  });

  test('a sealed crop moved to another person or photo does not open', async (t) => {
    const store = open(t);
    const crop = await jpeg(3);
    const lan = store.people.upsert({ name: 'Lan' }).person.id;
    const an = store.people.upsert({ name: 'An' }).person.id;
    store.people.addSamples(lan, [sample(1, 'lan.jpg', { crop })]);
    store.db.prepare('UPDATE face_crops SET person_id = ? WHERE person_id = ?').run(an, lan);
    assert.throws(() => store.people.crops.get(an, 'lan.jpg'), decryptRefused, 'moved to another person');
    store.db.prepare('UPDATE face_crops SET person_id = ?, source_key = ? WHERE person_id = ?').run(lan, 'other.jpg', an);
    assert.throws(() => store.people.crops.get(lan, 'other.jpg'), decryptRefused, 'moved to another photo of the same person');
    store.db.prepare('UPDATE face_crops SET source_key = ? WHERE person_id = ?').run('lan.jpg', lan);
    assert.deepEqual(store.people.crops.get(lan, 'lan.jpg'), crop, 'back in place it opens again');
  });

  test('a sealed crop cannot be opened without the key or with another one', async (t) => {
    const store = open(t);
    const crop = await jpeg(4);
    const p = store.people.upsert({ name: 'Lan' }).person.id;
    store.people.addSamples(p, [sample(1, 'a.jpg', { crop })]);
    assert.throws(() => new PeopleRepo(store.db).crops.get(p, 'a.jpg'), (err: unknown) => isKioskError(err) && /encrypted but no key/.test(err.message));
    assert.throws(() => new PeopleRepo(store.db, { cipher: DescriptorCipher.generate() }).crops.get(p, 'a.jpg'), decryptRefused);
  });
});

describe('face crops: what is missing', () => {
  test('missing(kind, version) lists active people\'s crops without a sample of that version', async (t) => {
    const store = open(t);
    const [lan, an, binh, old] = ['Lan', 'An', 'Bình', 'Cũ'].map((name) => store.people.upsert({ name }).person.id) as [number, number, number, number];
    store.people.addSamples(lan, [sample(1, 'lan-0', { crop: await jpeg(10) }), sample(2, 'lan-1', { crop: await jpeg(11) })]);
    store.people.addSamples(an, [sample(3, 'an-0', { crop: await jpeg(12) })]);
    store.people.addSamples(binh, [sample(4, 'binh-0')]); // no crop: nothing to re-embed from
    store.people.addSamples(old, [sample(5, 'old-0', { crop: await jpeg(13) })]);
    store.db.prepare('UPDATE people SET active = 0 WHERE id = ?').run(old);

    const keys = (): string[] => store.people.crops.missing('arcface', 'v2').map((c) => c.sourceKey);
    assert.deepEqual(keys(), ['lan-0', 'lan-1', 'an-0'], 'the inactive person\'s crop is ignored');
    const arc = (seed: number, sourceKey: string, modelVersion = 'v2'): SampleInput => ({ ...sample(seed, sourceKey), descriptor: descriptor(16, seed), kind: 'arcface', modelVersion, beside: true });
    store.people.addSamples(lan, [arc(1, 'lan-0')]);
    assert.deepEqual(keys(), ['lan-1', 'an-0']);
    store.people.addSamples(an, [arc(3, 'an-0', 'v1')]);
    assert.deepEqual(keys(), ['lan-1', 'an-0'], 'another version of the kind does not count');
    assert.deepEqual(store.people.crops.missing('arcface', 'v1').map((c) => c.sourceKey), ['lan-0', 'lan-1']);
    assert.deepEqual(store.people.crops.missing('fused', 'fused-1'), [], 'every crop has its fused sample');
    assert.equal(store.people.countSamples({ personId: lan, kind: 'fused' }), 2, 'the fused samples were kept beside the new ones');
  });

  test('peopleWithoutCrops: active people with samples but no crop (they must enroll again)', async (t) => {
    const store = open(t);
    const [lan, an, binh, chi] = ['Lan', 'An', 'Bình', 'Chi'].map((name) => store.people.upsert({ name }).person.id) as [number, number, number, number];
    store.people.addSamples(lan, [sample(1, 'lan-0', { crop: await jpeg(1) })]);
    store.people.addSamples(an, [sample(2, 'an-0')]);
    store.people.addSamples(binh, [sample(3, 'binh-0'), sample(4, 'binh-1', { crop: await jpeg(2) })]);
    store.people.addSamples(chi, [sample(5, 'chi-0')]);
    store.db.prepare('UPDATE people SET active = 0 WHERE id = ?').run(chi);
    store.people.upsert({ name: 'Dũng' }); // no samples at all: nothing to re-embed, nothing to redo
    assert.deepEqual(store.people.crops.peopleWithoutCrops(), [{ id: an, name: 'An' }]);
  });
});

describe('face crops: erase and re-key', () => {
  test('remove deletes the crops, also when the person is kept inactive for their punches', async (t) => {
    const store = open(t);
    const lan = store.people.upsert({ name: 'Lan' }).person.id;
    const an = store.people.upsert({ name: 'An' }).person.id;
    store.people.addSamples(lan, [sample(1, 'lan-0', { crop: await jpeg(1) }), sample(2, 'lan-1', { crop: await jpeg(2) })]);
    store.people.addSamples(an, [sample(3, 'an-0', { crop: await jpeg(3) })]);
    assert.ok(store.attendance.record({ personId: an, ts: clock.now(), kioskId: 'k', similarity: 0.9, evidence: {} }, 0).logged);
    const count = (p: number): number => store.db.prepare<[number], { n: number }>('SELECT count(*) AS n FROM face_crops WHERE person_id = ?').get(p)!.n;
    assert.deepEqual([count(lan), count(an)], [2, 1]);

    assert.deepEqual(store.people.remove(lan), { removed: true, mode: 'deleted', samplesDeleted: 2 });
    assert.equal(count(lan), 0);
    const kept = store.people.remove(an);
    assert.equal(kept.removed && kept.mode, 'deactivated');
    assert.equal(store.people.get(an)?.active, false, 'kept for attendance history');
    assert.equal(count(an), 0, 'but its face crops are gone');
    assert.deepEqual(store.people.crops.ofPerson(an), []);
  });

  test('rekey re-seals crops: they open under the new key and no longer under the old one', async (t) => {
    const store = open(t);
    const crops = [await jpeg(1), await jpeg(2)];
    const p = store.people.upsert({ name: 'Lan' }).person.id;
    store.people.addSamples(p, crops.map((crop, i) => sample(i, `p-${i}`, { crop })));
    const old = store.cipher!;
    const before = rawCrop(store, p, 'p-0')!.image;
    const next = DescriptorCipher.generate();
    store.people.rekey(next, () => recordKeyId(store.db, next.keyId));
    const after = rawCrop(store, p, 'p-0')!;
    assert.equal(after.sealed, 1);
    assert.notDeepEqual(after.image, before, 're-encrypted');
    assert.deepEqual([store.people.crops.get(p, 'p-0'), store.people.crops.get(p, 'p-1')], crops);
    assert.deepEqual(new PeopleRepo(store.db, { cipher: next }).crops.get(p, 'p-1'), crops[1]);
    assert.throws(() => new PeopleRepo(store.db, { cipher: old }).crops.get(p, 'p-0'), decryptRefused);
  });

  test('rekey seals crops that were stored in clear', async (t) => {
    const store = open(t, { encrypt: false });
    const crop = await jpeg(7);
    const p = store.people.upsert({ name: 'Lan' }).person.id;
    store.people.addSamples(p, [sample(1, 'a', { crop })]);
    const next = DescriptorCipher.generate();
    store.people.rekey(next);
    const raw = rawCrop(store, p, 'a')!;
    assert.equal(raw.sealed, 1);
    assert.equal(raw.image.includes(crop), false);
    assert.deepEqual(store.people.crops.get(p, 'a'), crop);
  });
});

describe('gallery generations', () => {
  const arc = (seed: number, sourceKey: string, modelVersion: string): SampleInput => ({ descriptor: descriptor(16, seed), kind: 'arcface', modelVersion, quality: 0.8, sourceKey, beside: true });

  test('nothing enrolled: no active generation', (t) => {
    assert.equal(open(t).generations.active(), null);
  });

  test('a database from before generations: the kind and version most people have', async (t) => {
    const store = open(t);
    const [lan, an, binh] = ['Lan', 'An', 'Bình'].map((name) => store.people.upsert({ name }).person.id) as [number, number, number];
    store.people.addSamples(lan, [sample(1, 'lan-0'), sample(2, 'lan-1')]);
    store.people.addSamples(an, [sample(3, 'an-0')]);
    store.people.addSamples(binh, [{ ...sample(4, 'b-0'), kind: 'faceres', modelVersion: 'faceres-1' }, { ...sample(5, 'b-1'), kind: 'faceres', modelVersion: 'faceres-1' }, { ...sample(6, 'b-2'), kind: 'faceres', modelVersion: 'faceres-1' }]);
    assert.deepEqual(store.generations.active(), { kind: 'fused', modelVersion: 'fused-1', options: '', activatedAt: 0, actor: '' }, 'two people beat one person\'s three samples');
    assert.equal(store.generations.active({ kind: 'fused', modelVersion: 'fused-1' })?.kind, 'faceres', 'excluding a set infers from the rest');
  });

  test('activate refuses while a crop lacks the new version, then switches atomically with an audit entry', async (t) => {
    const store = open(t);
    const lan = store.people.upsert({ name: 'Lan' }).person.id;
    const an = store.people.upsert({ name: 'An' }).person.id;
    store.people.addSamples(lan, [sample(1, 'lan-0', { crop: await jpeg(1) }), sample(2, 'lan-1', { crop: await jpeg(2) })]);
    store.people.addSamples(an, [sample(3, 'an-0', { crop: await jpeg(3) })]);
    // A run killed part-way left arcface samples of as many people as the fused set has: the tie
    // goes to the older set, and activation must still name fused as the previous one.
    clock.advance(60_000);
    store.people.addSamples(lan, [arc(1, 'lan-0', 'v2')]);
    store.people.addSamples(an, [arc(3, 'an-0', 'v2')]);
    const audits = (): string[] => store.audit.list().filter((a) => a.action === 'gallery.activate').map((a) => a.target);

    assert.throws(
      () => store.generations.activate('arcface', 'v2', '{"kind":"arcface"}', clock.now(), 'cli'),
      (err: unknown) => isKioskError(err) && err.code === 'STORE_FAILED' && /1 enrollment photos have no arcface descriptor/.test(err.message) && err.context?.['missing'] === 1,
    );
    assert.equal(store.db.prepare<[], { n: number }>('SELECT count(*) AS n FROM gallery_generations').get()!.n, 0, 'no row written');
    assert.deepEqual(audits(), [], 'nothing audited');
    assert.equal(store.generations.active()?.kind, 'fused');

    store.people.addSamples(lan, [arc(2, 'lan-1', 'v2')]);
    clock.advance(1000);
    store.generations.activate('arcface', 'v2', '{"kind":"arcface"}', clock.now(), 'cli');
    assert.deepEqual(store.generations.active(), { kind: 'arcface', modelVersion: 'v2', options: '{"kind":"arcface"}', activatedAt: clock.now(), actor: 'cli' });
    const [entry] = store.audit.list().filter((a) => a.action === 'gallery.activate');
    assert.deepEqual({ actor: entry?.actor, target: entry?.target, details: entry?.details }, { actor: 'cli', target: 'descriptor:arcface', details: { modelVersion: 'v2', previousKind: 'fused', previousVersion: 'fused-1' } });

    // The next switch names the recorded generation as the previous one.
    for (const [p, key, seed] of [[lan, 'lan-0', 1], [lan, 'lan-1', 2], [an, 'an-0', 3]] as const) store.people.addSamples(p, [arc(seed + 10, key, 'v3')]);
    clock.advance(1000);
    store.generations.activate('arcface', 'v3', '{"kind":"arcface","v":3}', clock.now(), 'system');
    assert.equal(store.generations.active()?.modelVersion, 'v3');
    const latest = store.audit.list().find((a) => a.action === 'gallery.activate');
    assert.deepEqual(latest?.details, { modelVersion: 'v3', previousKind: 'arcface', previousVersion: 'v2' });
    assert.deepEqual(audits(), ['descriptor:arcface', 'descriptor:arcface']);
    assert.equal(store.people.loadGallery('fused', 'fused-1').people.length, 2, 'the old set is kept, not deleted');
  });

  test('people without crops do not block a switch (they are listed for re-enrolment instead)', async (t) => {
    const store = open(t);
    const lan = store.people.upsert({ name: 'Lan' }).person.id;
    const an = store.people.upsert({ name: 'An' }).person.id;
    store.people.addSamples(lan, [sample(1, 'lan-0', { crop: await jpeg(1) })]);
    store.people.addSamples(an, [sample(2, 'an-0')]);
    store.people.addSamples(lan, [arc(1, 'lan-0', 'v2')]);
    store.generations.activate('arcface', 'v2', '{}', clock.now(), 'cli');
    assert.equal(store.generations.active()?.modelVersion, 'v2');
    assert.deepEqual(store.people.crops.peopleWithoutCrops(), [{ id: an, name: 'An' }]);
  });

  test('adopt records the configured descriptor without an audit entry (first run)', (t) => {
    const store = open(t);
    store.generations.adopt('arcface', 'v2', '{}', clock.now(), 'system');
    assert.equal(store.generations.active()?.modelVersion, 'v2');
    assert.deepEqual(store.audit.list().filter((a) => a.action === 'gallery.activate'), []);
  });
});
