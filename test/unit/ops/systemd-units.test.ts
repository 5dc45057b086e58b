import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { formatPlan, planInstall, readShippedUnit, renderUnit, SCREEN_UNIT, SERVER_UNIT, SHIPPED, type InstallRequest } from '../../../src/ops/systemd-units.ts';
import { isKioskError } from '../../../src/errors.ts';

const templates = { [SERVER_UNIT]: readShippedUnit(SERVER_UNIT), [SCREEN_UNIT]: readShippedUnit(SCREEN_UNIT) };

const req: InstallRequest = {
  ...SHIPPED,
  installDir: '/srv/kiosk',
  node: '/usr/local/bin/node',
  dataDir: '/srv/kiosk-data',
  user: 'door',
  screenUser: 'door-screen',
  screenUrl: 'http://127.0.0.1:9000/kiosk',
  browser: '/usr/bin/chromium-browser',
  compositor: '/usr/local/bin/cage',
  unitDir: '/etc/systemd/system',
  screen: true,
  createUser: true,
  enable: true,
  startNow: false,
};

function directives(text: string): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    const match = /^([A-Za-z]+)=(.*)$/.exec(line);
    if (match) m.set(match[1]!, [...(m.get(match[1]!) ?? []), match[2]!]);
  }
  return m;
}

describe('shipped units', () => {
  test('the server unit has the required supervision and hardening', () => {
    const d = directives(templates[SERVER_UNIT]);
    const one = (k: string): string | undefined => d.get(k)?.[0];
    assert.equal(one('Type'), 'notify');
    assert.equal(one('NotifyAccess'), 'all');
    assert.equal(one('Restart'), 'always');
    assert.ok(Number(one('WatchdogSec')) * 1000 > 15_000, 'WatchdogSec must exceed the default ops.watchdog.staleAfterMs');
    assert.equal(one('User'), 'kiosk');
    assert.equal(one('SupplementaryGroups'), 'video');
    assert.equal(one('ProtectSystem'), 'strict');
    assert.equal(one('ReadWritePaths'), SHIPPED.dataDir);
    assert.equal(one('NoNewPrivileges'), 'yes');
    assert.equal(one('DevicePolicy'), 'closed');
    assert.deepEqual(d.get('DeviceAllow'), ['char-video4linux rw']);
    assert.equal(one('LimitCORE'), '0');
    assert.equal(d.has('MemoryDenyWriteExecute'), false, 'V8 needs W+X pages');
  });

  test('the screen unit runs Chromium full-screen in cage on the local URL after the server', () => {
    const d = directives(templates[SCREEN_UNIT]);
    assert.match(d.get('ExecStart')?.[0] ?? '', /^\/usr\/bin\/cage -d -- \/usr\/bin\/chromium --kiosk .* http:\/\/localhost:8080\/$/);
    assert.ok(d.get('After')?.some((a) => a.includes(SERVER_UNIT)));
    assert.equal(d.get('User')?.[0], 'kiosk-screen');
    assert.equal(d.get('PAMName')?.[0], 'login');
  });
});

describe('renderUnit', () => {
  test('substitutes paths, users and URL, and nothing else', () => {
    const server = renderUnit(SERVER_UNIT, templates[SERVER_UNIT], req);
    const d = directives(server);
    assert.equal(d.get('ExecStart')?.[0], '/usr/local/bin/node /srv/kiosk/bin/kiosk.js serve');
    assert.equal(d.get('WorkingDirectory')?.[0], '/srv/kiosk');
    assert.equal(d.get('ReadWritePaths')?.[0], '/srv/kiosk-data');
    assert.ok(d.get('Environment')?.includes('KIOSK_DATA_DIR=/srv/kiosk-data'));
    assert.equal(d.get('User')?.[0], 'door');
    assert.equal(d.get('Group')?.[0], 'door');
    assert.ok(!server.includes('/opt/attendance-kiosk') && !server.includes('/var/lib/attendance-kiosk'));
    // Every other line is untouched.
    const changed = server.split('\n').filter((l, i) => l !== templates[SERVER_UNIT].split('\n')[i]);
    assert.equal(changed.length, 7);

    const screen = directives(renderUnit(SCREEN_UNIT, templates[SCREEN_UNIT], req));
    assert.match(screen.get('ExecStart')?.[0] ?? '', /^\/usr\/local\/bin\/cage -d -- \/usr\/bin\/chromium-browser --kiosk .* http:\/\/127\.0\.0\.1:9000\/kiosk$/);
    assert.equal(screen.get('User')?.[0], 'door-screen');
  });

  test('the shipped values render the shipped files unchanged', () => {
    assert.equal(renderUnit(SERVER_UNIT, templates[SERVER_UNIT], SHIPPED), templates[SERVER_UNIT]);
    assert.equal(renderUnit(SCREEN_UNIT, templates[SCREEN_UNIT], SHIPPED), templates[SCREEN_UNIT]);
  });

  test('refuses values systemd would misread', () => {
    for (const bad of [{ installDir: '/srv/my kiosk' }, { dataDir: 'relative/data' }, { user: 'Root Admin' }, { screenUrl: 'http://x/%i' }, { node: '/opt/$HOME/node' }]) {
      assert.throws(() => renderUnit(SERVER_UNIT, templates[SERVER_UNIT], { ...req, ...bad }), (e: unknown) => isKioskError(e) && e.code === 'USAGE');
    }
  });
});

