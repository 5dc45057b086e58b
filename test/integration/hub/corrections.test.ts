/**
 * Corrections to the log made on the hub, on a real PostgreSQL: a void is stored and audited on the
 * hub, reaches the kiosk that owns the punch by its gallery cursor (and no other kiosk), and a
 * 'punch.void' coming back up for it changes nothing on the hub. A manual punch made on the hub for
 * a person (by uid or alias) at a kiosk reaches that kiosk's log under the same id, and is stored
 * once on the hub whatever comes back up.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { HubPunchPageDto } from '../../../src/hub/admin-dto.ts';
import { GalleryRepo } from '../../../src/hub/gallery-repo.ts';
import { Ingest } from '../../../src/hub/ingest.ts';
import { KiosksRepo } from '../../../src/hub/kiosks-repo.ts';
import { localDateTimeToEpoch } from '../../../src/server/time.ts';
import { parseCsv } from '../../../src/server/csv.ts';
import { silentLogger } from '../../../src/log.ts';
import { applyGallery } from '../../../src/store/gallery-apply.ts';
import { OutboxRepo } from '../../../src/store/outbox-repo.ts';
import { HUB_ADMIN, hubAdminCookie, HUB_TZ, twoKioskHub, type TwoKioskHub } from '../../helpers/hub-admin.ts';
import { postgresSkipReason, startPostgres, type TempPostgres } from '../../helpers/postgres.ts';
import type { TestKiosk } from '../../helpers/hub.ts';

const skip = postgresSkipReason();
const DAY_MS = 86_400_000;
const isoDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
const RANGE = `from=${isoDay(Date.now() - DAY_MS)}&to=${isoDay(Date.now() + 2 * DAY_MS)}`;

interface LocalPunch {
  uid: string;
  voided_at: number | null;
  void_reason: string | null;
}

describe('hub log corrections', { skip: skip ?? false }, () => {
  let pg: TempPostgres;
  let env: TwoKioskHub;
  let cookie = '';
  before(async () => {
    pg = await startPostgres();
    env = await twoKioskHub(pg, 'corrections');
    cookie = await hubAdminCookie(env.hub.url);
  });
  after(async () => {
    await env?.close();
    pg?.stop();
  });

  const post = (url: string, body: unknown, withSession = true): Promise<Response> =>
    fetch(`${env.hub.url}${url}`, { method: 'POST', headers: { 'content-type': 'application/json', ...(withSession ? { cookie } : {}) }, body: JSON.stringify(body) });
  const localPunches = (k: TestKiosk): LocalPunch[] => k.store.db.prepare<[], LocalPunch>('SELECT uid, voided_at, void_reason FROM punches ORDER BY id').all();
  const voidAudits = async (punchId: string): Promise<number> =>
    (await env.hub.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM hub_audit WHERE action = 'punch.void' AND target = $1", [`punch:${punchId}`])).rows[0]!.n;

  async function livePunchOf(kioskId: 'door-1' | 'yard-1'): Promise<string> {
    const res = await fetch(`${env.hub.url}/api/admin/punches?${RANGE}&kioskId=${kioskId}&includeVoided=false`, { headers: { cookie } });
    const page = (await res.json()) as HubPunchPageDto;
    assert.ok(page.items.length > 0, `${kioskId} has live punches`);
    return page.items[0]!.id;
  }

  test('a void on the hub is stored, audited, and reaches the kiosk that owns the punch only', async () => {
    const door = env.kiosks['door-1'];
    const yard = env.kiosks['yard-1'];
    const id = await livePunchOf('door-1');
    const yardBefore = localPunches(yard.kiosk);

    const res = await post(`/api/admin/punches/${id}/void`, { reason: '  bấm nhầm người  ' });
    assert.equal(res.status, 200, await res.clone().text());
    const { rows } = await env.hub.pool.query<{ void_reason: string; voided_by: string; down_rev: number }>('SELECT void_reason, voided_by, down_rev FROM hub_punches WHERE id = $1', [id]);
    assert.deepEqual({ reason: rows[0]!.void_reason, by: rows[0]!.voided_by }, { reason: 'bấm nhầm người', by: `admin:${HUB_ADMIN.username}` });
    const audit = await env.hub.pool.query<{ kiosk_id: string | null; actor: string; reason: string; kiosk: string; person: string }>(
      "SELECT kiosk_id, actor, details->>'reason' AS reason, details->>'kioskId' AS kiosk, details->>'personName' AS person FROM hub_audit WHERE action = 'punch.void' AND target = $1",
      [`punch:${id}`],
    );
    assert.equal(audit.rows.length, 1);
    assert.ok(env.pushed['door-1'].includes(audit.rows[0]!.person));
    assert.deepEqual({ ...audit.rows[0], person: undefined }, { kiosk_id: null, actor: `admin:${HUB_ADMIN.username}`, reason: 'bấm nhầm người', kiosk: 'door-1', person: undefined });

    // The kiosk learns of it at its next exchange: its own punch is voided with the hub's reason.
    assert.equal(localPunches(door.kiosk).find((p) => p.uid === id)?.voided_at, null);
    const r = await door.agent.syncOnce();
    assert.ok(r.pulled >= 1);
    const local = localPunches(door.kiosk).find((p) => p.uid === id);
    assert.ok(local?.voided_at !== null && local?.voided_at !== undefined, 'voided at the kiosk');
    assert.equal(local.void_reason, 'bấm nhầm người');
    const kioskAudit = door.kiosk.store.db.prepare<[], { actor: string; details: string }>("SELECT actor, details FROM audit WHERE action = 'punch.void'").all();
    assert.equal(kioskAudit.length, 1);
    assert.equal(kioskAudit[0]!.actor, 'hub');
    assert.equal((JSON.parse(kioskAudit[0]!.details) as { by: string }).by, `admin:${HUB_ADMIN.username}`);
    // Applied from the hub, it goes nowhere: nothing waits in the outbox to echo it.
    assert.equal(door.kiosk.store.db.prepare<[], { n: number }>("SELECT count(*) AS n FROM outbox WHERE kind IN ('punch.void', 'audit')").get()!.n, 0);

    // The other kiosk syncs past the revision without learning of it, and its log is unchanged.
    await yard.agent.syncOnce();
    assert.deepEqual(localPunches(yard.kiosk), yardBefore);
    const cursor = yard.kiosk.store.db.prepare<[], { value: string }>("SELECT value FROM sync_state WHERE key = 'gallery_cursor'").get()!.value;
    assert.equal(Number(cursor), rows[0]!.down_rev, 'the cursor moved past the other kiosk’s correction');

    // Nothing changes on a second exchange, and the log on the hub shows the void once.
    await door.agent.syncOnce();
    assert.equal(await voidAudits(id), 1);
  });

  test('a punch.void coming back up for a punch voided on the hub keeps the first void and adds no audit', async () => {
    const id = await livePunchOf('door-1');
    assert.equal((await post(`/api/admin/punches/${id}/void`, { reason: 'first reason' })).status, 200);
    const ingest = new Ingest(env.hub.pool, env.hub.siteKey, { maxSkewMs: 60_000 });
    const now = Date.now();
    const echo = { id: randomUUID(), kind: 'punch.void', wallMs: now, monoMs: null, bootId: null, payload: { punchId: id, voidedAt: now + 5_000, reason: 'echoed reason' } };
    const reply = await ingest.push('door-1', { bootId: 'boot-x', monoMs: 1, wallMs: now, outboxDepth: 0, oldestPendingMs: null, records: [echo, echo] });
    assert.deepEqual(reply.acked, [echo.id, echo.id]);
    const { rows } = await env.hub.pool.query<{ void_reason: string; status: string }>(
      'SELECT p.void_reason, r.status FROM hub_punches p, hub_records r WHERE p.id = $1 AND r.id = $2',
      [id, echo.id],
    );
    assert.deepEqual(rows[0], { void_reason: 'first reason', status: 'applied' });
    assert.equal(await voidAudits(id), 1);
  });

  test('unknown punch 404, already voided 409, bad input 400, no session 401 — one line each', async () => {
    const id = await livePunchOf('yard-1');
    const unknown = await post(`/api/admin/punches/${randomUUID()}/void`, { reason: 'x' });
    assert.equal(unknown.status, 404);
    assert.equal(((await unknown.json()) as { error: string }).error, 'not-found');
    const noSession = await post(`/api/admin/punches/${id}/void`, { reason: 'x' }, false);
    assert.equal(noSession.status, 401);
    assert.equal((await env.hub.pool.query('SELECT 1 FROM hub_punches WHERE id = $1 AND voided_at IS NULL', [id])).rowCount, 1, 'nothing voided without a session');
    for (const [url, body] of [[`/api/admin/punches/${id}/void`, { reason: '   ' }], ['/api/admin/punches/42/void', { reason: 'x' }], [`/api/admin/punches/${id}/void`, { reason: 'x', extra: 1 }]] as const) {
      const res = await post(url, body);
      assert.equal(res.status, 400, url);
      const text = await res.text();
      assert.ok(!text.includes('\n    at '), 'no stack trace');
    }
    assert.equal((await post(`/api/admin/punches/${id}/void`, { reason: 'sai' })).status, 200);
    const again = await post(`/api/admin/punches/${id}/void`, { reason: 'sai lần nữa' });
    assert.equal(again.status, 409);
    const msg = (await again.json()) as { error: string; message: string };
    assert.equal(msg.error, 'already-voided');
    assert.ok(!msg.message.includes('\n'));
    assert.equal(await voidAudits(id), 1);
  });

  test('a kiosk applies a void only to a live punch it holds', async () => {
    const gallery = new GalleryRepo(env.hub.pool, env.hub.siteKey);
    // A kiosk's pull carries only the corrections of its own punches.
    const forYard = await gallery.changesSince(0, 100, 'yard-1');
    const yardIds = new Set((await env.hub.pool.query<{ id: string }>("SELECT id FROM hub_punches WHERE kiosk_id = 'yard-1'")).rows.map((r) => r.id));
    assert.ok((forYard.punchVoids ?? []).length > 0);
    assert.ok((forYard.punchVoids ?? []).every((v) => yardIds.has(v.punchId)));
    assert.deepEqual((await gallery.changesSince(0, 100)).punchVoids, [], 'without a kiosk, no punch corrections');

    // Handed another kiosk's void (or one for a punch it already voided), a kiosk changes nothing.
    const door = env.kiosks['door-1'];
    const before = localPunches(door.kiosk);
    const alreadyVoided = before.find((p) => p.voided_at !== null)!;
    const applied = applyGallery(door.kiosk.store, {
      people: [], shifts: [], next: new OutboxRepo(door.kiosk.store.db, door.kiosk.store.people).cursor(), more: false, hubTime: Date.now(),
      punchVoids: [...(forYard.punchVoids ?? []), { punchId: alreadyVoided.uid, voidedAt: Date.now(), reason: 'late', actor: 'admin:x', rev: 999_999 }],
    }, env.hub.siteKey, Date.now(), silentLogger);
    assert.equal(applied.voids, 0);
    assert.deepEqual(localPunches(door.kiosk), before);
  });

  const uidOf = async (name: string): Promise<string> => (await env.hub.pool.query<{ uid: string }>('SELECT uid FROM hub_people WHERE name = $1', [name])).rows[0]!.uid;
  const hubCopies = async (id: string): Promise<number> => (await env.hub.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM hub_punches WHERE id = $1', [id])).rows[0]!.n;

  test('a manual punch made on the hub (person by alias) reaches its kiosk\'s log and is stored once on the hub', async () => {
    const door = env.kiosks['door-1'];
    const yard = env.kiosks['yard-1'];
    const name = env.pushed['door-1'][1]!;
    const uid = await uidOf(name);
    // A uid another kiosk made for the same person: the hub books the punch under the person's own uid.
    const alias = randomUUID();
    await env.hub.pool.query('INSERT INTO hub_person_aliases (alias, uid) VALUES ($1, $2)', [alias, uid]);
    const at = '2026-11-30T08:05';
    const res = await post('/api/admin/punches', { personId: alias, at, reason: '  quên chấm công  ', kioskId: 'door-1' });
    assert.equal(res.status, 201, await res.clone().text());
    const { id } = (await res.json()) as { id: string };
    assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/u, 'a UUIDv7, as a kiosk makes');
    const ts = localDateTimeToEpoch(at, HUB_TZ);
    const stored = (await env.hub.pool.query<{ person_uid: string; person_name: string; ts: number; source: string; manual: boolean; made_by: string; reason: string }>(
      "SELECT person_uid, person_name, ts, source, manual, made_by, evidence->>'reason' AS reason FROM hub_punches WHERE id = $1",
      [id],
    )).rows[0];
    assert.deepEqual(stored, { person_uid: uid, person_name: name, ts, source: 'manual', manual: true, made_by: `admin:${HUB_ADMIN.username}`, reason: 'quên chấm công' });
    assert.equal((await env.hub.pool.query("SELECT 1 FROM hub_records WHERE id = $1 AND kiosk_id = 'door-1' AND kind = 'punch'", [id])).rowCount, 1);
    const audit = await env.hub.pool.query<{ kiosk_id: string | null; actor: string }>("SELECT kiosk_id, actor FROM hub_audit WHERE action = 'punch.manual' AND target = $1", [`punch:${id}`]);
    assert.deepEqual(audit.rows, [{ kiosk_id: null, actor: `admin:${HUB_ADMIN.username}` }]);
    const page = (await (await fetch(`${env.hub.url}/api/admin/punches?from=2026-11-30&to=2026-11-30&kioskId=door-1`, { headers: { cookie } })).json()) as HubPunchPageDto;
    assert.deepEqual(page.items.filter((p) => p.id === id).map((p) => [p.manual, p.manualReason]), [[true, 'quên chấm công']], 'the hub\'s log shows the reason');
    const csv = parseCsv(await (await fetch(`${env.hub.url}/api/admin/export.csv?from=2026-11-30&to=2026-11-30&kioskId=door-1&lang=en`, { headers: { cookie } })).text());
    assert.equal(csv.find((r) => r[0] === id)?.[csv[0]!.indexOf('Note')], 'quên chấm công', 'and so does its CSV');

    const told: number[] = [];
    const onRecords = (a: { manual: number }): void => void told.push(a.manual);
    door.agent.on('records', onRecords);
    await door.agent.syncOnce();
    door.agent.off('records', onRecords);
    assert.deepEqual(told, [1], 'the agent tells the kiosk\'s admin pages (through its hub link port) to reload');
    const local = door.kiosk.store.db.prepare<[string], { ts: number; source: string; manual: number; voided_at: number | null; person: string; evidence: string }>(
      'SELECT pu.ts, pu.source, pu.manual, pu.voided_at, pe.name AS person, pu.evidence FROM punches pu JOIN people pe ON pe.id = pu.person_id WHERE pu.uid = ?',
    ).get(id);
    assert.ok(local !== undefined, 'the kiosk holds the punch under the hub\'s id');
    assert.deepEqual({ ...local, evidence: JSON.parse(local.evidence) as unknown }, { ts, source: 'manual', manual: 1, voided_at: null, person: name, evidence: { reason: 'quên chấm công', actor: `admin:${HUB_ADMIN.username}` } });
    const listed = door.kiosk.store.attendance.list({ from: ts, to: ts + 1, limit: 10, offset: 0, includeVoided: true }).items;
    assert.deepEqual(listed.map((p) => [p.personName, p.manual]), [[name, true]], 'in the kiosk\'s own log');
    assert.equal(door.kiosk.store.db.prepare<[], { n: number }>("SELECT count(*) AS n FROM outbox WHERE kind IN ('punch', 'audit')").get()!.n, 0, 'nothing echoes back up');
    await yard.agent.syncOnce();
    assert.equal(yard.kiosk.store.db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM punches WHERE uid = ?').get(id)!.n, 0, 'another kiosk never gets it');
    await door.agent.syncOnce();
    assert.equal(door.kiosk.store.db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM punches WHERE uid = ?').get(id)!.n, 1, 'applied once');

    // Should the kiosk ever send it up, it is a duplicate: stored once, unchanged.
    const ingest = new Ingest(env.hub.pool, env.hub.siteKey, { maxSkewMs: 60_000 });
    const echo = { id, kind: 'punch', wallMs: ts, monoMs: null, bootId: null, payload: { personUid: uid, personName: 'someone else', ts: ts + 1, similarity: null, manual: true, evidence: {}, source: 'manual' } };
    const reply = await ingest.push('door-1', { bootId: 'boot-x', monoMs: 1, wallMs: Date.now(), outboxDepth: 0, oldestPendingMs: null, records: [echo] });
    assert.deepEqual(reply, { ...reply, acked: [id], fresh: 0 });
    assert.equal(await hubCopies(id), 1);
    assert.equal((await env.hub.pool.query<{ person_name: string }>('SELECT person_name FROM hub_punches WHERE id = $1', [id])).rows[0]!.person_name, name);
  });

  test('a manual punch made and voided on the hub before its kiosk syncs arrives voided', async () => {
    const yard = env.kiosks['yard-1'];
    const res = await post('/api/admin/punches', { personId: await uidOf(env.pushed['yard-1'][0]!), at: '2026-11-30T17:30', reason: 'về muộn', kioskId: 'yard-1' });
    assert.equal(res.status, 201);
    const { id } = (await res.json()) as { id: string };
    assert.equal((await post(`/api/admin/punches/${id}/void`, { reason: 'nhầm ngày' })).status, 200);
    await yard.agent.syncOnce();
    const local = yard.kiosk.store.db.prepare<[string], { source: string; void_reason: string | null }>('SELECT source, void_reason FROM punches WHERE uid = ?').get(id);
    assert.deepEqual({ ...local }, { source: 'manual', void_reason: 'nhầm ngày' });
  });

  test('a manual punch needs a known person, a kiosk in service and a session — one line each', async () => {
    const personId = await uidOf(env.pushed['door-1'][0]!);
    const body = { personId, at: '2026-11-30T09:00', reason: 'x', kioskId: 'door-1' };
    const before = (await env.hub.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM hub_punches')).rows[0]!.n;
    const expect = async (b: unknown, status: number, error: string | null, withSession = true): Promise<void> => {
      const res = await post('/api/admin/punches', b, withSession);
      assert.equal(res.status, status, JSON.stringify(b));
      const text = await res.text();
      assert.ok(!text.includes('\n'), 'one line');
      if (error !== null) assert.equal((JSON.parse(text) as { error: string }).error, error);
    };
    await expect(body, 401, 'unauthorized', false);
    await expect({ ...body, personId: randomUUID() }, 404, 'not-found');
    await expect({ ...body, kioskId: 'nowhere-1' }, 404, 'unknown-kiosk');
    await new KiosksRepo(env.hub.pool).create({ id: 'gone-1', pairingMs: 60_000, actor: 'test' });
    await new KiosksRepo(env.hub.pool).revoke('gone-1', 'test');
    await expect({ ...body, kioskId: 'gone-1' }, 409, 'kiosk-revoked');
    await expect({ ...body, reason: '  ' }, 400, null);
    await expect({ ...body, at: 'yesterday' }, 400, null);
    await expect({ ...body, personId: 7 }, 400, null);
    await expect({ ...body, extra: true }, 400, null);
    assert.equal((await env.hub.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM hub_punches')).rows[0]!.n, before, 'nothing stored');
  });
});
