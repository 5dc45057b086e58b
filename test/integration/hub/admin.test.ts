/**
 * The hub's admin API on a real PostgreSQL: two kiosks' punches in one log, nothing without a
 * session, kiosk/site/voided filters, the CSV, back-off, Origin checks, logout, audit, and
 * `kiosk hub add-admin` as a user runs it.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { HubKioskDto, HubPunchPageDto } from '../../../src/hub/admin-dto.ts';
import { HubAdminsRepo } from '../../../src/hub/admins-repo.ts';
import { parseCsv } from '../../../src/server/csv.ts';
import { runCli, STACK_LINE } from '../../helpers/cli.ts';
import { HUB_ADMIN, twoKioskHub, type TwoKioskHub } from '../../helpers/hub-admin.ts';
import { postgresSkipReason, startPostgres, type TempPostgres } from '../../helpers/postgres.ts';

const skip = postgresSkipReason();
const DAY_MS = 86_400_000;
const isoDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
// Punches are made at "now" on the kiosks' fake clocks: a three-day window holds them in any zone.
const RANGE = `from=${isoDay(Date.now() - DAY_MS)}&to=${isoDay(Date.now() + DAY_MS)}`;

describe('hub admin API', { skip: skip ?? false }, () => {
  let pg: TempPostgres;
  let env: TwoKioskHub;
  before(async () => {
    pg = await startPostgres();
    env = await twoKioskHub(pg, 'admin_api');
  });
  after(async () => {
    await env?.close();
    pg?.stop();
  });

  const get = (url: string, cookie?: string): Promise<Response> => fetch(`${env.hub.url}${url}`, { headers: cookie === undefined ? {} : { cookie } });

  async function login(username: string = HUB_ADMIN.username, password: string = HUB_ADMIN.password): Promise<Response> {
    return fetch(`${env.hub.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
  }

  async function session(): Promise<string> {
    const res = await login();
    assert.equal(res.status, 200, await res.clone().text());
    const set = res.headers.get('set-cookie') ?? '';
    assert.match(set, /HttpOnly/u);
    assert.match(set, /SameSite=Strict/u);
    return set.split(';')[0]!;
  }

  test('nothing personal without a session', async () => {
    for (const url of [`/api/admin/punches?${RANGE}`, `/api/admin/export.csv?${RANGE}`, '/api/admin/kiosks', '/api/admin/settings']) {
      const res = await get(url);
      assert.equal(res.status, 401, url);
      const body = await res.text();
      for (const name of [...env.pushed['door-1'], ...env.pushed['yard-1']]) assert.ok(!body.includes(name), `${url} leaks ${name}`);
    }
    assert.deepEqual(await (await get('/api/auth/state')).json(), { authenticated: false, username: null });
    assert.equal((await get(`/api/admin/punches?${RANGE}`, 'kiosk_admin=forged-token')).status, 401);
  });

  test('a wrong password is refused, and repeated failures back off', async () => {
    const wrong = await login(HUB_ADMIN.username, 'not the password');
    assert.equal(wrong.status, 401);
    assert.equal(((await wrong.json()) as { error: string }).error, 'bad-credentials');
    assert.equal((await login('nobody', 'whatever it is')).status, 401);
    let last = 0;
    for (let i = 0; i < 6; i++) last = (await login('someone.else', 'guessing')).status;
    assert.equal(last, 429, 'the sixth failure in a row waits');
    // Another user name from the same address still has its own tries (the address allows twice as many).
    assert.equal((await login()).status, 200);
  });

  test('one log holds both kiosks; kiosk, site and voided filters narrow it', async () => {
    const cookie = await session();
    const state = (await (await get('/api/auth/state', cookie)).json()) as { authenticated: boolean; username: string };
    assert.deepEqual(state, { authenticated: true, username: HUB_ADMIN.username });

    const kiosks = ((await (await get('/api/admin/kiosks', cookie)).json()) as { items: HubKioskDto[] }).items;
    assert.deepEqual(kiosks.map((k) => [k.id, k.site, k.clockSkewed]), [['door-1', 'hq', false], ['yard-1', 'warehouse', true]]);

    const page = async (q: string): Promise<HubPunchPageDto> => {
      const res = await get(`/api/admin/punches?${RANGE}${q}`, cookie);
      assert.equal(res.status, 200, await res.clone().text());
      return (await res.json()) as HubPunchPageDto;
    };
    const all = await page('');
    assert.equal(all.total, 5);
    assert.deepEqual(new Set(all.items.map((p) => p.kioskId)), new Set(['door-1', 'yard-1']));
    assert.deepEqual(all.items.map((p) => p.personName).sort(), [...env.pushed['door-1'], ...env.pushed['yard-1']].sort());
    const trust = (kiosk: string): string[] => all.items.filter((p) => p.kioskId === kiosk).map((p) => p.clockTrust).sort();
    assert.deepEqual(trust('door-1'), ['confirmed', 'unconfirmed'], 'the punch made before joining is history');
    assert.deepEqual(trust('yard-1'), ['skewed', 'skewed', 'skewed'], 'yard-1\'s clock is an hour ahead');
    for (const p of all.items.filter((x) => x.kioskId === 'yard-1')) assert.ok(Math.abs(p.ts - p.correctedTs! - 3_600_000) < 60_000, 'the hub\'s corrected time');
    assert.ok(all.items.every((p, i) => i === 0 || all.items[i - 1]!.ts >= p.ts), 'newest first');
    const voided = all.items.filter((p) => p.voidedAt !== null);
    assert.deepEqual(voided.map((p) => [p.personName, p.voidReason]), [[env.voidedName, 'wrong person']]);

    const door = await page('&kioskId=door-1');
    assert.deepEqual(door.items.map((p) => p.personName).sort(), [...env.pushed['door-1']].sort());
    assert.ok(door.items.every((p) => p.kioskId === 'door-1' && p.site === 'hq'));
    const warehouse = await page('&site=warehouse');
    assert.equal(warehouse.total, 3);
    assert.ok(warehouse.items.every((p) => p.kioskId === 'yard-1'));
    assert.equal((await page('&site=warehouse&includeVoided=false')).total, 2);
    assert.equal((await page('&kioskId=door-1&site=warehouse')).total, 0);
    const paged = await page('&pageSize=2&page=3');
    assert.deepEqual([paged.items.length, paged.total, paged.page], [1, 5, 3]);

    const bad = await get(`/api/admin/punches?${RANGE}&kioskId=${encodeURIComponent('x; DROP TABLE')}`, cookie);
    assert.equal(bad.status, 400);
  });

  test('the CSV export has every kiosk, its site and the clock, and follows the filters', async () => {
    const cookie = await session();
    const res = await get(`/api/admin/export.csv?${RANGE}&lang=en`, cookie);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^text\/csv/u);
    assert.match(res.headers.get('content-disposition') ?? '', /attachment; filename="attendance-all-/u);
    const rows = parseCsv(await res.text());
    const header = rows[0]!;
    const col = (name: string): number => header.indexOf(name);
    assert.ok(col('Kiosk') >= 0 && col('Site') >= 0 && col('Clock') >= 0 && col('Status') >= 0);
    const body = rows.slice(1);
    assert.equal(body.length, 5);
    assert.deepEqual(new Set(body.map((r) => `${r[col('Kiosk')]}@${r[col('Site')]}`)), new Set(['door-1@hq', 'yard-1@warehouse']));
    assert.deepEqual(body.filter((r) => r[col('Status')] === 'voided').map((r) => r[col('Name')]), [env.voidedName]);
    assert.deepEqual(body.map((r) => `${r[col('Kiosk')]}:${r[col('Clock')]}`).sort(), ['door-1:confirmed', 'door-1:not confirmed', 'yard-1:off', 'yard-1:off', 'yard-1:off']);
    assert.ok(body.filter((r) => r[col('Kiosk')] === 'yard-1').every((r) => /^\d{4}-\d{2}-\d{2}T/u.test(r[col('Corrected time (UTC)')]!)), 'the hub\'s time for a clock that is off');

    const vi = parseCsv(await (await get(`/api/admin/export.csv?${RANGE}&kioskId=yard-1`, cookie)).text());
    assert.equal(vi[0]![vi[0]!.length - 1], 'Ghi chú');
    assert.equal(vi.length - 1, 3);
    const { rows: audited } = await env.hub.pool.query<{ actor: string; target: string; details: Record<string, unknown> }>("SELECT actor, target, details FROM hub_audit WHERE action = 'attendance.export'");
    const seen = audited.map((a) => `${a.target} ${String(a.details['rows'])} ${String(a.details['scope'] ?? 'all')}`).sort();
    assert.deepEqual(seen, ['attendance 3 kiosk:yard-1', 'attendance 5 all'], 'each export is audited with its scope');
    assert.ok(audited.every((a) => a.actor.startsWith('admin:')));
  });

  test('another site\'s page cannot use the session; logout ends it; logins are audited', async () => {
    const cookie = await session();
    const foreign = await fetch(`${env.hub.url}/api/admin/kiosks`, { headers: { cookie, origin: 'https://evil.example' } });
    assert.equal(foreign.status, 403);
    // fetch cannot forge Host; a rebound DNS name reaches the hub as inject() sends it.
    const wrongHost = await env.hub.app.inject({ method: 'GET', url: '/api/admin/kiosks', headers: { cookie, host: 'attacker.example' } });
    assert.equal(wrongHost.statusCode, 421);

    const out = await fetch(`${env.hub.url}/api/admin/logout`, { method: 'POST', headers: { cookie } });
    assert.equal(out.status, 200);
    assert.match(out.headers.get('set-cookie') ?? '', /Max-Age=0/u);
    assert.equal((await get('/api/admin/kiosks', cookie)).status, 401, 'the old cookie is dead on every hub process (PostgreSQL)');

    const { rows } = await env.hub.pool.query<{ action: string; actor: string }>("SELECT action, actor FROM hub_audit WHERE action LIKE 'admin.%' ORDER BY ts");
    const actions = new Set(rows.map((r) => r.action));
    for (const a of ['admin.create', 'admin.login', 'admin.logout']) assert.ok(actions.has(a), a);
    const { rows: stored } = await env.hub.pool.query<{ token_hash: string }>('SELECT token_hash FROM hub_admin_sessions');
    assert.ok(stored.every((s) => /^[0-9a-f]{64}$/u.test(s.token_hash)), 'only token hashes are stored');
  });

  test('a session ends after the idle time, and at the absolute limit however busy', async () => {
    let now = 1_000_000;
    const repo = new HubAdminsRepo(env.hub.pool, () => now);
    const admin = await repo.findCredentials(HUB_ADMIN.username.toUpperCase());
    assert.ok(admin, 'user names match without case');
    const times = { idleMs: 10_000, maxMs: 25_000 };
    const idle = await repo.createSession(admin.id, times);
    now += 9_000;
    assert.equal((await repo.validateSession(idle.token, times, true))?.username, HUB_ADMIN.username, 'used within the idle time');
    now += 9_000;
    assert.ok(await repo.validateSession(idle.token, times, true), 'the last use pushed the idle deadline');
    now += 10_000;
    assert.equal(await repo.validateSession(idle.token, times, true), null, 'idle too long');

    const busy = await repo.createSession(admin.id, times);
    for (let i = 0; i < 4; i++) {
      now += 6_000;
      assert.ok(await repo.validateSession(busy.token, times, true), `use ${i + 1}`);
    }
    now += 2_000;
    assert.equal(await repo.validateSession(busy.token, times, false), null, 'past the absolute limit');
  });

  test('`kiosk hub add-admin` makes an admin from a password file (audited) and refuses bad input in one line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kiosk-hub-admin-'));
    try {
      const envVars = { KIOSK_HUB__POSTGRES_URL: pg.url('admin_api'), KIOSK_HUB__SCRYPT_LOG_N: '10', KIOSK_DATA_DIR: dir };
      const file = join(dir, 'pw');
      writeFileSync(file, 'một mật khẩu dài\n');
      const ok = await runCli(['hub', 'add-admin', 'minh.ops', '--password-file', file], { env: envVars });
      assert.equal(ok.code, 0, ok.stderr);
      assert.match(ok.stdout, /hub admin minh\.ops created/u);
      assert.equal((await login('minh.ops', 'một mật khẩu dài')).status, 200);

      const again = await runCli(['hub', 'add-admin', 'MINH.OPS', '--password-file', file], { env: envVars });
      assert.notEqual(again.code, 0);
      assert.match(again.stderr, /exists already/u);
      assert.doesNotMatch(again.stderr, STACK_LINE);

      writeFileSync(file, 'short\n');
      const short = await runCli(['hub', 'add-admin', 'other', '--password-file', file], { env: envVars });
      assert.notEqual(short.code, 0);
      assert.match(short.stderr, /10 to 256 characters/u);

      const noTty = await runCli(['hub', 'add-admin', 'other'], { env: envVars });
      assert.notEqual(noTty.code, 0);
      assert.match(noTty.stderr, /--password-file/u);

      const { rows } = await env.hub.pool.query<{ actor: string }>("SELECT actor FROM hub_audit WHERE action = 'admin.create' AND target = 'admin:minh.ops'");
      assert.equal(rows.length, 1);
      assert.match(rows[0]!.actor, /^cli/u);
      assert.equal(await new HubAdminsRepo(env.hub.pool).count(), 2);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
