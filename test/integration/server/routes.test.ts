import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseCsv, UTF8_BOM } from '../../../src/server/csv.ts';
import type { PunchPageDto, SettingsDto } from '../../../src/server/protocol.ts';
import type { RuntimeSettings } from '../../../src/server/settings.ts';
import { SECRET_DESCRIPTOR_VALUE } from './fakes.ts';
import { ADMIN, cookieOf, hanoi, harness, PIN, setupAdmin, type Harness } from './harness.ts';

/** Routes anyone may call. Anything else must answer 401 without a session. */
const PUBLIC_ROUTES = new Set(['GET /healthz', 'GET /api/auth/state', 'POST /api/auth/setup', 'POST /api/auth/login', 'GET /', 'GET /admin', 'GET /assets/:file']);

async function withApp(fn: (h: Harness) => Promise<void>, opts: Parameters<typeof harness>[0] = {}): Promise<void> {
  const h = harness(opts);
  try {
    await fn(h);
  } finally {
    await h.done();
  }
}

function seedPeople(h: Harness): { tam: number; an: number; duc: number } {
  const p = h.store.people;
  return {
    tam: p.upsert({ name: 'Nguyễn Thị Thảo Tâm', employeeCode: 'NV-001' }).person.id,
    an: p.upsert({ name: 'Trần, Văn "An"', employeeCode: 'NV-002' }).person.id,
    duc: p.upsert({ name: 'Đỗ Minh Đức', employeeCode: null }).person.id,
  };
}

function punch(h: Harness, personId: number, ts: number): number {
  const r = h.store.attendance.record({ personId, ts, kioskId: 'kiosk-1', similarity: 0.9123, evidence: { votes: 6 } }, 0);
  assert.ok(r.logged);
  return r.punchId;
}

