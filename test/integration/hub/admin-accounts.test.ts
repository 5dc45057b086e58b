/**
 * Hub admin accounts on a real PostgreSQL: the repository functions the CLI and the admin page share
 * (disabling ends sessions at once, never the last enabled admin nor oneself, a new password ends the
 * other sessions), the API over them (401 without a session), `kiosk hub admins / disable-admin /
 * enable-admin / set-password` as a user runs them, and the audit rows every change writes.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { AdminAccountDto } from '../../../src/server/protocol.ts';
import { HubAdminsRepo } from '../../../src/hub/admins-repo.ts';
import { hashSecret } from '../../../src/server/auth/password.ts';
import { runCli, STACK_LINE } from '../../helpers/cli.ts';
import { HUB_ADMIN, twoKioskHub, type TwoKioskHub } from '../../helpers/hub-admin.ts';
import { postgresSkipReason, startPostgres, type TempPostgres } from '../../helpers/postgres.ts';

const skip = postgresSkipReason();
const TIMES = { idleMs: 60_000, maxMs: 600_000 };

describe('hub admin accounts', { skip: skip ?? false }, () => {
  let pg: TempPostgres;
  let env: TwoKioskHub;
  let repo: HubAdminsRepo;
  before(async () => {
    pg = await startPostgres();
    env = await twoKioskHub(pg, 'admin_accounts');
    repo = new HubAdminsRepo(env.hub.pool);
  });
  after(async () => {
    await env?.close();
    pg?.stop();
  });

  const call = (method: string, url: string, cookie?: string, body?: unknown): Promise<Response> =>
    fetch(`${env.hub.url}${url}`, {
      method,
      headers: { ...(cookie === undefined ? {} : { cookie }), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  async function session(username: string, password: string): Promise<string> {
    const res = await call('POST', '/api/auth/login', undefined, { username, password });
    assert.equal(res.status, 200, await res.clone().text());
    return (res.headers.get('set-cookie') ?? '').split(';')[0]!;
  }

  const audit = async (action: string, target: string): Promise<{ actor: string; kiosk_id: string | null; details: Record<string, unknown> }[]> =>
    (await env.hub.pool.query<{ actor: string; kiosk_id: string | null; details: Record<string, unknown> }>('SELECT actor, kiosk_id, details FROM hub_audit WHERE action = $1 AND target = $2 ORDER BY ts', [action, target])).rows;

  test('the repository: disabling ends sessions at once; never the last enabled admin nor oneself; a new password ends the other sessions', async () => {
    const a = await repo.create('repo.a', await hashSecret('password a long', 10), 'test');
    const b = await repo.create('repo.b', await hashSecret('password b long', 10), 'test');
    const s1 = await repo.createSession(b.id, TIMES);
    const s2 = await repo.createSession(b.id, TIMES);
    assert.ok(await repo.validateSession(s2.token, TIMES, false));
    assert.ok(await repo.validateSession(s1.token, TIMES, false));

    assert.deepEqual(await repo.setDisabled({ id: b.id }, true, 'admin:repo.a', b.id), { ok: false, reason: 'self' });
    const off = await repo.setDisabled({ username: 'REPO.B' }, true, 'admin:repo.a', a.id);
    assert.deepEqual(off, { ok: true, username: 'repo.b', endedSessions: 2 });
    assert.equal(await repo.validateSession(s1.token, TIMES, false), null, 'its sessions ended');
    assert.equal(await repo.validateSession(s2.token, TIMES, false), null);
    assert.equal((await env.hub.pool.query('SELECT 1 FROM hub_admin_sessions WHERE admin_id = $1', [b.id])).rowCount, 0);
    assert.equal((await repo.findCredentials('repo.b'))?.disabled, true);
    assert.deepEqual(await audit('admin.disable', 'admin:repo.b'), [{ actor: 'admin:repo.a', kiosk_id: null, details: { endedSessions: 2 } }]);
    assert.deepEqual(await repo.setDisabled({ username: 'nobody' }, true, 'test'), { ok: false, reason: 'not-found' });

    // Only repo.a and the hub's own admin stay enabled; disable the hub admin, then repo.a is the last.
    const main = (await repo.findCredentials(HUB_ADMIN.username))!;
    assert.equal((await repo.setDisabled({ id: main.id }, true, 'test')).ok, true);
    assert.deepEqual(await repo.setDisabled({ id: a.id }, true, 'test'), { ok: false, reason: 'last-admin' });
    assert.equal((await repo.findCredentials('repo.a'))?.disabled, false);
    assert.equal((await repo.setDisabled({ id: main.id }, false, 'test')).ok, true);
    assert.equal((await repo.setDisabled({ id: b.id }, false, 'test')).ok, true);
    assert.equal((await audit('admin.enable', 'admin:repo.b')).length, 1);

    const keep = await repo.createSession(a.id, TIMES);
    const other = await repo.createSession(a.id, TIMES);
    const changed = await repo.setPassword({ id: a.id }, await hashSecret('a new password here', 10), 'admin:repo.a', (await repo.validateSession(keep.token, TIMES, false))!.sessionId);
    assert.deepEqual(changed, { ok: true, username: 'repo.a', endedSessions: 1 });
    assert.ok(await repo.validateSession(keep.token, TIMES, false), 'the session that changed it stays');
    assert.equal(await repo.validateSession(other.token, TIMES, false), null, 'the other one ended');
    assert.deepEqual(await audit('admin.password', 'admin:repo.a'), [{ actor: 'admin:repo.a', kiosk_id: null, details: { endedSessions: 1 } }]);
    assert.deepEqual(await repo.setPassword({ username: 'nobody' }, 'x', 'test'), { ok: false, reason: 'not-found' });
  });

  test('the admin API: nothing without a session; list, add, disable (not oneself), enable, change one\'s own password', async () => {
    for (const [method, url, body] of [['GET', '/api/admin/admins'], ['POST', '/api/admin/admins', { username: 'x', password: 'long enough password' }], ['PUT', '/api/admin/admins/1/disabled', { disabled: true }], ['PUT', '/api/admin/password', { currentPassword: 'a', newPassword: 'long enough password' }]] as const) {
      const res = await call(method, url, undefined, body);
      assert.equal(res.status, 401, `${method} ${url}`);
      assert.ok(!(await res.text()).includes(HUB_ADMIN.username), 'no account names');
    }
    const cookie = await session(HUB_ADMIN.username, HUB_ADMIN.password);
    const created = await call('POST', '/api/admin/admins', cookie, { username: 'api.lan', password: 'mật khẩu của Lan' });
    assert.equal(created.status, 201, await created.clone().text());
    const { id } = (await created.json()) as { id: number };
    assert.equal((await call('POST', '/api/admin/admins', cookie, { username: 'API.LAN', password: 'mật khẩu của Lan' })).status, 400, 'a taken name');
    assert.equal((await call('POST', '/api/admin/admins', cookie, { username: 'short.pw', password: 'short' })).status, 400);
    assert.equal((await audit('admin.create', 'admin:api.lan'))[0]?.actor, `admin:${HUB_ADMIN.username}`);

    const list = ((await (await call('GET', '/api/admin/admins', cookie)).json()) as { items: AdminAccountDto[] }).items;
    const lan = list.find((a) => a.username === 'api.lan')!;
    assert.deepEqual([lan.id, lan.disabled, lan.lastLoginAt, lan.self], [id, false, null, false]);
    assert.equal(list.find((a) => a.username === HUB_ADMIN.username)?.self, true);
    assert.ok(list.find((a) => a.username === HUB_ADMIN.username)!.lastLoginAt !== null);
    assert.ok(!JSON.stringify(list).includes('scrypt'), 'no password hashes');

    const lanCookie = await session('api.lan', 'mật khẩu của Lan');
    const me = list.find((a) => a.self)!;
    const self = await call('PUT', `/api/admin/admins/${me.id}/disabled`, cookie, { disabled: true });
    assert.equal(self.status, 409);
    assert.equal(((await self.json()) as { error: string }).error, 'self');
    assert.equal((await call('PUT', '/api/admin/admins/999999/disabled', cookie, { disabled: true })).status, 404);
    assert.equal((await call('PUT', `/api/admin/admins/${id}/disabled`, cookie, { disabled: true })).status, 200);
    assert.equal((await call('GET', '/api/admin/kiosks', lanCookie)).status, 401, 'the disabled admin\'s session ended at once');
    assert.equal((await call('POST', '/api/auth/login', undefined, { username: 'api.lan', password: 'mật khẩu của Lan' })).status, 401);
    assert.equal((await call('PUT', `/api/admin/admins/${id}/disabled`, cookie, { disabled: false })).status, 200);
    assert.equal((await audit('admin.disable', 'admin:api.lan'))[0]?.actor, `admin:${HUB_ADMIN.username}`);

    // Lan changes her own password: her other session ends, this one stays; a wrong current password is refused.
    const lan1 = await session('api.lan', 'mật khẩu của Lan');
    const lan2 = await session('api.lan', 'mật khẩu của Lan');
    const wrong = await call('PUT', '/api/admin/password', lan1, { currentPassword: 'not it', newPassword: 'mật khẩu mới của Lan' });
    assert.equal(wrong.status, 403);
    assert.equal((await call('PUT', '/api/admin/password', lan1, { currentPassword: 'mật khẩu của Lan', newPassword: 'short' })).status, 400);
    assert.equal((await call('PUT', '/api/admin/password', lan1, { currentPassword: 'mật khẩu của Lan', newPassword: 'mật khẩu mới của Lan' })).status, 200);
    assert.equal((await call('GET', '/api/admin/kiosks', lan1)).status, 200, 'this session stays');
    assert.equal((await call('GET', '/api/admin/kiosks', lan2)).status, 401, 'the other one ended');
    await session('api.lan', 'mật khẩu mới của Lan');
    assert.equal((await audit('admin.password', 'admin:api.lan'))[0]?.actor, 'admin:api.lan');
  });

  test('`kiosk hub admins / disable-admin / enable-admin / set-password` as a user runs them, one line on refusal, audited as cli', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kiosk-hub-admins-'));
    try {
      const envVars = { KIOSK_HUB__POSTGRES_URL: pg.url('admin_accounts'), KIOSK_HUB__SCRYPT_LOG_N: '10', KIOSK_DATA_DIR: dir };
      const cli = (...args: string[]): ReturnType<typeof runCli> => runCli(['hub', ...args], { env: envVars });
      const file = join(dir, 'pw');
      writeFileSync(file, 'mật khẩu của Quang\n');
      assert.equal((await cli('add-admin', 'cli.quang', '--password-file', file)).code, 0);
      const quang = await session('cli.quang', 'mật khẩu của Quang');

      const listed = await cli('admins');
      assert.equal(listed.code, 0, listed.stderr);
      assert.match(listed.stdout, /^cli\.quang: created \d{4}-\d{2}-\d{2}T[^,]+, last login \d{4}-/mu);
      const json = JSON.parse((await cli('admins', '--json')).stdout) as { username: string; disabledAt: number | null }[];
      assert.ok(json.some((a) => a.username === HUB_ADMIN.username && a.disabledAt === null));
      assert.ok(!JSON.stringify(json).includes('password'), 'no hashes');

      const off = await cli('disable-admin', 'CLI.QUANG');
      assert.equal(off.code, 0, off.stderr);
      assert.match(off.stdout, /hub admin cli\.quang disabled \(1 sessions ended\)/u);
      assert.equal((await call('GET', '/api/admin/kiosks', quang)).status, 401, 'the session ended at once');
      assert.match((await cli('admins')).stdout, /^cli\.quang: .*, DISABLED /mu);
      assert.match((await cli('enable-admin', 'cli.quang')).stdout, /hub admin cli\.quang enabled/u);

      writeFileSync(file, 'mật khẩu mới của Quang\n');
      const again = await session('cli.quang', 'mật khẩu của Quang');
      const set = await cli('set-password', 'cli.quang', '--password-file', file);
      assert.equal(set.code, 0, set.stderr);
      assert.match(set.stdout, /password of hub admin cli\.quang set \(1 sessions ended\)/u);
      assert.equal((await call('GET', '/api/admin/kiosks', again)).status, 401, 'the old session ended');
      await session('cli.quang', 'mật khẩu mới của Quang');

      const unknown = await cli('disable-admin', 'nobody.here');
      assert.notEqual(unknown.code, 0);
      assert.match(unknown.stderr, /no such hub admin: nobody\.here/u);
      assert.doesNotMatch(unknown.stderr, STACK_LINE);
      const missing = await cli('set-password', 'nobody.here', '--password-file', file);
      assert.notEqual(missing.code, 0);
      assert.match(missing.stderr, /no such hub admin/u);

      // Every other admin disabled (through the repository, to spare a process each): the last one cannot be.
      const enabled = (await repo.list()).filter((a) => a.disabledAt === null && a.username !== 'cli.quang');
      for (const a of enabled) assert.equal((await repo.setDisabled({ id: a.id }, true, 'test')).ok, true);
      const last = await cli('disable-admin', 'cli.quang');
      assert.notEqual(last.code, 0);
      assert.match(last.stderr, /last enabled hub admin/u);
      assert.equal(last.stderr.trim().split('\n').length <= 2, true, last.stderr);
      assert.doesNotMatch(last.stderr, STACK_LINE);
      for (const a of enabled) assert.equal((await repo.setDisabled({ id: a.id }, false, 'test')).ok, true);

      const rows = await audit('admin.disable', 'admin:cli.quang');
      assert.equal(rows.length, 1);
      assert.match(rows[0]!.actor, /^cli/u);
      assert.equal(rows[0]!.kiosk_id, null);
      assert.match((await audit('admin.password', 'admin:cli.quang'))[0]!.actor, /^cli/u);
      assert.match((await audit('admin.enable', 'admin:cli.quang'))[0]!.actor, /^cli/u);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
