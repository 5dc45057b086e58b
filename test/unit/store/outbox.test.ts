/** The transactional outbox (migration 009): rows written by triggers in the writer's own transaction. */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { OutboxRepo } from '../../../src/store/outbox-repo.ts';
import { DescriptorCipher } from '../../../src/store/crypto.ts';
import { openSiteSample } from '../../../src/store/site-seal.ts';
import { descriptor, fakeSyncClock, testKiosk } from '../../helpers/hub.ts';

function setup(): { k: ReturnType<typeof testKiosk>; outbox: OutboxRepo; kinds: () => string[] } {
  const clock = fakeSyncClock(Date.UTC(2025, 0, 6, 8), 42_000, 'boot-x');
  const k = testKiosk(clock, () => clock.wallMs());
  const outbox = new OutboxRepo(k.store.db, k.store.people);
  const kinds = (): string[] => k.store.db.prepare<[], { kind: string }>('SELECT kind FROM outbox ORDER BY seq').all().map((r) => r.kind);
  return { k, outbox, kinds };
}

describe('outbox', () => {
  test('off until joined; joining queues history once; then every write path adds its record in commit order', (t) => {
    const { k, outbox, kinds } = setup();
    t.after(k.close);
    const { person } = k.store.people.upsert({ name: 'An', employeeCode: 'E1' });
    k.store.people.addSamples(person.id, [{ descriptor: descriptor(8, 1), kind: 'arcface', modelVersion: 'v1', quality: 1, sourceKey: 'a.jpg', crop: Buffer.from('jpeg') }]);
    k.store.attendance.record({ personId: person.id, ts: Date.UTC(2025, 0, 6, 8), kioskId: 'k', similarity: 0.7, evidence: {} });
    assert.deepEqual(kinds(), [], 'a single kiosk keeps no outbox');
    assert.equal(outbox.enable(1).history, 6); // person, sample, crop, punch, and the audit entries person.create and samples.add
    assert.equal(outbox.enable(2).history, 0);
    k.store.db.prepare('DELETE FROM outbox').run();
    const punch = k.store.attendance.record({ personId: person.id, ts: Date.UTC(2025, 0, 6, 9), kioskId: 'k', similarity: 0.8, evidence: { v: 1 } });
    assert.ok(punch.logged);
    k.store.attendance.void(punch.punchId, 'not me', 'admin');
    k.store.attendance.recordSighting('unknown', Date.UTC(2025, 0, 6, 9), 'k', {});
    k.store.people.remove(person.id, 'admin');
    assert.deepEqual(kinds(), ['punch', 'punch.void', 'audit', 'sighting', 'person.remove', 'audit']);
    const row = k.store.db.prepare<[], { id: string; mono_ms: number; boot_id: string; payload: string }>("SELECT id, mono_ms, boot_id, payload FROM outbox WHERE kind = 'punch'").get()!;
    const uid = k.store.db.prepare<[number], { uid: string }>('SELECT uid FROM punches WHERE id = ?').get(punch.punchId)!.uid;
    assert.equal(row.id, uid, 'a punch is known on the hub by its own uid');
    assert.match(uid, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-/u, 'UUIDv7');
    assert.deepEqual([row.mono_ms, row.boot_id], [42_000, 'boot-x']);
    const personUid = k.store.db.prepare<[number], { uid: string }>('SELECT uid FROM people WHERE id = ?').get(person.id)!.uid;
    assert.deepEqual(JSON.parse(row.payload), { personUid, personName: 'An', ts: Date.UTC(2025, 0, 6, 9), similarity: 0.8, manual: false, evidence: { v: 1 }, source: 'face', review: false });
  });

  test('a rolled-back write leaves no outbox row; an acknowledged row leaves, an unacknowledged one stays', (t) => {
    const { k, outbox, kinds } = setup();
    t.after(k.close);
    outbox.enable(1);
    const { person } = k.store.people.upsert({ name: 'Bình' });
    k.store.db.prepare('DELETE FROM outbox').run();
    assert.throws(() => k.store.db.transaction(() => {
      k.store.attendance.record({ personId: person.id, ts: 5, kioskId: 'k', similarity: 0.9, evidence: {} });
      throw new Error('power cut');
    })());
    assert.deepEqual(kinds(), []);
    k.store.attendance.record({ personId: person.id, ts: 6, kioskId: 'k', similarity: 0.9, evidence: {} });
    k.store.attendance.record({ personId: person.id, ts: 7_000_000, kioskId: 'k', similarity: 0.9, evidence: {} });
    const batch = outbox.nextBatch(10, DescriptorCipher.generate());
    assert.equal(batch.records.length, 2);
    assert.equal(outbox.ack([batch.records[0]!.id]), 1);
    assert.equal(outbox.depth().records, 1);
  });

  test('samples leave sealed with the site key for the person\'s uid; gallery changes being applied are not echoed', (t) => {
    const { k, outbox, kinds } = setup();
    t.after(k.close);
    outbox.enable(1);
    const { person } = k.store.people.upsert({ name: 'Chi' });
    k.store.people.addSamples(person.id, [{ descriptor: descriptor(8, 3), kind: 'arcface', modelVersion: 'v1', quality: 1, sourceKey: 'c.jpg' }]);
    const site = DescriptorCipher.generate();
    const sample = outbox.nextBatch(10, site).records.find((r) => r.kind === 'sample')!;
    const p = sample.payload as { personUid: string; sealed: string; dim: number };
    assert.deepEqual(Array.from(openSiteSample(site, p.personUid, 'arcface', p.dim, Buffer.from(p.sealed, 'base64'))), Array.from(descriptor(8, 3)));
    assert.throws(() => openSiteSample(site, '00000000-0000-7000-8000-000000000000', 'arcface', p.dim, Buffer.from(p.sealed, 'base64')), /cannot decrypt/u);
    k.store.db.prepare('DELETE FROM outbox').run();
    k.store.db.prepare("UPDATE sync_state SET value = '1' WHERE key = 'applying'").run();
    k.store.people.upsert({ name: 'Dũng' });
    k.store.db.prepare("UPDATE sync_state SET value = '0' WHERE key = 'applying'").run();
    assert.deepEqual(kinds(), []);
  });
});