describe('auth: setup, login, sessions', () => {
  test('first-run setup creates the first admin once and logs them in', () =>
    withApp(async ({ app, store }) => {
      const before = await app.inject({ method: 'GET', url: '/api/auth/state' });
      assert.deepEqual(before.json(), { setupNeeded: true, authenticated: false, username: null, pinFromConfig: false, pinResetRequired: false });

      const res = await app.inject({ method: 'POST', url: '/api/auth/setup', payload: { ...ADMIN, pin: PIN, setupCode: app.setupCode.current() } });
      assert.equal(res.statusCode, 200);
      const setCookie = String(res.headers['set-cookie']);
      assert.match(setCookie, /HttpOnly/u);
      assert.match(setCookie, /SameSite=Strict/u);
      const cookie = cookieOf(res);
      const after = await app.inject({ method: 'GET', url: '/api/auth/state', headers: { cookie } });
      assert.deepEqual(after.json(), { setupNeeded: false, authenticated: true, username: ADMIN.username.normalize('NFC'), pinFromConfig: false, pinResetRequired: false });
      assert.equal(app.setupCode.current(), null, 'the setup code is spent');

      const again = await app.inject({ method: 'POST', url: '/api/auth/setup', payload: { username: 'intruder', password: 'another long password', pin: '111111', setupCode: 'AAAA-BBBB-CCCC' } });
      assert.equal(again.statusCode, 409);
      assert.equal(store.db.prepare('SELECT count(*) AS n FROM admins').get() !== undefined, true);
      const n = (store.db.prepare('SELECT count(*) AS n FROM admins').get() as { n: number }).n;
      assert.equal(n, 1);
      // The password is stored as a scrypt hash, never in clear.
      const row = store.db.prepare('SELECT password_hash FROM admins').get() as { password_hash: string };
      assert.match(row.password_hash, /^scrypt\$/u);
      assert.ok(!row.password_hash.includes(ADMIN.password));
    }));

  test('setup refuses short passwords and a missing PIN', () =>
    withApp(async ({ app }) => {
      const res = await app.inject({ method: 'POST', url: '/api/auth/setup', payload: { username: 'a', password: 'short' } });
      assert.equal(res.statusCode, 400);
      const paths = (res.json() as { issues: { path: string }[] }).issues.map((i) => i.path).sort();
      assert.deepEqual(paths, ['password', 'pin', 'setupCode']);
    }));

  test('login: wrong password is 401, the right one opens a session; NFD user names match', () =>
    withApp(async ({ app }) => {
      await setupAdmin(app);
      const wrong = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: ADMIN.username, password: 'nope' } });
      assert.equal(wrong.statusCode, 401);
      assert.equal(wrong.headers['set-cookie'], undefined);
      const nobody = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'ghost', password: 'nope' } });
      assert.equal(nobody.statusCode, 401);
      assert.deepEqual(nobody.json(), wrong.json(), 'unknown user and wrong password look the same');
      const ok = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: ADMIN.username.normalize('NFD').toUpperCase(), password: ADMIN.password } });
      assert.equal(ok.statusCode, 200);
      const cookie = cookieOf(ok);
      const page = await app.inject({ method: 'GET', url: '/api/admin/punches?from=2024-03-01&to=2024-03-01', headers: { cookie } });
      assert.equal(page.statusCode, 200);
    }));

  test('login back-off: wrong passwords from one address make that address wait, doubling, and a success resets it', () =>
    withApp(
      async ({ app, clock }) => {
        await setupAdmin(app);
        const from = (payload: object) => app.inject({ method: 'POST', url: '/api/auth/login', payload, remoteAddress: '192.0.2.7' });
        for (let i = 0; i < 3; i++) assert.equal((await from({ username: ADMIN.username, password: `guess ${i}` })).statusCode, 401);
        const limited = await from(ADMIN);
        assert.equal(limited.statusCode, 429, 'even the right password waits once this address is backing off');
        assert.equal(limited.headers['retry-after'], '60');
        clock.advance(60_000);
        assert.equal((await from({ username: ADMIN.username, password: 'guess 4' })).statusCode, 401);
        const longer = await from(ADMIN);
        assert.equal(longer.headers['retry-after'], '120', 'the next wait is twice as long');
        clock.advance(120_000);
        assert.equal((await from(ADMIN)).statusCode, 200);
        assert.equal((await from({ username: ADMIN.username, password: 'typo' })).statusCode, 401, 'after a success the free tries are back');
      },
      { config: { loginBackoff: { freeFailures: 3, baseMs: 60_000, maxMs: 600_000 } } },
    ));

  test('sessions expire when idle, and at the maximum lifetime even when used', () =>
    withApp(
      async ({ app, clock }) => {
        const url = '/api/admin/people';
        let cookie = await setupAdmin(app);
        clock.advance(59_000);
        assert.equal((await app.inject({ url, headers: { cookie } })).statusCode, 200);
        clock.advance(59_000); // 59 s since last use: still alive (idle renewed)
        assert.equal((await app.inject({ url, headers: { cookie } })).statusCode, 200);
        clock.advance(60_001);
        assert.equal((await app.inject({ url, headers: { cookie } })).statusCode, 401, 'idle timeout');

        const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: ADMIN });
        cookie = cookieOf(login);
        for (let used = 0; used < 5; used++) {
          clock.advance(50_000);
          assert.equal((await app.inject({ url, headers: { cookie } })).statusCode, 200);
        }
        clock.advance(50_000); // 300 s since login = max lifetime
        assert.equal((await app.inject({ url, headers: { cookie } })).statusCode, 401, 'absolute lifetime');
      },
      { config: { adminSessionIdleMs: 60_000, adminSessionMaxMs: 300_000 } },
    ));

  test('logout ends the session and clears the cookie', () =>
    withApp(async ({ app }) => {
      const cookie = await setupAdmin(app);
      const out = await app.inject({ method: 'POST', url: '/api/admin/logout', headers: { cookie } });
      assert.equal(out.statusCode, 200);
      assert.match(String(out.headers['set-cookie']), /Max-Age=0/u);
      assert.equal((await app.inject({ url: '/api/admin/people', headers: { cookie } })).statusCode, 401);
    }));
});

