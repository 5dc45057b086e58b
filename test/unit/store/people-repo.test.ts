import { test, describe, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { PeopleRepo } from '../../../src/store/people-repo.ts';
import { AttendanceRepo } from '../../../src/store/attendance-repo.ts';
import { AuditRepo } from '../../../src/store/audit-repo.ts';
import { defaultStoreOptions } from '../../../src/store/options.ts';
import type { Db } from '../../../src/store/db.ts';
import type { SampleInput } from '../../../src/store/types.ts';
import { isKioskError, type ErrorCode } from '../../../src/errors.ts';
import { descriptor, fakeClock, freshDb } from './helpers.ts';

const DIM = 8;

function sample(seed: number, sourceKey: string, over: Partial<SampleInput> = {}): SampleInput {
  return { descriptor: descriptor(DIM, seed), kind: 'faceres', modelVersion: 'faceres-1', quality: 0.9, sourceKey, ...over };
}

function isCode(code: ErrorCode, pattern?: RegExp) {
  return (err: unknown): boolean => isKioskError(err) && err.code === code && (pattern === undefined || pattern.test(err.message));
}

let env: ReturnType<typeof freshDb>;
let db: Db;
let repo: PeopleRepo;
const clock = fakeClock();

beforeEach(() => {
  env = freshDb();
  db = env.db;
  repo = new PeopleRepo(db, { clock: clock.now });
});
afterEach(() => env.done());

describe('PeopleRepo.upsert', () => {
  test('stores names in NFC and finds the same person whatever the input form', () => {
    const nfd = 'Nguyễn Thị Thảo Tâm'.normalize('NFD');
    const a = repo.upsert({ name: nfd });
    assert.equal(a.created, true);
    assert.equal(a.person.name, 'Nguyễn Thị Thảo Tâm'.normalize('NFC'));
    const stored = db.prepare<[number], { name: string; name_search: string }>('SELECT name, name_search FROM people WHERE id = ?').get(a.person.id);
    assert.equal(stored?.name, stored?.name.normalize('NFC'));
    assert.equal(stored?.name_search, 'nguyen thi thao tam');
    const b = repo.upsert({ name: '  Nguyễn Thị Thảo Tâm '.normalize('NFC') });
    assert.equal(b.created, false);
    assert.equal(b.person.id, a.person.id);
  });

  test('matches by employee code and renames', () => {
    const a = repo.upsert({ name: 'Tam', employeeCode: 'E01' });
    const b = repo.upsert({ name: 'Tâm', employeeCode: 'E01' });
    assert.equal(b.created, false);
    assert.equal(b.person.id, a.person.id);
    assert.equal(b.person.name, 'Tâm');
  });

  test('attaches a code to the code-less person of that name; same name with another code is someone else', () => {
    const a = repo.upsert({ name: 'Lan' });
    const withCode = repo.upsert({ name: 'Lan', employeeCode: 'E7' });
    assert.equal(withCode.person.id, a.person.id);
    assert.equal(withCode.person.employeeCode, 'E7');
    const other = repo.upsert({ name: 'Lan', employeeCode: 'E8' });
    assert.equal(other.created, true);
    assert.notEqual(other.person.id, a.person.id);
    assert.throws(() => repo.upsert({ name: 'Lan' }), isCode('USAGE', /2 people are named/));
  });

  test('rejects an empty name and audits creation', () => {
    assert.throws(() => repo.upsert({ name: '   ' }), isCode('USAGE'));
    const { person } = repo.upsert({ name: 'Hoa' }, 'admin');
    const audit = new AuditRepo(db, defaultStoreOptions).list({ target: `person:${person.id}` });
    assert.equal(audit.length, 1);
    assert.equal(audit[0]?.action, 'person.create');
    assert.equal(audit[0]?.actor, 'admin');
  });
});

describe('PeopleRepo.list', () => {
  test('accent- and case-free search', () => {
    repo.upsert({ name: 'Nguyễn Thị Thảo Tâm' });
    repo.upsert({ name: 'Trần Văn Đức' });
    repo.upsert({ name: 'Lê Hoàng' });
    assert.deepEqual(
      repo.list({ search: 'nguyen thi thao tam' }).map((p) => p.name),
      ['Nguyễn Thị Thảo Tâm'],
    );
    assert.deepEqual(
      repo.list({ search: 'DUC' }).map((p) => p.name),
      ['Trần Văn Đức'],
    );
    assert.deepEqual(
      repo.list({ search: 'Thảo' }).map((p) => p.name),
      ['Nguyễn Thị Thảo Tâm'],
    );
    assert.deepEqual(repo.list({ search: '%' }), []);
  });

  test('finds by exact employee code', () => {
    repo.upsert({ name: 'Mai', employeeCode: 'NV-042' });
    assert.deepEqual(
      repo.list({ search: 'NV-042' }).map((p) => p.name),
      ['Mai'],
    );
  });

  test('sorts in Vietnamese alphabetical order', () => {
    const names = ['Đức', 'Út', 'Ăn', 'Em', 'Dũng', 'Ân', 'Ưng', 'Anh', 'Ơn', 'Ông', 'Az', 'Oanh', 'Uyên'];
    for (const name of names) repo.upsert({ name });
    assert.deepEqual(
      repo.list().map((p) => p.name),
      ['Anh', 'Az', 'Ăn', 'Ân', 'Dũng', 'Đức', 'Em', 'Oanh', 'Ông', 'Ơn', 'Út', 'Uyên', 'Ưng'],
    );
  });

  test('reports sample counts', () => {
    const { person } = repo.upsert({ name: 'Bình' });
    repo.addSamples(person.id, [sample(1, 'a.jpg#1'), sample(2, 'b.jpg#2')]);
    assert.equal(repo.list()[0]?.sampleCount, 2);
  });
});

describe('PeopleRepo.remove', () => {
  test('deletes a person without punches, with their samples, and audits', () => {
    const { person } = repo.upsert({ name: 'Cúc' });
    repo.addSamples(person.id, [sample(1, 'a'), sample(2, 'b')]);
    const res = repo.remove(person.id, 'admin');
    assert.deepEqual(res, { removed: true, mode: 'deleted', samplesDeleted: 2 });
    assert.equal(repo.get(person.id), null);
    assert.equal(repo.countSamples(), 0);
    const audit = new AuditRepo(db, defaultStoreOptions).list({ target: `person:${person.id}` });
    assert.equal(audit[0]?.action, 'person.remove');
    assert.equal(audit[0]?.details['samplesDeleted'], 2);
    assert.deepEqual(repo.remove(person.id), { removed: false, reason: 'not-found' });
  });

  test('keeps a person with punches as inactive, out of list and gallery; upsert reactivates', () => {
    const { person } = repo.upsert({ name: 'Dung' });
    repo.addSamples(person.id, [sample(1, 'a')]);
    new AttendanceRepo(db).record({ personId: person.id, ts: clock.now(), kioskId: 'k', similarity: 0.8, evidence: {} });
    assert.deepEqual(repo.remove(person.id), { removed: true, mode: 'deactivated', samplesDeleted: 1 });
    assert.equal(repo.get(person.id)?.active, false);
    assert.deepEqual(repo.list(), []);
    assert.equal(repo.list({ includeInactive: true }).length, 1);
    assert.equal(repo.loadGallery('faceres').people.length, 0);
    const again = repo.upsert({ name: 'Dung' });
    assert.equal(again.person.id, person.id);
    assert.equal(again.person.active, true);
  });
});

describe('PeopleRepo.addSamples', () => {
  test('is idempotent per (person, sourceKey, kind)', () => {
    const { person } = repo.upsert({ name: 'Hà' });
    const batch = [sample(1, 'ha/1.jpg#aa'), sample(2, 'ha/2.jpg#bb')];
    assert.deepEqual(repo.addSamples(person.id, batch), { added: 2, skipped: 0, replaced: 0 });
    assert.deepEqual(repo.addSamples(person.id, batch), { added: 0, skipped: 2, replaced: 0 });
    // Same photo, another descriptor kind: a new sample.
    assert.deepEqual(repo.addSamples(person.id, [sample(1, 'ha/1.jpg#aa', { kind: 'dlib128' })]), { added: 1, skipped: 0, replaced: 0 });
    assert.equal(repo.countSamples({ personId: person.id }), 3);
    assert.equal(repo.countSamples({ kind: 'faceres' }), 2);
  });

  test('does not depend on the caller keeping its array: stored bytes are a copy of the view', () => {
    const { person } = repo.upsert({ name: 'Khoa' });
    const big = new Float32Array(DIM * 3);
    big.set(descriptor(DIM, 7), DIM);
    const view = big.subarray(DIM, 2 * DIM);
    repo.addSamples(person.id, [sample(0, 'view', { descriptor: view })]);
    big.fill(0);
    assert.deepEqual(Array.from(repo.loadGallery('faceres').descriptors), Array.from(descriptor(DIM, 7)));
  });

  test('rejects NaN, Infinity, empty and wrong-length descriptors, naming the sample, and stores nothing', () => {
    const { person } = repo.upsert({ name: 'Long' });
    repo.addSamples(person.id, [sample(1, 'ok')]);
    const nan = descriptor(DIM, 2);
    nan[3] = Number.NaN;
    const inf = descriptor(DIM, 3);
    inf[0] = Number.POSITIVE_INFINITY;
    const bad: [string, SampleInput][] = [
      ['nan', sample(0, 'nan.jpg', { descriptor: nan })],
      ['inf', sample(0, 'inf.jpg', { descriptor: inf })],
      ['empty', sample(0, 'empty.jpg', { descriptor: new Float32Array(0) })],
      ['short', sample(0, 'short.jpg', { descriptor: descriptor(DIM - 1, 4) })],
    ];
    for (const [label, s] of bad) {
      assert.throws(
        () => repo.addSamples(person.id, [sample(9, `fine-${label}`), s]),
        (err: unknown) => isKioskError(err) && err.code === 'DESCRIPTOR_INVALID' && err.message.includes(s.sourceKey),
        label,
      );
    }
    assert.equal(repo.countSamples(), 1, 'a rejected batch stores none of its samples');
  });

  test('rejects dimensions inconsistent within one batch, and an unknown person', () => {
    const { person } = repo.upsert({ name: 'Minh' });
    assert.throws(() => repo.addSamples(person.id, [sample(1, 'a'), sample(2, 'b', { descriptor: descriptor(4, 1) })]), isCode('DESCRIPTOR_INVALID', /"b"/));
    assert.throws(() => repo.addSamples(person.id + 100, [sample(1, 'a')]), isCode('USAGE'));
    assert.throws(() => repo.addSamples(person.id, [sample(1, 'q', { quality: Number.NaN })]), isCode('DESCRIPTOR_INVALID', /"q"/));
  });

  test('re-enrolling a photo under a new model version replaces its descriptor, which may change dimension', () => {
    const { person } = repo.upsert({ name: 'Nga' });
    repo.addSamples(person.id, [sample(1, 'a'), sample(2, 'b')]);
    const upgraded = [sample(5, 'a', { modelVersion: 'faceres-2', descriptor: descriptor(4, 5) })];
    assert.deepEqual(repo.addSamples(person.id, upgraded), { added: 0, skipped: 0, replaced: 1 });
    assert.deepEqual(repo.addSamples(person.id, upgraded), { added: 0, skipped: 1, replaced: 0 });
    assert.equal(repo.countSamples({ personId: person.id }), 2);
    const g = repo.loadGallery('faceres', 'faceres-2');
    assert.equal(g.dim, 4);
    assert.deepEqual(Array.from(g.descriptors), Array.from(descriptor(4, 5)));
  });
});

describe('PeopleRepo.loadGallery', () => {
  test('lays samples out contiguously with the right person index', () => {
    const people = ['Quân', 'Ánh', 'Bảo'].map((name) => repo.upsert({ name }).person);
    const [q, a, b] = people as [(typeof people)[0], (typeof people)[0], (typeof people)[0]];
    // Interleave insertions so storage order is not person order.
    repo.addSamples(a.id, [sample(10, 'a1')]);
    repo.addSamples(q.id, [sample(20, 'q1'), sample(21, 'q2')]);
    repo.addSamples(a.id, [sample(11, 'a2')]);
    repo.addSamples(b.id, [sample(30, 'b1', { kind: 'dlib128' })]); // other kind: not in the faceres gallery

    const g = repo.loadGallery('faceres');
    assert.equal(g.dim, DIM);
    assert.equal(g.kind, 'faceres');
    assert.deepEqual(g.modelVersions, ['faceres-1']);
    assert.deepEqual(
      g.people.map((p) => p.name),
      ['Quân', 'Ánh'],
    );
    assert.equal(g.personIndex.length, 4);
    assert.equal(g.descriptors.length, 4 * DIM);
    const seedsByPerson = new Map<string, number[]>();
    for (let row = 0; row < g.personIndex.length; row++) {
      const name = g.people[g.personIndex[row]!]!.name;
      const first = g.descriptors[row * DIM]!;
      // Each row is exactly the descriptor that was stored for that person.
      assert.deepEqual(Array.from(g.descriptors.subarray(row * DIM, (row + 1) * DIM)), Array.from(descriptor(DIM, first)));
      seedsByPerson.set(name, [...(seedsByPerson.get(name) ?? []), first]);
    }
    assert.deepEqual(seedsByPerson.get('Quân'), [20, 21]);
    assert.deepEqual(seedsByPerson.get('Ánh'), [10, 11]);

    const dlib = repo.loadGallery('dlib128');
    assert.deepEqual(dlib.people, [{ id: b.id, name: 'Bảo' }]);
    assert.deepEqual(Array.from(dlib.personIndex), [0]);
  });

  test('an empty gallery is a value, not an error', () => {
    const g = repo.loadGallery('fused');
    assert.deepEqual(g.people, []);
    assert.equal(g.personIndex.length, 0);
    assert.equal(g.descriptors.length, 0);
    assert.equal(g.dim, 0);
  });

  test('filters by model version, and refuses to mix dimensions across versions', () => {
    const { person } = repo.upsert({ name: 'Phúc' });
    repo.addSamples(person.id, [sample(1, 'a'), sample(2, 'b', { modelVersion: 'faceres-2', descriptor: descriptor(4, 2) })]);
    assert.equal(repo.loadGallery('faceres', 'faceres-2').dim, 4);
    assert.equal(repo.loadGallery('faceres', 'faceres-1').personIndex.length, 1);
    assert.throws(() => repo.loadGallery('faceres'), isCode('GALLERY_MODEL_MISMATCH'));
  });

  test('reports every model version present when they share a dimension', () => {
    const { person } = repo.upsert({ name: 'Sơn' });
    repo.addSamples(person.id, [sample(1, 'a'), sample(2, 'b', { modelVersion: 'faceres-0' })]);
    assert.deepEqual(repo.loadGallery('faceres').modelVersions, ['faceres-0', 'faceres-1']);
  });

  test('a stored NaN or wrong-length blob raises DESCRIPTOR_INVALID naming the sample', () => {
    const { person } = repo.upsert({ name: 'Thu' });
    repo.addSamples(person.id, [sample(1, 'a'), sample(2, 'b'), sample(3, 'c')]);
    const ids = db.prepare<[], { id: number }>('SELECT id FROM face_samples ORDER BY id').all().map((r) => r.id);

    const nan = descriptor(DIM, 2);
    nan[5] = Number.NaN;
    db.prepare('UPDATE face_samples SET descriptor = ? WHERE id = ?').run(Buffer.from(nan.buffer), ids[1]);
    assert.throws(() => repo.loadGallery('faceres'), isCode('DESCRIPTOR_INVALID', new RegExp(`sample ${ids[1]} `)));

    db.prepare('UPDATE face_samples SET descriptor = ? WHERE id = ?').run(Buffer.from(descriptor(DIM, 2).buffer), ids[1]);
    assert.equal(repo.loadGallery('faceres').personIndex.length, 3);

    // Corrupt one row to a shorter vector (the CHECK keeps blob and dim in step, so both change).
    db.prepare('UPDATE face_samples SET descriptor = ?, dim = ? WHERE id = ?').run(Buffer.from(descriptor(DIM - 2, 1).buffer), DIM - 2, ids[2]);
    assert.throws(() => repo.loadGallery('faceres'), isCode('DESCRIPTOR_INVALID', new RegExp(`sample ${ids[2]} `)));
  });
});
