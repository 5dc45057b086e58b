/**
 * The hub admin pages' fleet and gallery management on a real PostgreSQL: kiosks added, paired (a
 * code works once), given a new code and revoked; the hub's people with their face thumbnails, a
 * shift set and an erasure that reaches a kiosk as a tombstone; the shared shifts created and changed
 * and pulled by a kiosk. Nothing without a session, one-line errors, every action in hub_audit.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { HubKioskStatusDto, HubPairingDto, HubPersonDto, HubShiftDto } from '../../../src/hub/admin-dto.ts';
import { HubAdminsRepo } from '../../../src/hub/admins-repo.ts';
import { GalleryRepo } from '../../../src/hub/gallery-repo.ts';
import { defaultHubOptions } from '../../../src/hub/options.ts';
import { hashSecret } from '../../../src/server/auth/password.ts';
import type { SyncAgent } from '../../../src/sync/agent.ts';
import { joinHub } from '../../../src/sync/join.ts';
import { defaultSyncOptions } from '../../../src/sync/options.ts';
import { syncAgentFor } from '../../../src/sync/start.ts';
import { runCli, STACK_LINE } from '../../helpers/cli.ts';
import { descriptor, fakeSyncClock, startTestHub, testKiosk, type TestHub, type TestKiosk } from '../../helpers/hub.ts';
import { HUB_ADMIN, hubAdminCookie } from '../../helpers/hub-admin.ts';
import { postgresSkipReason, startPostgres, type TempPostgres } from '../../helpers/postgres.ts';

const skip = postgresSkipReason();
const DIM = 16;
const ACTOR = `admin:${HUB_ADMIN.username}`;

describe('hub admin: kiosks, people and shifts', { skip: skip ?? false }, () => {
  let pg: TempPostgres;
  let hub: TestHub;
  let cookie: string;
  const cleanups: (() => Promise<void> | void)[] = [];

  before(async () => {
    pg = await startPostgres();
    hub = await startTestHub(await pg.createDatabase('fleet'), { config: { scryptLogN: 10 } });
    cleanups.push(() => hub.close());
    await new HubAdminsRepo(hub.pool).create(HUB_ADMIN.username, await hashSecret(HUB_ADMIN.password, 10), 'test');
    cookie = await hubAdminCookie(hub.url);
  });
  after(async () => {
    for (const c of cleanups.reverse()) await c();
    pg?.stop();
  });

  async function call(method: string, url: string, body?: unknown, withSession = true): Promise<Response> {
    const headers: Record<string, string> = withSession ? { cookie } : {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    return fetch(`${hub.url}${url}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
  }

  async function json<T>(res: Response, status: number): Promise<T> {
    const text = await res.text();
    assert.equal(res.status, status, text);
    return JSON.parse(text) as T;
  }

  /** A one-line apiError naming the problem, never a stack. */
  async function refused(res: Response, status: number, error: string, message: RegExp): Promise<void> {
    const body = await json<{ error: string; message: string }>(res, status);
    assert.equal(body.error, error);
    assert.match(body.message, message);
    assert.doesNotMatch(body.message, /\n/u);
    assert.doesNotMatch(body.message, STACK_LINE);
  }

  async function audit(action: string): Promise<{ actor: string; target: string; kiosk_id: string | null; details: Record<string, unknown> }[]> {
    const { rows } = await hub.pool.query<{ actor: string; target: string; kiosk_id: string | null; details: Record<string, unknown> }>(
      'SELECT actor, target, kiosk_id, details FROM hub_audit WHERE action = $1 ORDER BY ts, id',
      [action],
    );
    return rows;
  }

  /** A kiosk paired with a code made on the admin page, with its sync agent. */
  async function pairedKiosk(code: string): Promise<{ k: TestKiosk; agent: SyncAgent }> {
    const clock = fakeSyncClock();
    const k = testKiosk(clock, () => clock.wallMs());
    cleanups.push(() => k.close());
    await joinHub({ dataDir: k.dir, store: k.store, url: hub.url, code, timeoutMs: 5_000 });
    const agent = syncAgentFor(k.store, k.dir, defaultSyncOptions, undefined, clock);
    assert.ok(agent);
    cleanups.push(() => agent.stop());
    return { k, agent };
  }

  const statusOf = async (id: string): Promise<HubKioskStatusDto | undefined> =>
    (await json<{ items: HubKioskStatusDto[] }>(await call('GET', '/api/admin/kiosks/status'), 200)).items.find((k) => k.id === id);
  const people = async (): Promise<HubPersonDto[]> => (await json<{ items: HubPersonDto[] }>(await call('GET', '/api/admin/people'), 200)).items;
  const pair = (code: string): Promise<Response> => fetch(`${hub.url}/api/sync/pair`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ code }) });

  test('nothing without a session: every fleet, people and shift endpoint answers 401', async () => {
    const uid = '01890a5d-ac96-774b-bcce-b302099a8057';
    const calls: [string, string, unknown?][] = [
      ['GET', '/api/admin/kiosks/status'],
      ['POST', '/api/admin/kiosks', { id: 'sneaky-1' }],
      ['POST', '/api/admin/kiosks/door-1/pair-code'],
      ['POST', '/api/admin/kiosks/door-1/revoke'],
      ['GET', '/api/admin/people'],
      ['GET', `/api/admin/people/${uid}/photo`],
      ['DELETE', `/api/admin/people/${uid}`],
      ['PUT', `/api/admin/people/${uid}/shift`, { shiftName: null }],
      ['GET', '/api/admin/shifts'],
      ['POST', '/api/admin/shifts', { name: 'x', start: '08:00', end: '17:00', graceMinutes: 0, overnight: false, workDays: [1] }],
      ['PUT', '/api/admin/shifts/x', { name: 'x', start: '08:00', end: '17:00', graceMinutes: 0, overnight: false, workDays: [1] }],
      ['DELETE', '/api/admin/shifts/x'],
    ];
    for (const [method, url, body] of calls) {
      const res = await call(method, url, body, false);
      assert.equal(res.status, 401, `${method} ${url}`);
      assert.equal(((await res.json()) as { error: string }).error, 'unauthorized');
    }
    const { rows } = await hub.pool.query('SELECT 1 FROM hub_kiosks WHERE id = $1', ['sneaky-1']);
    assert.equal(rows.length, 0, 'nothing was made');
  });

  test('kiosks: add shows a one-time code that pairs once; the list reports state and sync figures; new code; revoke', async () => {
    const before = Date.now();
    const made = await json<HubPairingDto>(await call('POST', '/api/admin/kiosks', { id: 'door-1', name: 'Cửa chính', site: 'hq' }), 201);
    assert.equal(made.kioskId, 'door-1');
    assert.match(made.code, /^[A-Z2-9]{4}(-[A-Z2-9]{4}){3}$/u);
    assert.ok(made.expiresAt >= before + defaultHubOptions.pairingCodeMs && made.expiresAt <= Date.now() + defaultHubOptions.pairingCodeMs);
    assert.deepEqual(
      (({ state, name, site, pairingPending, lastSeenAt }) => ({ state, name, site, pairingPending, lastSeenAt }))((await statusOf('door-1'))!),
      { state: 'waiting', name: 'Cửa chính', site: 'hq', pairingPending: true, lastSeenAt: null },
    );
    const { rows: stored } = await hub.pool.query<{ pairing_hash: string }>("SELECT pairing_hash FROM hub_kiosks WHERE id = 'door-1'");
    assert.notEqual(stored[0]!.pairing_hash, made.code, 'only the code\'s hash is kept');

    await refused(await call('POST', '/api/admin/kiosks', { id: 'door-1', site: 'hq' }), 409, 'kiosk-exists', /^a kiosk named door-1 already exists on the hub$/u);
    const bad = await call('POST', '/api/admin/kiosks', { id: 'Door 1!' });
    assert.equal(bad.status, 400);
    assert.match(((await bad.json()) as { issues: { message: string }[] }).issues[0]!.message, /kiosk id/u);

    const { agent } = await pairedKiosk(made.code);
    assert.equal((await pair(made.code)).status, 401, 'the code works once');
    await agent.syncOnce();
    const paired = (await statusOf('door-1'))!;
    assert.equal(paired.state, 'paired');
    assert.equal(paired.pairingPending, false);
    assert.ok(paired.pairedAt !== null && paired.lastSeenAt !== null, 'seen at its first push');
    assert.equal(paired.outboxDepth, 0);
    assert.equal(paired.clockSkewed, false);
    assert.ok(paired.clockOffsetMs !== null && Math.abs(paired.clockOffsetMs) < 60_000);

    // A spare box: a new code replaces the first unused one, the old one no longer pairs.
    const spare = await json<HubPairingDto>(await call('POST', '/api/admin/kiosks', { id: 'spare-1' }), 201);
    assert.deepEqual([(await statusOf('spare-1'))!.site, (await statusOf('spare-1'))!.name], ['main', 'spare-1']);
    const again = await json<{ code: string; expiresAt: number }>(await call('POST', '/api/admin/kiosks/spare-1/pair-code'), 200);
    assert.notEqual(again.code, spare.code);
    assert.equal((await pair(spare.code)).status, 401, 'the replaced code is dead');
    await refused(await call('POST', '/api/admin/kiosks/nobody-9/pair-code'), 404, 'unknown-kiosk', /^no kiosk nobody-9 on the hub$/u);
    const { agent: spareAgent } = await pairedKiosk(again.code);
    await spareAgent.syncOnce();

    assert.equal((await json<{ ok: boolean }>(await call('POST', '/api/admin/kiosks/spare-1/revoke'), 200)).ok, true);
    assert.equal((await statusOf('spare-1'))!.state, 'revoked');
    await assert.rejects(spareAgent.syncOnce(), /revoked/u, 'refused at its very next request');
    await refused(await call('POST', '/api/admin/kiosks/spare-1/revoke'), 404, 'unknown-kiosk', /no active kiosk spare-1/u);
    await refused(await call('POST', '/api/admin/kiosks/nobody-9/revoke'), 404, 'unknown-kiosk', /no active kiosk nobody-9/u);

    for (const [action, targets] of [['kiosk.create', ['kiosk:door-1', 'kiosk:spare-1']], ['kiosk.pair-code', ['kiosk:spare-1']], ['kiosk.revoke', ['kiosk:spare-1']]] as const) {
      const rows = await audit(action);
      assert.deepEqual(rows.map((r) => r.target), targets, action);
      assert.ok(rows.every((r) => r.actor === ACTOR && r.kiosk_id === null), `${action} by the page's admin, on the hub itself`);
    }
    assert.deepEqual((await audit('kiosk.create'))[0]!.details, { name: 'Cửa chính', site: 'hq' });
  });

  test('shifts: create, refuse a duplicate and bad times in one line, change, list; a kiosk pulls them', async () => {
    const { agent, k } = await pairedKiosk((await json<HubPairingDto>(await call('POST', '/api/admin/kiosks', { id: 'shift-door' }), 201)).code);
    const morning = { name: 'Ca sáng', start: '08:00', end: '17:00', graceMinutes: 5, overnight: false, workDays: [1, 2, 3, 4, 5] };
    const created = await json<{ ok: true; rev: number }>(await call('POST', '/api/admin/shifts', morning), 201);
    await refused(await call('POST', '/api/admin/shifts', morning), 409, 'name-taken', /a shift "Ca sáng" exists already/u);
    await refused(await call('POST', '/api/admin/shifts', { ...morning, name: 'Ca lỗi', end: '08:00' }), 400, 'bad-request', /cannot start and end at the same time/u);
    await refused(await call('POST', '/api/admin/shifts', { ...morning, name: 'Ca lỗi', start: '22:00', end: '06:00' }), 400, 'bad-request', /only possible overnight/u);
    await refused(await call('POST', '/api/admin/shifts', { ...morning, name: 'Ca lỗi', overnight: true }), 400, 'bad-request', /overnight shift must end before its start/u);
    assert.equal((await call('POST', '/api/admin/shifts', { ...morning, name: 'Ca lỗi', start: '25:00' })).status, 400);
    const night = await json<{ rev: number }>(await call('POST', '/api/admin/shifts', { name: 'Ca đêm', start: '22:00', end: '06:00', graceMinutes: 0, overnight: true, workDays: [0, 6] }), 201);
    assert.ok(night.rev > created.rev);

    const changed = await json<{ rev: number }>(await call('PUT', `/api/admin/shifts/${encodeURIComponent('Ca sáng')}`, { ...morning, start: '07:30', graceMinutes: 10 }), 200);
    assert.ok(changed.rev > night.rev, 'a change takes a new revision, so it flows down');
    await refused(await call('PUT', `/api/admin/shifts/${encodeURIComponent('Ca sáng')}`, { ...morning, name: 'Ca sớm' }), 400, 'name-fixed', /keeps its name/u);
    await refused(await call('PUT', '/api/admin/shifts/Nowhere', { ...morning, name: 'Nowhere' }), 404, 'unknown-shift', /no shift "Nowhere"/u);

    const list = (await json<{ items: HubShiftDto[] }>(await call('GET', '/api/admin/shifts'), 200)).items;
    assert.deepEqual(list.map(({ name, start, end, graceMinutes, overnight, workDays, people: n }) => ({ name, start, end, graceMinutes, overnight, workDays, people: n })), [
      { name: 'Ca sáng', start: '07:30', end: '17:00', graceMinutes: 10, overnight: false, workDays: [1, 2, 3, 4, 5], people: 0 },
      { name: 'Ca đêm', start: '22:00', end: '06:00', graceMinutes: 0, overnight: true, workDays: [0, 6], people: 0 },
    ]);
    const puts = await audit('shift.put');
    assert.deepEqual(puts.map((r) => r.target), ['shift:Ca sáng', 'shift:Ca đêm', 'shift:Ca sáng']);
    assert.ok(puts.every((r) => r.actor === ACTOR && r.kiosk_id === null));

    await agent.syncOnce();
    const onKiosk = k.store.db.prepare<[], { name: string; start_minute: number; grace_minutes: number; overnight: number; work_days: number }>(
      'SELECT name, start_minute, grace_minutes, overnight, work_days FROM shifts ORDER BY start_minute',
    ).all();
    assert.deepEqual(onKiosk.map((s) => ({ ...s })), [
      { name: 'Ca sáng', start_minute: 450, grace_minutes: 10, overnight: 0, work_days: 0b0111110 },
      { name: 'Ca đêm', start_minute: 1320, grace_minutes: 0, overnight: 1, work_days: 0b1000001 },
    ]);
  });

  test('people: the hub\'s gallery with thumbnails; a shift set and an erasure reach the kiosk by revision', async () => {
    const { agent, k } = await pairedKiosk((await json<HubPairingDto>(await call('POST', '/api/admin/kiosks', { id: 'enrol-door', site: 'hq' }), 201)).code);
    const enroll = (name: string, code: string | null, photos: string[], seed: number): number => {
      const { person } = k.store.people.upsert({ name, employeeCode: code });
      k.store.people.addSamples(person.id, photos.map((p, i) => ({ descriptor: descriptor(DIM, seed + i), kind: 'arcface' as const, modelVersion: 'v1', quality: 0.9, sourceKey: p, ...(p.startsWith('no-crop') ? {} : { crop: Buffer.from(`jpeg:${p}`) }) })));
      return person.id;
    };
    enroll('Vũ Thị Hạnh', 'E7', ['h1.jpg', 'h2.jpg'], 3);
    enroll('Đỗ Văn Khoa', null, ['no-crop.jpg'], 9);
    await agent.syncOnce();

    const listed = await people();
    const hanh = listed.find((p) => p.name === 'Vũ Thị Hạnh')!;
    const khoa = listed.find((p) => p.name === 'Đỗ Văn Khoa')!;
    assert.deepEqual({ ...hanh, uid: undefined, photoUrl: undefined }, { uid: undefined, name: 'Vũ Thị Hạnh', employeeCode: 'E7', shiftName: null, active: true, originKiosk: 'enrol-door', samples: 2, photoUrl: undefined });
    assert.equal(hanh.photoUrl, `/api/admin/people/${hanh.uid}/photo`);
    assert.deepEqual([khoa.samples, khoa.photoUrl], [1, null], 'no crop, no thumbnail');

    const photo = await call('GET', hanh.photoUrl);
    assert.equal(photo.status, 200);
    assert.equal(photo.headers.get('content-type'), 'image/jpeg');
    assert.match(photo.headers.get('cache-control') ?? '', /no-store/u);
    assert.ok(['jpeg:h1.jpg', 'jpeg:h2.jpg'].includes(Buffer.from(await photo.arrayBuffer()).toString()), 'the crop, opened with the site key');
    assert.equal((await call('GET', hanh.photoUrl, undefined, false)).status, 401, 'never without a session');
    await refused(await call('GET', `/api/admin/people/${khoa.uid}/photo`), 404, 'not-found', /no face crop/u);
    assert.equal((await call('GET', '/api/admin/people/not-a-uid/photo')).status, 400);

    // A shift set on the hub reaches the kiosk by revision.
    await json(await call('POST', '/api/admin/shifts', { name: 'Ca chiều', start: '13:00', end: '21:00', graceMinutes: 0, overnight: false, workDays: [1, 2, 3, 4, 5] }), 201);
    const revBefore = await new GalleryRepo(hub.pool, hub.siteKey).latestRev();
    const set = await json<{ rev: number }>(await call('PUT', `/api/admin/people/${hanh.uid}/shift`, { shiftName: 'Ca chiều' }), 200);
    assert.ok(set.rev > revBefore);
    assert.equal((await people()).find((p) => p.uid === hanh.uid)!.shiftName, 'Ca chiều');
    await refused(await call('PUT', `/api/admin/people/${hanh.uid}/shift`, { shiftName: 'Ca ma' }), 404, 'unknown-shift', /no shift "Ca ma"/u);
    await refused(await call('PUT', '/api/admin/people/01890a5d-ac96-774b-bcce-b302099a8057/shift', { shiftName: null }), 404, 'not-found', /no person/u);
    await agent.syncOnce();
    const kioskShift = (): string | null => k.store.db.prepare<[string], { name: string | null }>('SELECT s.name FROM people p LEFT JOIN shifts s ON s.id = p.shift_id WHERE p.uid = ?').get(hanh.uid)?.name ?? null;
    assert.equal(kioskShift(), 'Ca chiều');
    assert.deepEqual((await audit('person.shift')).map((r) => [r.actor, r.kiosk_id, r.target, r.details]), [[ACTOR, null, `person:${hanh.uid}`, { from: null, to: 'Ca chiều' }]]);

    // Erase: a tombstone at a new revision, which the kiosk pulls and applies.
    const gallery = new GalleryRepo(hub.pool, hub.siteKey);
    const beforeErase = await gallery.latestRev();
    const known = (): number => new Set(k.store.people.loadGallery('arcface').personIndex).size;
    assert.equal(known(), 2);
    assert.equal((await json<{ ok: boolean }>(await call('DELETE', `/api/admin/people/${hanh.uid}`), 200)).ok, true);
    const down = await gallery.changesSince(beforeErase, 100);
    assert.deepEqual(down.people.map((p) => [p.uid, p.erased, p.samples.length, p.crops.length]), [[hanh.uid, true, 0, 0]], 'a tombstone above the kiosk\'s cursor');
    assert.ok(down.next > beforeErase);
    assert.deepEqual((await people()).map((p) => p.name), ['Đỗ Văn Khoa']);
    assert.equal((await call('GET', hanh.photoUrl)).status, 404, 'the crop is gone');
    await agent.syncOnce();
    assert.equal(known(), 1, 'erased at the kiosk too');
    assert.equal(k.store.db.prepare<[], { n: number }>('SELECT count(*) AS n FROM face_crops').get()!.n, 0);
    assert.deepEqual((await audit('person.erase')).map((r) => [r.actor, r.kiosk_id, r.target]), [[ACTOR, null, `person:${hanh.uid}`]]);
    await refused(await call('DELETE', '/api/admin/people/01890a5d-ac96-774b-bcce-b302099a8057'), 404, 'not-found', /no person/u);
  });

  test('the `kiosk hub` commands and the page share one state: a shift made by the CLI is listed, a kiosk added on the page is listed by the CLI', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kiosk-hub-fleet-'));
    try {
      const env = { KIOSK_HUB__POSTGRES_URL: pg.url('fleet'), KIOSK_DATA_DIR: dir };
      await json(await call('POST', '/api/admin/kiosks', { id: 'cli-seen', site: 'depot' }), 201);
      const shift = await runCli(['hub', 'shift', 'Ca CLI', '--start', '06:00', '--end', '14:00', '--days', 'mon-sat'], { env });
      assert.equal(shift.code, 0, shift.stderr);
      assert.match(shift.stdout, /shift Ca CLI saved \(gallery revision \d+\)/u);
      const listed = (await json<{ items: HubShiftDto[] }>(await call('GET', '/api/admin/shifts'), 200)).items.find((x) => x.name === 'Ca CLI');
      assert.deepEqual(listed && { start: listed.start, end: listed.end, workDays: listed.workDays }, { start: '06:00', end: '14:00', workDays: [1, 2, 3, 4, 5, 6] });
      const kiosks = await runCli(['hub', 'kiosks'], { env });
      assert.equal(kiosks.code, 0, kiosks.stderr);
      assert.match(kiosks.stdout, /^depot\/cli-seen \(cli-seen\): waiting for pairing, never seen/mu);
      assert.match(kiosks.stdout, /^main\/spare-1 \(spare-1\): revoked/mu);
      const { rows } = await hub.pool.query<{ actor: string }>("SELECT actor FROM hub_audit WHERE action = 'shift.put' AND target = 'shift:Ca CLI'");
      assert.match(rows[0]!.actor, /^cli/u, 'the CLI records its system user, the page its admin');
      const deleted = await runCli(['hub', 'delete-shift', 'Ca CLI'], { env });
      assert.equal(deleted.code, 0, deleted.stderr);
      assert.match(deleted.stdout, /shift Ca CLI deleted \(gallery revision \d+\); kiosks remove it at their next sync/u);
      assert.ok(!(await json<{ items: HubShiftDto[] }>(await call('GET', '/api/admin/shifts'), 200)).items.some((x) => x.name === 'Ca CLI'));
      const again = await runCli(['hub', 'delete-shift', 'Ca CLI'], { env });
      assert.equal(again.code, 2, 'a usage error');
      assert.match(again.stderr, /no shift "Ca CLI" on the hub/u);
      assert.equal(again.stderr.trim().split('\n').filter((l) => /^\s+at /u.test(l)).length, 0, 'one line, no stack');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('a shift nobody is on is deleted on the hub and, as a tombstone, on every kiosk; one in use, or unknown, is refused in one line', async () => {
    const { agent, k } = await pairedKiosk((await json<HubPairingDto>(await call('POST', '/api/admin/kiosks', { id: 'shift-gone' }), 201)).code);
    const late = { name: 'Ca muộn', start: '10:00', end: '19:00', graceMinutes: 0, overnight: false, workDays: [1, 2, 3, 4, 5] };
    const path = `/api/admin/shifts/${encodeURIComponent(late.name)}`;
    await json(await call('POST', '/api/admin/shifts', late), 201);
    await agent.syncOnce();
    const localShift = (): number | undefined => k.store.db.prepare<[string], { id: number }>('SELECT id FROM shifts WHERE name = ?').get(late.name)?.id;
    const shiftId = localShift();
    assert.ok(shiftId !== undefined, 'the kiosk has it');
    const local = k.store.people.upsert({ name: 'Lê Văn Tới', employeeCode: 'E-late' }, 'test').person;
    const localShiftOf = (): number | null | undefined => k.store.db.prepare<[number], { shift_id: number | null }>('SELECT shift_id FROM people WHERE id = ?').get(local.id)?.shift_id;
    assert.equal(k.store.shifts.assign(local.id, shiftId, 'test').ok, true);
    await agent.syncOnce();

    // Someone is on it (the hub learnt it from the kiosk): refused.
    await refused(await call('DELETE', path), 409, 'in-use', /1 person is on shift "Ca muộn"; give them another shift first/u);
    await refused(await call('DELETE', '/api/admin/shifts/Nowhere'), 404, 'unknown-shift', /no shift "Nowhere"/u);
    const uid = k.store.db.prepare<[number], { uid: string }>('SELECT uid FROM people WHERE id = ?').get(local.id)!.uid;
    await json(await call('PUT', `/api/admin/people/${uid}/shift`, { shiftName: null }), 200);
    await agent.syncOnce();
    assert.equal(localShiftOf(), null, 'moved off it from the hub');
    // Put back on it at the kiosk, and the hub not told yet: the deletion will move them to no shift.
    assert.equal(k.store.shifts.assign(local.id, shiftId, 'test').ok, true);

    const gone = await json<{ ok: true; rev: number }>(await call('DELETE', path), 200);
    await refused(await call('DELETE', path), 404, 'unknown-shift', /no shift "Ca muộn"/u);
    assert.ok(!(await json<{ items: HubShiftDto[] }>(await call('GET', '/api/admin/shifts'), 200)).items.some((x) => x.name === late.name), 'not listed');
    await refused(await call('PUT', `/api/admin/people/${uid}/shift`, { shiftName: late.name }), 404, 'unknown-shift', /no shift "Ca muộn"/u);
    const down = await new GalleryRepo(hub.pool, hub.siteKey).changesSince(gone.rev - 1, 100);
    assert.deepEqual(down.shifts.map((x) => [x.name, x.deleted]), [[late.name, true]], 'a tombstone at the new revision');
    assert.deepEqual((await audit('shift.delete')).filter((r) => r.target === 'shift:Ca muộn').map((r) => r.actor), [ACTOR]);

    await agent.syncOnce();
    assert.equal(localShift(), undefined, 'removed at the kiosk');
    assert.equal(localShiftOf(), null);
    const trail = k.store.audit.list({ limit: 20 }).filter((a) => a.actor === 'hub').map((a) => `${a.action} ${a.target}`);
    for (const e of [`shift.delete shift:${shiftId}`, `person.shift person:${local.id}`]) assert.ok(trail.includes(e), `${e} in the kiosk's trail, by the hub`);

    // The name made again is the shift again, everywhere.
    await json(await call('POST', '/api/admin/shifts', { ...late, start: '11:00' }), 201);
    await agent.syncOnce();
    assert.ok(localShift() !== undefined, 'made again, it reaches the kiosk again');
  });
});