describe('the route table', () => {
  test('every admin route refuses without a session (walks all registered routes)', () =>
    withApp(async ({ app, clock }) => {
      const cookie = await setupAdmin(app);
      clock.advance(app.serverOptions.adminSessionMaxMs); // the cookie is now expired
      await app.ready();
      const routes = app.routeTable;
      const guarded = routes.filter((r) => !PUBLIC_ROUTES.has(`${r.method} ${r.url}`));
      assert.ok(guarded.length >= 15, `expected the admin API, found ${guarded.length} routes`);
      // Every public route is registered (a renamed one would otherwise silently become "guarded").
      for (const p of PUBLIC_ROUTES) assert.ok(routes.some((r) => `${r.method} ${r.url}` === p), `${p} missing`);
      for (const r of guarded) {
        const url = r.url.replace(/:(\w+)/gu, '1');
        const payload = r.method === 'GET' || r.method === 'DELETE' ? undefined : {};
        for (const headers of [{}, { cookie }, { cookie: 'kiosk_admin=forged-token' }]) {
          const res = await app.inject({ method: r.method as 'GET', url, headers, payload });
          assert.equal(res.statusCode, 401, `${r.method} ${r.url} with ${JSON.stringify(headers)} answered ${res.statusCode}`);
          assert.equal((res.json() as { error: string }).error, 'unauthorized');
        }
      }
    }));
});

describe('input validation', () => {
  test('bad bodies and queries are 400 with the offending fields', () =>
    withApp(async ({ app, store }) => {
      const cookie = await setupAdmin(app);
      const { tam } = seedPeople({ store } as Harness);
      const id = punch({ store } as Harness, tam, hanoi('2024-03-01', '08:02:00'));
      const cases: { method: 'GET' | 'POST' | 'PUT'; url: string; payload?: unknown; field: string }[] = [
        { method: 'POST', url: `/api/admin/punches/${id}/void`, payload: {}, field: 'reason' },
        { method: 'POST', url: `/api/admin/punches/${id}/void`, payload: { reason: '   ' }, field: 'reason' },
        { method: 'POST', url: `/api/admin/punches/${id}/void`, payload: { reason: 'x', extra: 1 }, field: '' },
        { method: 'POST', url: '/api/admin/punches/abc/void', payload: { reason: 'x' }, field: 'id' },
        { method: 'POST', url: '/api/admin/punches', payload: { personId: 'x', at: '2024-03-01T08:00', reason: 'r' }, field: 'personId' },
        { method: 'POST', url: '/api/admin/punches', payload: { personId: tam, at: '01/03/2024 08:00', reason: 'r' }, field: 'at' },
        { method: 'PUT', url: '/api/admin/settings', payload: { matchThreshold: 2 }, field: 'matchThreshold' },
        { method: 'PUT', url: '/api/admin/pin', payload: { pin: '12a4' }, field: 'pin' },
        { method: 'GET', url: '/api/admin/punches?from=2024-3-1&to=2024-03-02', field: 'from' },
        { method: 'GET', url: '/api/admin/punches?from=2024-03-01&to=2024-03-02&pageSize=0', field: 'pageSize' },
        { method: 'GET', url: '/api/admin/export.csv?from=2024-03-01&to=2024-03-02&lang=fr', field: 'lang' },
        { method: 'GET', url: '/api/admin/people?includeInactive=maybe', field: 'includeInactive' },
      ];
      for (const c of cases) {
        const res = await app.inject({ method: c.method, url: c.url, payload: c.payload as object, headers: { cookie } });
        assert.equal(res.statusCode, 400, `${c.method} ${c.url} ${JSON.stringify(c.payload)} → ${res.statusCode} ${res.body}`);
        const body = res.json() as { error: string; issues?: { path: string }[] };
        assert.equal(body.error, 'bad-request');
        if (c.field !== '') assert.ok(body.issues?.some((i) => i.path === c.field), `${c.url}: ${res.body}`);
      }
      // Semantic errors are 400 too, with a message instead of field issues.
      const reversed = await app.inject({ url: '/api/admin/punches?from=2024-03-02&to=2024-03-01', headers: { cookie } });
      assert.equal(reversed.statusCode, 400);
      const tooLong = await app.inject({ url: '/api/admin/punches?from=2020-01-01&to=2024-03-01', headers: { cookie } });
      assert.equal(tooLong.statusCode, 400);
      const notJson = await app.inject({ method: 'POST', url: '/api/auth/login', payload: '{nope', headers: { 'content-type': 'application/json' } });
      assert.equal(notJson.statusCode, 400);
      const huge = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'a', password: 'x'.repeat(200_000) } });
      assert.equal(huge.statusCode, 413);
      // Nothing was changed by any of it.
      assert.equal(store.attendance.get(id)?.voidedAt, null);
    }));
});

