/**
 * The hub's trails on a real PostgreSQL: the audit trail (the hub's own admin actions and the kiosks'
 * uploaded events) and the sightings of every kiosk, newest first, paged, with kiosk/site filters;
 * evidence photos of sightings and punches opened with the site key and served only to an admin,
 * never cached; nothing without a session.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { HubAuditDto, HubPunchPageDto, HubSightingDto, HubTrailPageDto } from '../../../src/hub/admin-dto.ts';
import { HUB_ADMIN, hubAdminCookie, twoKioskHub, type TwoKioskHub } from '../../helpers/hub-admin.ts';
import { addEvidence, addSighting, testJpeg } from '../../helpers/hub-trail.ts';
import { postgresSkipReason, startPostgres, type TempPostgres } from '../../helpers/postgres.ts';

const skip = postgresSkipReason();
const DAY_MS = 86_400_000;
const isoDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
const RANGE = `from=${isoDay(Date.now() - DAY_MS)}&to=${isoDay(Date.now() + DAY_MS)}`;

describe('hub admin trails', { skip: skip ?? false }, () => {
  let pg: TempPostgres;
  let env: TwoKioskHub;
  let cookie: string;
  const sighting: Record<'door' | 'yardSpoof' | 'yardUnknown', string> = { door: '', yardSpoof: '', yardUnknown: '' };
  let photos: { door: Buffer; punch: Buffer };
  let punchId: string;

  before(async () => {
    pg = await startPostgres();
    env = await twoKioskHub(pg, 'admin_trail');
    const now = Date.now();
    sighting.door = await addSighting(env.hub, { kioskId: 'door-1', kind: 'unknown', ts: now - 3_000 });
    sighting.yardSpoof = await addSighting(env.hub, { kioskId: 'yard-1', kind: 'spoof', ts: now - 2_000, count: 7 });
    sighting.yardUnknown = await addSighting(env.hub, { kioskId: 'yard-1', kind: 'unknown', ts: now - 1_000 });
    photos = { door: await testJpeg(1), punch: await testJpeg(2) };
    await addEvidence(env.hub, 'sighting', sighting.door, 'door-1', photos.door);
    punchId = (await env.hub.pool.query<{ id: string }>("SELECT id FROM hub_punches WHERE kiosk_id = 'door-1' ORDER BY ts LIMIT 1")).rows[0]!.id;
    await addEvidence(env.hub, 'punch', punchId, 'door-1', photos.punch);
    cookie = await hubAdminCookie(env.hub.url);
  });
  after(async () => {
    await env?.close();
    pg?.stop();
  });

  const get = (url: string, withSession = true): Promise<Response> => fetch(`${env.hub.url}${url}`, { headers: withSession ? { cookie } : {} });
  async function json<T>(url: string): Promise<T> {
    const res = await get(url);
    assert.equal(res.status, 200, `${url}: ${await res.clone().text()}`);
    return (await res.json()) as T;
  }

  test('nothing without a session: audit, sightings, photos', async () => {
    for (const url of [`/api/admin/audit?${RANGE}`, `/api/admin/sightings?${RANGE}`, `/api/admin/evidence/sighting/${sighting.door}`, `/api/admin/evidence/punch/${punchId}`]) {
      const res = await get(url, false);
      assert.equal(res.status, 401, url);
      assert.match(res.headers.get('content-type') ?? '', /json/u, 'no photo bytes');
    }
  });

  test('the audit trail: the hub\'s own actions and the kiosks\' events, newest first, paged, filtered by kiosk, site or hub', async () => {
    const all = await json<HubTrailPageDto<HubAuditDto>>(`/api/admin/audit?${RANGE}&pageSize=500`);
    assert.equal(all.hasMore, false);
    assert.ok(all.items.every((a, i) => i === 0 || all.items[i - 1]!.ts >= a.ts), 'newest first');
    const hubOwn = all.items.filter((a) => a.kioskId === null);
    assert.ok(hubOwn.some((a) => a.action === 'admin.login' && a.actor === `admin:${HUB_ADMIN.username}`), 'the hub\'s login');
    assert.ok(hubOwn.some((a) => a.action === 'kiosk.create' && a.target === 'kiosk:yard-1'));
    assert.ok(hubOwn.every((a) => a.site === null));
    const voided = all.items.find((a) => a.kioskId === 'yard-1' && a.action.includes('void'));
    assert.ok(voided, 'yard-1\'s void came up with its audit trail');
    assert.equal(voided.site, 'warehouse');
    assert.equal(voided.actor, 'admin:test');
    assert.match(voided.details, /wrong person/u);

    const yard = await json<HubTrailPageDto<HubAuditDto>>(`/api/admin/audit?${RANGE}&kioskId=yard-1&pageSize=500`);
    assert.ok(yard.items.length > 0 && yard.items.every((a) => a.kioskId === 'yard-1'));
    const hq = await json<HubTrailPageDto<HubAuditDto>>(`/api/admin/audit?${RANGE}&site=hq&pageSize=500`);
    assert.ok(hq.items.length > 0 && hq.items.every((a) => a.kioskId === 'door-1'), 'a site filter leaves the hub\'s own rows out');
    const own = await json<HubTrailPageDto<HubAuditDto>>(`/api/admin/audit?${RANGE}&hub=true&pageSize=500`);
    assert.deepEqual(own.items.map((a) => a.id).sort(), hubOwn.map((a) => a.id).sort());

    const first = await json<HubTrailPageDto<HubAuditDto>>(`/api/admin/audit?${RANGE}&pageSize=2`);
    const second = await json<HubTrailPageDto<HubAuditDto>>(`/api/admin/audit?${RANGE}&pageSize=2&page=2`);
    assert.deepEqual([first.items.length, first.hasMore, second.page], [2, true, 2]);
    assert.deepEqual([...first.items, ...second.items].map((a) => a.id), all.items.slice(0, 4).map((a) => a.id));

    for (const bad of ['&kioskId=Not%20A%20Kiosk', '&hub=maybe', '&from=2026-13-01', '&pageSize=0']) {
      const res = await get(`/api/admin/audit?${RANGE}${bad}`);
      assert.equal(res.status, 400, bad);
      assert.doesNotMatch(await res.text(), /\n\s+at /u, 'no stack');
    }
  });

  test('sightings from every kiosk, newest first, with kiosk, site and kind filters and whether a photo was kept', async () => {
    const all = await json<HubTrailPageDto<HubSightingDto>>(`/api/admin/sightings?${RANGE}`);
    assert.deepEqual(all.items.map((s) => [s.id, s.kioskId, s.site, s.kind, s.hasPhoto]), [
      [sighting.yardUnknown, 'yard-1', 'warehouse', 'unknown', false],
      [sighting.yardSpoof, 'yard-1', 'warehouse', 'spoof', false],
      [sighting.door, 'door-1', 'hq', 'unknown', true],
    ]);
    assert.equal(all.items[1]!.count, 7);
    assert.deepEqual((await json<HubTrailPageDto<HubSightingDto>>(`/api/admin/sightings?${RANGE}&kioskId=door-1`)).items.map((s) => s.id), [sighting.door]);
    assert.deepEqual((await json<HubTrailPageDto<HubSightingDto>>(`/api/admin/sightings?${RANGE}&site=warehouse&kind=spoof`)).items.map((s) => s.id), [sighting.yardSpoof]);
    const paged = await json<HubTrailPageDto<HubSightingDto>>(`/api/admin/sightings?${RANGE}&pageSize=2&page=2`);
    assert.deepEqual([paged.items.map((s) => s.id), paged.hasMore], [[sighting.door], false]);
    assert.equal((await get(`/api/admin/sightings?${RANGE}&kind=ghost`)).status, 400);
  });

  test('evidence photos: opened with the site key, served to an admin with no-store; 404 for none; a punch\'s too', async () => {
    const res = await get(`/api/admin/evidence/sighting/${sighting.door}`);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'image/jpeg');
    assert.match(res.headers.get('cache-control') ?? '', /no-store/u);
    assert.ok(Buffer.from(await res.arrayBuffer()).equals(photos.door), 'the very JPEG the kiosk sealed');

    const punch = await get(`/api/admin/evidence/punch/${punchId}`);
    assert.equal(punch.status, 200);
    assert.match(punch.headers.get('cache-control') ?? '', /no-store/u);
    assert.ok(Buffer.from(await punch.arrayBuffer()).equals(photos.punch));
    const log = await json<HubPunchPageDto>(`/api/admin/punches?${RANGE}`);
    assert.deepEqual(log.items.filter((p) => p.hasPhoto).map((p) => p.id), [punchId], 'the log says which punch has a photo');

    for (const url of [`/api/admin/evidence/sighting/${randomUUID()}`, `/api/admin/evidence/sighting/${sighting.yardSpoof}`, `/api/admin/evidence/sighting/${punchId}`]) {
      const none = await get(url);
      assert.equal(none.status, 404, url);
      assert.equal(((await none.json()) as { error: string }).error, 'not-found');
    }
    assert.equal((await get('/api/admin/evidence/sighting/not-a-uuid')).status, 400);
    assert.equal((await get(`/api/admin/evidence/person/${punchId}`)).status, 400);

    // A blob moved onto another record does not open (it is bound to its own id): an error line, no bytes, no stack.
    await env.hub.pool.query('UPDATE hub_evidence SET sighting_id = $1 WHERE sighting_id = $2', [sighting.yardSpoof, sighting.door]);
    const moved = await get(`/api/admin/evidence/sighting/${sighting.yardSpoof}`);
    assert.equal(moved.status, 500);
    const body = (await moved.json()) as { error: string; message: string };
    assert.equal(body.error, 'evidence-unreadable');
    assert.match(body.message, /site key/u);
    await env.hub.pool.query('UPDATE hub_evidence SET sighting_id = $1 WHERE sighting_id = $2', [sighting.door, sighting.yardSpoof]);
  });
});