describe('planInstall', () => {
  const facts = { users: new Set<string>(), groups: new Set(['video', 'render']) };

  test('creates missing users (with the groups that exist), the data dir, the units, then reloads and enables', () => {
    const plan = planInstall(req, templates, facts);
    assert.deepEqual(plan.problems, []);
    const { steps } = plan;
    assert.deepEqual(steps.map((s) => s.kind), ['run', 'run', 'mkdir', 'run', 'write', 'write', 'run', 'run']);
    const runs = steps.flatMap((s) => (s.kind === 'run' ? [s.argv.join(' ')] : []));
    assert.match(runs[0]!, /^useradd --system .*--groups video door$/);
    assert.match(runs[1]!, /^useradd --system .*--groups video,render door-screen$/);
    assert.equal(runs[2], 'chown -R door:door /srv/kiosk-data');
    assert.equal(runs[3], 'systemctl daemon-reload');
    assert.equal(runs[4], `systemctl enable ${SERVER_UNIT} ${SCREEN_UNIT}`);
    const mkdir = steps.find((s) => s.kind === 'mkdir');
    assert.equal(mkdir?.kind === 'mkdir' && mkdir.mode, 0o700);
    const text = formatPlan(plan);
    assert.match(text, /cat > \/etc\/systemd\/system\/attendance-kiosk\.service <<'UNIT'\n[\s\S]*ExecStart=\/usr\/local\/bin\/node \/srv\/kiosk\/bin\/kiosk\.js serve/);
    assert.doesNotMatch(text, /PROBLEM/);
  });

  test('existing users are reused; --no-screen, --no-enable and --now shape the plan', () => {
    const { steps } = planInstall({ ...req, screen: false, startNow: true }, templates, { ...facts, users: new Set(['door']) });
    assert.equal(steps.filter((s) => s.kind === 'write').length, 1);
    const last = steps.at(-1);
    assert.deepEqual(last?.kind === 'run' ? last.argv : null, ['systemctl', 'enable', '--now', SERVER_UNIT]);
    assert.ok(!steps.some((s) => s.kind === 'run' && s.argv[0] === 'useradd'));
    const noEnable = planInstall({ ...req, enable: false }, templates, { ...facts, users: new Set(['door', 'door-screen']) });
    assert.ok(!noEnable.steps.some((s) => s.kind === 'run' && s.argv[1] === 'enable'));
  });

  test('reports a missing user without --create-user, and paths the hardened service cannot see', () => {
    const noUser = planInstall({ ...req, createUser: false }, templates, facts);
    assert.deepEqual(noUser.problems.map((p) => p.message), ['system user "door" does not exist', 'system user "door-screen" does not exist']);
    const home = planInstall({ ...req, installDir: '/home/dev/kiosk', node: '/root/.nvm/versions/node/v20/bin/node' }, templates, facts);
    assert.equal(home.problems.length, 2);
    assert.match(home.problems[0]!.message, /checkout is at \/home\/dev\/kiosk.*ProtectHome/);
    assert.match(home.problems[1]!.hint, /system-wide/);
    assert.match(formatPlan(home), /^# PROBLEM: the kiosk checkout is at \/home\/dev\/kiosk/);
  });
});

describe('hub unit', () => {
  test('runs `kiosk hub` supervised and hardened, writable only in its data directory', async () => {
    const { readFileSync } = await import('node:fs');
    const d = directives(readFileSync(new URL('../../../systemd/kiosk-hub.service', import.meta.url), 'utf8'));
    const one = (k: string): string | undefined => d.get(k)?.[0];
    assert.match(one('ExecStart') ?? '', /bin\/kiosk\.js hub$/);
    assert.equal(one('Type'), 'notify');
    assert.equal(one('Restart'), 'always');
    assert.equal(one('ProtectSystem'), 'strict');
    assert.equal(one('ReadWritePaths'), '/var/lib/kiosk-hub');
    assert.equal(one('NoNewPrivileges'), 'yes');
    assert.ok(d.get('After')?.some((a) => a.includes('postgresql.service')));
  });
});