describe('attendance log', () => {
  test('lists punches by date range, person and page, newest first', () =>
    withApp(async (h) => {
      const cookie = await setupAdmin(h.app);
      const { tam, duc } = seedPeople(h);
      punch(h, tam, hanoi('2024-03-01', '08:02:00'));
      punch(h, duc, hanoi('2024-03-01', '08:10:00'));
      punch(h, tam, hanoi('2024-03-01', '17:31:00'));
      punch(h, tam, hanoi('2024-03-02', '00:30:00')); // 17:30 UTC on the 1st: the 2nd in Hanoi
      const get = async (q: string): Promise<PunchPageDto> => {
        const res = await h.app.inject({ url: `/api/admin/punches?${q}`, headers: { cookie } });
        assert.equal(res.statusCode, 200, res.body);
        return res.json() as PunchPageDto;
      };
      const day1 = await get('from=2024-03-01&to=2024-03-01');
      assert.equal(day1.total, 3);
      assert.deepEqual(day1.items.map((p) => p.ts), [hanoi('2024-03-01', '17:31:00'), hanoi('2024-03-01', '08:10:00'), hanoi('2024-03-01', '08:02:00')]);
      const tamOnly = await get(`from=2024-03-01&to=2024-03-02&personId=${tam}`);
      assert.equal(tamOnly.total, 3);
      assert.ok(tamOnly.items.every((p) => p.personName === 'Nguyễn Thị Thảo Tâm'));
      const page2 = await get('from=2024-03-01&to=2024-03-02&page=2&pageSize=3');
      assert.equal(page2.total, 4);
      assert.equal(page2.items.length, 1);
      assert.equal(page2.items[0]!.ts, hanoi('2024-03-01', '08:02:00'));
      assert.equal(page2.page, 2);
      // The page size is capped by the option.
      const capped = await get(`from=2024-03-01&to=2024-03-02&pageSize=${h.app.serverOptions.pageSizeMax + 1}`);
      assert.equal(capped.pageSize, h.app.serverOptions.pageSizeMax);
    }));

  test('void with a reason and manual punches are audited; voiding twice is 409, unknown ids 404', () =>
    withApp(async (h) => {
      const cookie = await setupAdmin(h.app);
      const { tam } = seedPeople(h);
      const id = punch(h, tam, hanoi('2024-03-01', '08:02:00'));
      const v = await h.app.inject({ method: 'POST', url: `/api/admin/punches/${id}/void`, payload: { reason: 'nhầm người — wrong person' }, headers: { cookie } });
      assert.equal(v.statusCode, 200);
      const stored = h.store.attendance.get(id);
      assert.equal(stored?.voidReason, 'nhầm người — wrong person');
      const again = await h.app.inject({ method: 'POST', url: `/api/admin/punches/${id}/void`, payload: { reason: 'again' }, headers: { cookie } });
      assert.equal(again.statusCode, 409);
      const missing = await h.app.inject({ method: 'POST', url: '/api/admin/punches/9999/void', payload: { reason: 'x' }, headers: { cookie } });
      assert.equal(missing.statusCode, 404);

      const m = await h.app.inject({ method: 'POST', url: '/api/admin/punches', payload: { personId: tam, at: '2024-03-01T08:05', reason: 'quên thẻ' }, headers: { cookie } });
      assert.equal(m.statusCode, 201, m.body);
      const manualId = (m.json() as { id: number }).id;
      const manual = h.store.attendance.get(manualId);
      assert.equal(manual?.ts, hanoi('2024-03-01', '08:05:00'), 'typed in the kiosk time zone');
      assert.equal(manual?.manual, true);
      const nobody = await h.app.inject({ method: 'POST', url: '/api/admin/punches', payload: { personId: 9999, at: '2024-03-01T08:05', reason: 'x' }, headers: { cookie } });
      assert.equal(nobody.statusCode, 404);

      const audit = await h.app.inject({ url: '/api/admin/audit?from=2024-02-01&to=2024-03-31', headers: { cookie } });
      const actions = (audit.json() as { items: { action: string; actor: string }[] }).items;
      const admin = `admin:${ADMIN.username.normalize('NFC')}`;
      assert.ok(actions.some((a) => a.action === 'punch.void' && a.actor === admin));
      assert.ok(actions.some((a) => a.action === 'punch.manual' && a.actor === admin));
      const list = (await h.app.inject({ url: '/api/admin/punches?from=2024-03-01&to=2024-03-01', headers: { cookie } })).json() as PunchPageDto;
      const shown = list.items.find((p) => p.id === manualId);
      assert.equal(shown?.manualReason, 'quên thẻ');
    }));

  test('daily summary: first in, last out and hours per local day', () =>
    withApp(async (h) => {
      const cookie = await setupAdmin(h.app);
      const { tam, duc } = seedPeople(h);
      punch(h, tam, hanoi('2024-03-01', '08:00:00'));
      punch(h, tam, hanoi('2024-03-01', '12:00:00'));
      punch(h, tam, hanoi('2024-03-01', '17:30:00'));
      punch(h, duc, hanoi('2024-03-01', '09:00:00'));
      const res = await h.app.inject({ url: '/api/admin/daily?from=2024-03-01&to=2024-03-01', headers: { cookie } });
      const rows = (res.json() as { items: { personName: string; firstIn: number; lastOut: number; hours: number; punches: number; day: string }[] }).items;
      assert.deepEqual(
        rows.map((r) => [r.personName, r.day, r.hours, r.punches]),
        [
          ['Đỗ Minh Đức', '2024-03-01', 0, 1],
          ['Nguyễn Thị Thảo Tâm', '2024-03-01', 9.5, 3],
        ],
      );
      assert.equal(rows[1]!.firstIn, hanoi('2024-03-01', '08:00:00'));
      assert.equal(rows[1]!.lastOut, hanoi('2024-03-01', '17:30:00'));
    }));
});

