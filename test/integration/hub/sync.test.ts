/**
 * Kiosks and a hub on a real PostgreSQL (temp cluster, loopback): pairing, punches up exactly once,
 * clock trust, desk records (fallback punches, voids, evidence photos), gallery down with its conflict
 * rules, erasure everywhere, revocation, health.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import { KiosksRepo } from '../../../src/hub/kiosks-repo.ts';
import { GalleryRepo } from '../../../src/hub/gallery-repo.ts';
import { buildHubApp } from '../../../src/hub/app.ts';
import { createPool } from '../../../src/hub/db.ts';
import type { SyncAgent } from '../../../src/sync/agent.ts';
import { joinHub } from '../../../src/sync/join.ts';
import { syncAgentFor } from '../../../src/sync/start.ts';
import { defaultSyncOptions } from '../../../src/sync/options.ts';
import { HubClient } from '../../../src/sync/transport.ts';
import { readLink } from '../../../src/sync/link.ts';
import { OutboxRepo } from '../../../src/store/outbox-repo.ts';
import { isKioskError } from '../../../src/errors.ts';
import { DescriptorCipher } from '../../../src/store/crypto.ts';
import { openSiteEvidence } from '../../../src/store/site-seal.ts';
import { freePort, postgresSkipReason, startPostgres, type TempPostgres } from '../../helpers/postgres.ts';
import { descriptor, fakeSyncClock, startTestHub, testKiosk, type TestHub, type TestKiosk } from '../../helpers/hub.ts';

const skip = postgresSkipReason();
const DIM = 16;

describe('kiosk hub on PostgreSQL', { skip: skip ?? false }, () => {
  let pg: TempPostgres;
  let n = 0;
  const cleanups: (() => Promise<void> | void)[] = [];
  before(async () => {
    pg = await startPostgres();
  });
  after(async () => {
    for (const c of cleanups.reverse()) await c();
    pg?.stop();
  });

  async function hub(opts: { tls?: boolean } = {}): Promise<TestHub> {
    const h = await startTestHub(await pg.createDatabase(`t${++n}`), opts);
    cleanups.push(() => h.close());
    return h;
  }

  function kiosk(clock = fakeSyncClock()): TestKiosk & { clock: ReturnType<typeof fakeSyncClock> } {
    const k = testKiosk(clock, () => clock.wallMs());
    cleanups.push(() => k.close());
    return { ...k, clock };
  }

  async function join(h: TestHub, k: TestKiosk, id: string): Promise<SyncAgent> {
    const { code } = await new KiosksRepo(h.pool).create({ id, pairingMs: 60_000, actor: 'test' });
    await joinHub({ dataDir: k.dir, store: k.store, url: h.url, code, timeoutMs: 5_000, ...(h.fingerprint === null ? {} : { fingerprint: h.fingerprint }) });
    const agent = syncAgentFor(k.store, k.dir, { ...defaultSyncOptions, batchSize: 7 }, undefined, (k as { clock?: ReturnType<typeof fakeSyncClock> }).clock);
    assert.ok(agent);
    cleanups.push(() => agent.stop());
    return agent;
  }

  function enroll(k: TestKiosk, name: string, code: string | null, photos: string[], seed: number): number {
    const { person } = k.store.people.upsert({ name, employeeCode: code });
    k.store.people.addSamples(person.id, photos.map((p, i) => ({ descriptor: descriptor(DIM, seed + i), kind: 'arcface' as const, modelVersion: 'v1', quality: 0.9, sourceKey: p, crop: Buffer.from(`jpeg:${p}`) })));
    return person.id;
  }

  function punch(k: TestKiosk & { clock: ReturnType<typeof fakeSyncClock> }, personId: number): void {
    k.clock.advance(1_000);
    const r = k.store.attendance.record({ personId, ts: k.clock.wallMs(), kioskId: 'k', similarity: 0.8, evidence: { votes: 3 } });
    assert.equal(r.logged, true);
  }

  const uidsOf = (k: TestKiosk): string[] => k.store.db.prepare<[], { uid: string }>('SELECT uid FROM punches ORDER BY id').all().map((r) => r.uid);

  test('pairing pins the self-signed certificate, stores only hashes, and a code works once', async () => {
    const h = await hub({ tls: true });
    const k = kiosk();
    const repo = new KiosksRepo(h.pool);
    const { code } = await repo.create({ id: 'door-1', site: 'hq', pairingMs: 60_000, actor: 'test' });
    await assert.rejects(joinHub({ dataDir: k.dir, store: k.store, url: h.url, code, timeoutMs: 5_000 }), (e: unknown) => isKioskError(e) && /self-signed/u.test(e.message));
    await assert.rejects(joinHub({ dataDir: k.dir, store: k.store, url: h.url, code, timeoutMs: 5_000, fingerprint: 'AA:BB' }), (e: unknown) => isKioskError(e) && /does not match/u.test(e.message));
    const r = await joinHub({ dataDir: k.dir, store: k.store, url: h.url, code, timeoutMs: 5_000, fingerprint: h.fingerprint!.toLowerCase() });
    assert.deepEqual([r.kioskId, r.site, r.pinned], ['door-1', 'hq', h.fingerprint]);
    const link = readLink(k.dir)!;
    const { rows } = await h.pool.query<{ credential_hash: string; pairing_hash: string | null }>('SELECT credential_hash, pairing_hash FROM hub_kiosks');
    assert.notEqual(rows[0]!.credential_hash, link.credential);
    assert.equal(rows[0]!.credential_hash.length, 64);
    assert.equal(rows[0]!.pairing_hash, null);
    const k2 = kiosk();
    await assert.rejects(joinHub({ dataDir: k2.dir, store: k2.store, url: h.url, code, timeoutMs: 5_000, fingerprint: h.fingerprint! }), (e: unknown) => isKioskError(e) && /pairing failed/u.test(e.message));
    // The pinned connection works for sync, over TLS.
    const agent = syncAgentFor(k.store, k.dir, defaultSyncOptions, undefined)!;
    cleanups.push(() => agent.stop());
    assert.deepEqual(await agent.syncOnce(), { pushed: 1, pulled: 0 }); // the join's audit entry
  });

  test('a revoked kiosk is refused at its very next request', async () => {
    const h = await hub();
    const k = kiosk();
    const agent = await join(h, k, 'door-r');
    await agent.syncOnce();
    assert.equal(await new KiosksRepo(h.pool).revoke('door-r', 'test'), true);
    const person = enroll(k, 'An', null, ['a.jpg'], 1);
    punch(k, person);
    await assert.rejects(agent.syncOnce(), (e: unknown) => (e as { kind?: string }).kind === 'refused');
    assert.ok(new OutboxRepo(k.store.db, k.store.people).depth().records > 0, 'nothing is dropped while refused');
    const { rows } = await h.pool.query('SELECT 1 FROM hub_punches');
    assert.equal(rows.length, 0);
  });

  test('punches go up exactly once whatever the retries; history is uploaded; clock trust is recorded', async () => {
    const h = await hub();
    const k = kiosk();
    const person = enroll(k, 'Bình', 'E1', ['b1.jpg'], 2);
    punch(k, person); // before the join: history
    const agent = await join(h, k, 'door-p');
    for (let i = 0; i < 20; i++) punch(k, person);
    const outbox = new OutboxRepo(k.store.db, k.store.people);
    // A push whose reply was lost: the same records are sent again by hand, then by the agent.
    const first = outbox.nextBatch(100, h.siteKey);
    const link = readLink(k.dir)!;
    const raw = new HubClient({ url: h.url, certPem: null, fingerprint256: null }, 5_000, { kioskId: link.kioskId, credential: link.credential });
    const req = { bootId: 'boot-a', monoMs: k.clock.monoMs(), wallMs: k.clock.wallMs(), outboxDepth: first.records.length, oldestPendingMs: null, records: first.records };
    const a = await raw.push(req);
    const b = await raw.push(req);
    raw.close();
    assert.deepEqual(a.acked.sort(), b.acked.sort());
    await agent.syncOnce();
    await agent.syncOnce();
    assert.equal(outbox.depth().records, 0);
    const { rows } = await h.pool.query<{ id: string; clock_trust: string; person_uid: string; ts: number; corrected_ts: number | null }>('SELECT id, clock_trust, person_uid, ts, corrected_ts FROM hub_punches ORDER BY ts');
    assert.deepEqual(rows.map((r) => r.id).sort(), uidsOf(k).sort());
    assert.equal(rows.length, 21);
    assert.equal(rows[0]!.clock_trust, 'unconfirmed', 'made before the kiosk reached the hub: history');
    assert.ok(rows.slice(1).every((r) => r.clock_trust === 'confirmed'));
    const records = await h.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM hub_records WHERE kind = 'punch'");
    assert.equal(records.rows[0]!.n, 21);
  });

  test('desk records go up exactly once: a fallback punch with its photo, a void, a sighting photo; erase on the hub takes the punch photos', async () => {
    const h = await hub();
    const k = kiosk();
    const person = enroll(k, 'Lan', 'E5', ['l.jpg'], 11);
    punch(k, person);
    const facePunch = k.store.db.prepare<[], { id: number }>('SELECT id FROM punches').get()!.id;
    const agent = await join(h, k, 'door-d');
    // "Not me": the face punch is voided, and the person punches by code + PIN, photographed.
    assert.deepEqual(k.store.attendance.void(facePunch, 'not me', 'kiosk'), { voided: true });
    const jpeg = Buffer.from('\xff\xd8 fallback face \xff\xd9', 'latin1');
    k.clock.advance(1_000);
    const { punchId } = k.store.attendance.recordFallback({ personId: person, ts: k.clock.wallMs(), actor: 'kiosk' }, (id) => k.store.people.evidence.put({ kind: 'punch', id }, jpeg, k.clock.wallMs()));
    const sighting = k.store.attendance.recordSighting('unknown', k.clock.wallMs(), 'k', { votes: 2 });
    const stranger = Buffer.from('\xff\xd8 unknown face \xff\xd9', 'latin1');
    k.store.people.evidence.put({ kind: 'sighting', id: sighting }, stranger, k.clock.wallMs());
    assert.equal(k.store.db.prepare<[], { n: number }>('SELECT count(*) AS n FROM evidence_photos WHERE sealed = 1').get()!.n, 2, 'sealed with the kiosk key');
    // A push whose reply was lost, sent again by hand, then the agent's own pushes.
    const outbox = new OutboxRepo(k.store.db, k.store.people);
    const first = outbox.nextBatch(100, h.siteKey);
    assert.equal(first.records.filter((r) => r.kind === 'evidence').length, 2);
    const link = readLink(k.dir)!;
    const raw = new HubClient({ url: h.url, certPem: null, fingerprint256: null }, 5_000, { kioskId: link.kioskId, credential: link.credential });
    const req = { bootId: 'boot-a', monoMs: k.clock.monoMs(), wallMs: k.clock.wallMs(), outboxDepth: 0, oldestPendingMs: null, records: first.records };
    await raw.push(req);
    await raw.push(req);
    await agent.syncOnce();
    await agent.syncOnce();
    assert.equal(outbox.depth().records, 0);

    const uidOf = (id: number): string => k.store.db.prepare<[number], { uid: string }>('SELECT uid FROM punches WHERE id = ?').get(id)!.uid;
    const punches = await h.pool.query<{ id: string; source: string; review: boolean; voided_at: number | null; void_reason: string | null }>(
      'SELECT id, source, review, voided_at, void_reason FROM hub_punches ORDER BY ts',
    );
    assert.deepEqual(
      punches.rows.map((r) => ({ id: r.id, source: r.source, review: r.review, voided: r.voided_at !== null, reason: r.void_reason })),
      [
        { id: uidOf(facePunch), source: 'face', review: false, voided: true, reason: 'not me' },
        { id: uidOf(punchId), source: 'fallback', review: true, voided: false, reason: null },
      ],
    );
    const evidence = await h.pool.query<{ punch_id: string | null; sighting_id: string | null; kiosk_id: string; sealed: Buffer }>(
      'SELECT punch_id, sighting_id, kiosk_id, sealed FROM hub_evidence ORDER BY punch_id NULLS LAST',
    );
    assert.equal(evidence.rows.length, 2, 'each photo once, whatever the retries');
    const [ofPunch, ofSighting] = evidence.rows;
    assert.equal(ofPunch!.punch_id, uidOf(punchId));
    assert.equal(ofPunch!.kiosk_id, 'door-d');
    assert.ok(openSiteEvidence(h.siteKey, 'punch', uidOf(punchId), ofPunch!.sealed).equals(jpeg), 'opens with the site key to the JPEG');
    assert.throws(() => openSiteEvidence(h.siteKey, 'punch', uidOf(facePunch), ofPunch!.sealed), /wrong site key or altered/u, 'bound to its punch');
    // The sighting's photo is keyed by the hub's id of that sighting.
    const sightings = await h.pool.query<{ id: string }>('SELECT id FROM hub_sightings');
    assert.deepEqual(sightings.rows.map((r) => r.id), [ofSighting!.sighting_id]);
    assert.ok(openSiteEvidence(h.siteKey, 'sighting', ofSighting!.sighting_id!, ofSighting!.sealed).equals(stranger));
    const kinds = await h.pool.query<{ kind: string; n: number }>("SELECT kind, count(*)::int AS n FROM hub_records WHERE kind IN ('punch', 'punch.void', 'evidence', 'sighting') GROUP BY kind ORDER BY kind");
    assert.deepEqual(kinds.rows, [{ kind: 'evidence', n: 2 }, { kind: 'punch', n: 2 }, { kind: 'punch.void', n: 1 }, { kind: 'sighting', n: 1 }]);
    const applied = await h.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM hub_records WHERE status <> 'applied'");
    assert.equal(applied.rows[0]!.n, 0);

    // Erase on the hub deletes the person's punch photos (the stranger's stays), and drops one sent later.
    assert.ok(await new GalleryRepo(h.pool, h.siteKey).erase('E5', 'test'));
    const left = await h.pool.query<{ sighting_id: string | null }>('SELECT sighting_id FROM hub_evidence');
    assert.deepEqual(left.rows, [{ sighting_id: ofSighting!.sighting_id }]);
    k.store.people.evidence.put({ kind: 'punch', id: facePunch }, jpeg, k.clock.wallMs());
    await agent.syncOnce();
    const late = await h.pool.query<{ status: string }>("SELECT status FROM hub_records WHERE kind = 'evidence' ORDER BY received_at DESC, id DESC LIMIT 1");
    assert.equal(late.rows[0]!.status, 'dropped-erased');
    assert.equal((await h.pool.query('SELECT 1 FROM hub_evidence WHERE punch_id IS NOT NULL')).rows.length, 0);

    // A kiosk from before the desk features sends punches without source and review.
    const old = (manual: boolean): { id: string; kind: string; wallMs: number; monoMs: null; bootId: null; payload: unknown } => ({
      id: randomUUID(),
      kind: 'punch',
      wallMs: k.clock.wallMs(),
      monoMs: null,
      bootId: null,
      payload: { personUid: randomUUID(), personName: 'Old', ts: k.clock.wallMs(), similarity: manual ? null : 0.7, manual, evidence: {} },
    });
    const olds = [old(false), old(true)];
    await raw.push({ ...req, records: olds });
    raw.close();
    const legacy = await h.pool.query<{ id: string; source: string; review: boolean }>('SELECT id, source, review FROM hub_punches WHERE id = ANY($1)', [olds.map((o) => o.id)]);
    assert.deepEqual(
      legacy.rows.sort((a, b) => olds.findIndex((o) => o.id === a.id) - olds.findIndex((o) => o.id === b.id)).map((r) => [r.source, r.review]),
      [['face', false], ['manual', false]],
    );
  });

  test('a kiosk whose clock is an hour ahead is flagged, and its punches carry the corrected time', async () => {
    const h = await hub();
    const clock = fakeSyncClock(Date.now() + 3_600_000);
    const k = kiosk(clock);
    const person = enroll(k, 'Chi', null, ['c.jpg'], 3);
    const agent = await join(h, k, 'door-c');
    await agent.syncOnce();
    punch(k, person);
    await agent.syncOnce();
    const kio = await h.pool.query<{ clock_skewed: boolean; clock_offset_ms: number }>("SELECT clock_skewed, clock_offset_ms FROM hub_kiosks WHERE id = 'door-c'");
    assert.equal(kio.rows[0]!.clock_skewed, true);
    assert.ok(Math.abs(kio.rows[0]!.clock_offset_ms - 3_600_000) < 60_000);
    const p = await h.pool.query<{ clock_trust: string; ts: number; corrected_ts: number }>('SELECT clock_trust, ts, corrected_ts FROM hub_punches');
    assert.equal(p.rows[0]!.clock_trust, 'skewed');
    assert.ok(Math.abs(p.rows[0]!.ts - p.rows[0]!.corrected_ts - 3_600_000) < 60_000);
    assert.equal(agent.status().clock.state, 'not-synchronised');
  });

  test('a person enrolled at one door is recognised at another after its next sync', async () => {
    const h = await hub();
    const a = kiosk();
    const b = kiosk();
    const ga = await join(h, a, 'door-a');
    const gb = await join(h, b, 'door-b');
    enroll(a, 'Dũng', 'E7', ['d1.jpg', 'd2.jpg'], 4);
    await ga.syncOnce();
    let reloaded = 0;
    gb.on('gallery', () => reloaded++);
    await gb.syncOnce();
    assert.equal(reloaded, 1);
    const gallery = b.store.people.loadGallery('arcface');
    assert.deepEqual(gallery.people.map((p) => p.name), ['Dũng']);
    assert.equal(gallery.personIndex.length, 2);
    // Opened with B's own key: the descriptor is the one enrolled at A.
    const expected = descriptor(DIM, 4);
    assert.ok(Math.abs(gallery.descriptors[0]! - expected[0]!) < 1e-6);
    assert.ok(b.store.people.crops.get(b.store.people.list()[0]!.id, 'd1.jpg')?.equals(Buffer.from('jpeg:d1.jpg')));
    // Nothing of it echoes back up from B.
    assert.equal(new OutboxRepo(b.store.db, b.store.people).depth().records, 0);
  });

  test('conflict: the same employee enrolled at two kiosks offline becomes one person with both samples', async () => {
    const h = await hub();
    const a = kiosk();
    const b = kiosk();
    const ga = await join(h, a, 'door-a');
    const gb = await join(h, b, 'door-b');
    const pa = enroll(a, 'Em', 'E9', ['a-photo.jpg'], 5);
    const pb = enroll(b, 'Em', 'E9', ['b-photo.jpg'], 6);
    punch(a, pa);
    punch(b, pb);
    await ga.syncOnce();
    await gb.syncOnce();
    await ga.syncOnce();
    const people = await h.pool.query<{ uid: string }>('SELECT uid FROM hub_people');
    assert.equal(people.rows.length, 1);
    const samples = await h.pool.query<{ source_key: string }>('SELECT source_key FROM hub_samples ORDER BY source_key');
    assert.deepEqual(samples.rows.map((r) => r.source_key), ['a-photo.jpg', 'b-photo.jpg']);
    for (const k of [a, b]) {
      const g = k.store.people.loadGallery('arcface');
      assert.equal(g.people.length, 1);
      assert.equal(g.personIndex.length, 2, 'both photos at both doors');
      const uid = k.store.db.prepare<[], { uid: string }>('SELECT uid FROM people').get()!.uid;
      assert.equal(uid, people.rows[0]!.uid);
    }
    // Both punches name the same person on the hub, through the alias.
    const punches = await h.pool.query<{ n: number }>('SELECT count(DISTINCT coalesce(a.uid, p.person_uid))::int AS n FROM hub_punches p LEFT JOIN hub_person_aliases a ON a.alias = p.person_uid');
    assert.equal(punches.rows[0]!.n, 1);
  });

  test('conflict: an erasure racing an offline enrolment wins, and erasure on the hub reaches every kiosk', async () => {
    const h = await hub();
    const a = kiosk();
    const b = kiosk();
    const ga = await join(h, a, 'door-a');
    const gb = await join(h, b, 'door-b');
    const pa = enroll(a, 'Giang', 'E3', ['g1.jpg'], 7);
    await ga.syncOnce();
    await gb.syncOnce();
    assert.equal(b.store.people.loadGallery('arcface').personIndex.length, 1);
    // A is offline and enrolls another photo while the hub erases the person.
    a.store.people.addSamples(pa, [{ descriptor: descriptor(DIM, 70), kind: 'arcface', modelVersion: 'v1', quality: 0.9, sourceKey: 'g2.jpg' }]);
    const erased = await new GalleryRepo(h.pool, h.siteKey).erase('E3', 'test');
    assert.ok(erased);
    await ga.syncOnce();
    await gb.syncOnce();
    const left = await h.pool.query('SELECT 1 FROM hub_samples');
    assert.equal(left.rows.length, 0, 'the late sample was dropped');
    const status = await h.pool.query<{ status: string }>("SELECT status FROM hub_records WHERE kind = 'sample' ORDER BY received_at DESC LIMIT 1");
    assert.equal(status.rows[0]!.status, 'dropped-erased');
    for (const k of [a, b]) {
      assert.equal(k.store.people.loadGallery('arcface').personIndex.length, 0);
      assert.equal(k.store.db.prepare<[], { n: number }>('SELECT count(*) AS n FROM face_crops').get()!.n, 0);
    }
    // The code is free again: enrolling the person anew makes a new person.
    enroll(a, 'Giang', 'E3', ['g3.jpg'], 8);
    await ga.syncOnce();
    const people = await h.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM hub_people WHERE erased_at IS NULL');
    assert.equal(people.rows[0]!.n, 1);
  });

  test('single-kiosk mode keeps no outbox', () => {
    const k = kiosk();
    const person = enroll(k, 'Hà', null, ['h.jpg'], 9);
    punch(k, person);
    assert.equal(new OutboxRepo(k.store.db, k.store.people).depth().records, 0);
    assert.equal(uidsOf(k).length, 1, 'punches still get their global id, ready for a later join');
  });

  test('/healthz is 503 while PostgreSQL is unreachable; /metrics reports each kiosk', async () => {
    const h = await hub();
    const k = kiosk();
    const agent = await join(h, k, 'door-m');
    enroll(k, 'Khoa', null, ['k.jpg'], 10);
    await agent.syncOnce();
    const ok = await h.app.inject({ method: 'GET', url: '/healthz' });
    assert.equal(ok.statusCode, 200);
    const metrics = await h.app.inject({ method: 'GET', url: '/metrics' });
    assert.match(metrics.body, /hub_kiosk_outbox_depth\{kiosk="door-m",site="main"\} 0/u);
    assert.match(metrics.body, /hub_kiosk_last_seen_seconds\{kiosk="door-m",site="main"\}/u);
    const deadPool = createPool({ postgresUrl: `postgres://postgres@127.0.0.1:${await freePort()}/x`, poolSize: 1, connectTimeoutMs: 1_000 });
    const key = DescriptorCipher.generate();
    const dead = buildHubApp({ pool: deadPool, siteKey: key, siteKeyBytes: Buffer.alloc(32) });
    cleanups.push(() => dead.close());
    const down = await dead.inject({ method: 'GET', url: '/healthz' });
    assert.equal(down.statusCode, 503);
    assert.equal(down.json<{ ok: boolean }>().ok, false);
    const push = await dead.inject({ method: 'POST', url: '/api/sync/push', headers: { authorization: `Bearer door-m:${'x'.repeat(43)}` }, payload: { bootId: 'b', monoMs: 1, wallMs: 1, outboxDepth: 0, oldestPendingMs: null, records: [] } });
    assert.equal(push.statusCode, 503);
    assert.doesNotMatch(push.body, /127\.0\.0\.1/u);
  });
});