describe('CSV export', () => {
  test('RFC 4180 with BOM and CRLF; commas, quotes and diacritics survive; rows match the database', () =>
    withApp(async (h) => {
      const cookie = await setupAdmin(h.app);
      const { tam, an } = seedPeople(h);
      const p1 = punch(h, an, hanoi('2024-03-01', '08:02:00'));
      const p2 = punch(h, tam, hanoi('2024-03-01', '08:15:30'));
      h.store.attendance.void(p2, 'đi nhầm, quay lại', 'admin:test');
      const res = await h.app.inject({ url: '/api/admin/export.csv?from=2024-03-01&to=2024-03-01&lang=en', headers: { cookie } });
      assert.equal(res.statusCode, 200);
      assert.equal(res.headers['content-type'], 'text/csv; charset=utf-8');
      assert.match(String(res.headers['content-disposition']), /attachment; filename="attendance-2024-03-01-to-2024-03-01\.csv"/u);
      const raw = res.rawPayload;
      assert.deepEqual([...raw.subarray(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 BOM');
      const text = raw.toString('utf8');
      assert.ok(text.startsWith(UTF8_BOM));
      assert.equal(text.split('\r\n').length, 4, 'header + 2 rows + trailing CRLF');
      assert.ok(!/[^\r]\n/u.test(text), 'every line ends in CRLF');
      assert.ok(text.includes('"Trần, Văn ""An"""'), 'comma and quotes are quoted and doubled');
      assert.ok(text.includes('"đi nhầm, quay lại"'));
      const rows = parseCsv(text);
      assert.deepEqual(rows[0], ['Punch ID', 'Person ID', 'Employee code', 'Name', 'Date', 'Time', 'Timestamp (UTC)', 'Kiosk', 'Similarity', 'Source', 'Status', 'Note']);
      const db = [h.store.attendance.get(p1)!, h.store.attendance.get(p2)!];
      assert.deepEqual(
        rows.slice(1).map((r) => [Number(r[0]), Number(r[1]), r[3], Date.parse(r[6]!), r[10]]),
        db.map((p) => [p.id, p.personId, p.personName, p.ts, p.voidedAt === null ? 'valid' : 'voided']),
      );
      assert.deepEqual(rows[1]!.slice(2, 6), ['NV-002', 'Trần, Văn "An"', '2024-03-01', '08:02:00']);
      const vi = await h.app.inject({ url: '/api/admin/export.csv?from=2024-03-01&to=2024-03-01&includeVoided=false', headers: { cookie } });
      const viRows = parseCsv(vi.rawPayload.toString('utf8'));
      assert.equal(viRows[0]![3], 'Họ tên');
      assert.equal(viRows.length, 2, 'voided punch left out');
      const exports = h.store.audit.list({ target: 'attendance' }).filter((a) => a.action === 'attendance.export');
      assert.equal(exports.length, 2, 'each export is audited');
      assert.deepEqual(exports.map((a) => [a.actor, a.details]), [
        [`admin:${ADMIN.username.normalize('NFC')}`, { from: '2024-03-01', to: '2024-03-01', rows: 1, format: 'csv' }],
        [`admin:${ADMIN.username.normalize('NFC')}`, { from: '2024-03-01', to: '2024-03-01', rows: 2, format: 'csv' }],
      ]);
    }));
});

describe('people', () => {
  test('search ignores accents, order is Vietnamese, removal goes through the kiosk port', () =>
    withApp(async (h) => {
      const cookie = await setupAdmin(h.app);
      const { duc } = seedPeople(h);
      h.store.people.upsert({ name: 'Bùi Anh', employeeCode: null });
      const list = async (q: string): Promise<string[]> =>
        ((await h.app.inject({ url: `/api/admin/people${q}`, headers: { cookie } })).json() as { items: { name: string }[] }).items.map((p) => p.name);
      assert.deepEqual(await list(''), ['Bùi Anh', 'Đỗ Minh Đức', 'Nguyễn Thị Thảo Tâm', 'Trần, Văn "An"']);
      assert.deepEqual(await list('?search=duc'), ['Đỗ Minh Đức']);
      assert.deepEqual(await list(`?search=${encodeURIComponent('THAO TAM')}`), ['Nguyễn Thị Thảo Tâm']);
      assert.deepEqual(await list('?search=NV-002'), ['Trần, Văn "An"']);
      const one = (await h.app.inject({ url: '/api/admin/people', headers: { cookie } })).json() as { items: { thumbnailUrl: string | null }[]; snapshotsEnabled: boolean };
      assert.equal(one.snapshotsEnabled, false);
      assert.ok(one.items.every((p) => p.thumbnailUrl === null));
      assert.equal((await h.app.inject({ url: `/api/admin/people/${duc}/thumbnail`, headers: { cookie } })).statusCode, 404);

      const del = await h.app.inject({ method: 'DELETE', url: `/api/admin/people/${duc}`, headers: { cookie } });
      assert.equal(del.statusCode, 200);
      assert.deepEqual(h.kiosk.calls.at(-1), { method: 'remove', args: [duc, `admin:${ADMIN.username.normalize('NFC')}`] });
      assert.ok(!(await list('')).includes('Đỗ Minh Đức'));
      assert.equal((await h.app.inject({ method: 'DELETE', url: `/api/admin/people/${duc}`, headers: { cookie } })).statusCode, 404);
    }));

  test('people enrolled without a stored face crop are flagged for re-enrolment; a re-embedded photo counts once', () =>
    withApp(async (h) => {
      const cookie = await setupAdmin(h.app);
      const { tam, an, duc } = seedPeople(h);
      const crop = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x42, 0x42, 0xff, 0xd9]);
      const fused = (seed: number, sourceKey: string, withCrop: boolean) => ({ descriptor: new Float32Array(8).fill(seed), kind: 'fused' as const, modelVersion: 'fused-1', quality: 0.9, sourceKey, ...(withCrop ? { crop } : {}) });
      h.store.people.addSamples(tam, [fused(1, 'kiosk:a:0', true), fused(2, 'kiosk:a:1', true)]);
      h.store.people.addSamples(an, [fused(3, 'old.jpg', false)]);
      // Tâm's first photo re-embedded: a second sample of the same photo.
      h.store.people.addSamples(tam, [{ descriptor: new Float32Array(16).fill(1), kind: 'arcface', modelVersion: 'onnx-1', quality: 0.9, sourceKey: 'kiosk:a:0', beside: true }]);
      const res = await h.app.inject({ url: '/api/admin/people', headers: { cookie } });
      assert.equal(res.statusCode, 200);
      const items = (res.json() as { items: { id: number; sampleCount: number; needsReenrollment: boolean }[] }).items;
      const byId = new Map(items.map((p) => [p.id, p]));
      assert.deepEqual([tam, an, duc].map((id) => [byId.get(id)?.sampleCount, byId.get(id)?.needsReenrollment]), [[2, false], [1, true], [0, false]]);
      assert.ok(!res.body.includes('/9j/') && !res.body.includes('"crop"'), 'no crop leaves the server');
    }));

  test('thumbnails are offered only when snapshots are enabled', () =>
    withApp(
      async (h) => {
        const cookie = await setupAdmin(h.app);
        const begin = await h.kiosk.enrollment.begin({ name: 'Lan', employeeCode: null });
        const { personId } = await h.kiosk.enrollment.confirm(begin.sessionId, 'test');
        const res = (await h.app.inject({ url: '/api/admin/people', headers: { cookie } })).json() as { items: { thumbnailUrl: string | null }[] };
        assert.equal(res.items[0]!.thumbnailUrl, `/api/admin/people/${personId}/thumbnail`);
        const img = await h.app.inject({ url: `/api/admin/people/${personId}/thumbnail`, headers: { cookie } });
        assert.equal(img.statusCode, 200);
        assert.equal(img.headers['content-type'], 'image/jpeg');
        assert.deepEqual([...img.rawPayload], [0xff, 0xd8, 0xff, 0xd9]);
      },
      { config: { snapshotsEnabled: true }, snapshots: { thumbnail: async () => Buffer.from([0xff, 0xd8, 0xff, 0xd9]) } },
    ));
});

describe('settings', () => {
  const base: RuntimeSettings = { matchThreshold: 0.8, minShare: 0.6, minMeanSimilarity: 0.5, antispoofMin: 0.5, livenessMin: 0.5, windowMs: 1500, cooldownMs: 300_000 };

  test('validated, persisted across restarts, applied through the callback, audited', async () => {
    const applied: RuntimeSettings[] = [];
    const h = harness({ settings: { base, onChange: (s) => applied.push(s) } });
    try {
      const cookie = await setupAdmin(h.app);
      const get = async (c: string, app = h.app): Promise<SettingsDto> => (await app.inject({ url: '/api/admin/settings', headers: { cookie: c } })).json() as SettingsDto;
      assert.deepEqual((await get(cookie)).settings, base);
      const bad = await h.app.inject({ method: 'PUT', url: '/api/admin/settings', payload: { ...base, windowMs: 5000 }, headers: { cookie } });
      assert.equal(bad.statusCode, 400);
      assert.equal(applied.length, 0);
      const next = { ...base, matchThreshold: 0.85, cooldownMs: 600_000 };
      const ok = await h.app.inject({ method: 'PUT', url: '/api/admin/settings', payload: next, headers: { cookie } });
      assert.equal(ok.statusCode, 200, ok.body);
      assert.deepEqual(applied, [next]);
      const after = await get(cookie);
      assert.deepEqual(after.settings, next);
      assert.deepEqual(after.defaults, base);
      assert.equal(after.updatedBy, `admin:${ADMIN.username.normalize('NFC')}`);
      const audit = h.store.audit.list({ target: 'setting:runtime' });
      assert.equal(audit.length, 1);

      // A new server on the same database sees the saved values.
      const { buildApp } = await import('../../../src/server/app.ts');
      const again = buildApp({ store: h.store, kiosk: h.kiosk, clock: h.clock.now, config: { scryptLogN: 10 }, settings: { base } });
      try {
        assert.deepEqual((await get(cookie, again)).settings, next);
      } finally {
        await again.close();
      }
    } finally {
      await h.done();
    }
  });

  test('the kiosk PIN can be changed from the admin pages unless it comes from the config', async () => {
    await withApp(async (h) => {
      const cookie = await setupAdmin(h.app);
      const res = await h.app.inject({ method: 'PUT', url: '/api/admin/pin', payload: { pin: '975310' }, headers: { cookie } });
      assert.equal(res.statusCode, 200);
      const audit = h.store.audit.list({ target: 'setting:kioskPin' });
      assert.ok(audit.length >= 2);
      assert.ok(!JSON.stringify(audit).includes('scrypt$'), 'the audit log never holds the PIN hash');
    });
    const { hashSecret } = await import('../../../src/server/auth/password.ts');
    const kioskPinHash = await hashSecret('135799', 10);
    await withApp(
      async (h) => {
        const state = (await h.app.inject({ url: '/api/auth/state' })).json() as { pinFromConfig: boolean };
        assert.equal(state.pinFromConfig, true);
        const cookie = await setupAdmin(h.app, undefined);
        const res = await h.app.inject({ method: 'PUT', url: '/api/admin/pin', payload: { pin: '975310' }, headers: { cookie } });
        assert.equal(res.statusCode, 409);
      },
      { config: { kioskPinHash } },
    );
  });
});

describe('leaks', () => {
  test('no response ever contains a descriptor (every GET route, with a session)', () =>
    withApp(async (h) => {
      const cookie = await setupAdmin(h.app);
      const begin = await h.kiosk.enrollment.begin({ name: 'Lê Thị Hoa', employeeCode: 'NV-9' });
      const { personId } = await h.kiosk.enrollment.confirm(begin.sessionId, 'test');
      const ts = hanoi('2024-03-01', '08:00:00');
      h.store.attendance.record({ personId, ts, kioskId: 'k', similarity: 0.9, evidence: { descriptor: [SECRET_DESCRIPTOR_VALUE] } }, 0);
      h.store.attendance.recordSighting('unknown', ts, 'k', { descriptor: [SECRET_DESCRIPTOR_VALUE] });
      const q = 'from=2024-03-01&to=2024-03-01';
      const urls = h.app.routeTable
        .filter((r) => r.method === 'GET')
        .map((r) => r.url.replace(':id', String(personId)).replace(':file', 'x.js'))
        .map((u) => (u.startsWith('/api/admin/') && !u.includes('people') && !u.includes('settings') && !u.includes('status') ? `${u}?${q}` : u));
      assert.ok(urls.length >= 10);
      const secret = String(SECRET_DESCRIPTOR_VALUE).slice(0, 6);
      for (const url of urls) {
        const res = await h.app.inject({ url, headers: { cookie } });
        assert.ok(res.statusCode < 500, `${url}: ${res.statusCode}`);
        assert.ok(!res.body.includes(secret), `${url} leaked a descriptor value`);
        assert.ok(!/descriptors?"\s*:\s*[[{]/iu.test(res.body), `${url} has a descriptor array`);
      }
    }));
});

describe('static UI', () => {
  test('serves the built pages with a CSP, hashed assets immutable, no path escapes, 503 when not built', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kiosk-ui-'));
    try {
      mkdirSync(join(dir, 'assets'));
      writeFileSync(join(dir, 'index.html'), '<!doctype html><title>kiosk</title>');
      writeFileSync(join(dir, 'admin.html'), '<!doctype html><title>admin</title>');
      writeFileSync(join(dir, 'assets', 'index-abc.js'), 'console.log(1)');
      writeFileSync(join(dir, 'secret.txt'), 'nope');
      await withApp(
        async ({ app }) => {
          const index = await app.inject({ url: '/' });
          assert.equal(index.statusCode, 200);
          assert.match(String(index.headers['content-type']), /^text\/html/u);
          assert.match(String(index.headers['content-security-policy']), /default-src 'self'/u);
          assert.equal((await app.inject({ url: '/admin' })).body, '<!doctype html><title>admin</title>');
          const js = await app.inject({ url: '/assets/index-abc.js' });
          assert.equal(js.statusCode, 200);
          assert.match(String(js.headers['cache-control']), /immutable/u);
          for (const bad of ['/assets/..%2Fsecret.txt', '/assets/%2E%2E%2Fsecret.txt', '/assets/.hidden', '/secret.txt']) {
            const res = await app.inject({ url: bad });
            assert.ok(res.statusCode === 400 || res.statusCode === 404, `${bad} → ${res.statusCode}`);
            assert.ok(!res.body.includes('nope'));
          }
        },
        { config: { uiDir: dir } },
      );
      await withApp(async ({ app }) => assert.equal((await app.inject({ url: '/' })).statusCode, 503), { config: { uiDir: join(dir, 'missing') } });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('health probe reports the camera state without the source URL', () =>
    withApp(async ({ app, kiosk }) => {
      const ok = await app.inject({ url: '/healthz' });
      assert.deepEqual(ok.json(), { ok: true, camera: 'running' });
      kiosk.camera = { ...kiosk.camera, state: 'reconnecting' };
      const down = await app.inject({ url: '/healthz' });
      assert.deepEqual(down.json(), { ok: false, camera: 'reconnecting' });
      assert.ok(!down.body.includes('secret'));
    }));
});
