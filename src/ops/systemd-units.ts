/**
 * The shipped units in `systemd/` are real, verifiable files written for the default layout
 * (/opt/attendance-kiosk, /usr/bin/node, /var/lib/attendance-kiosk, users kiosk / kiosk-screen).
 * Rendering substitutes this installation's values for those defaults; planning turns an install
 * into a list of steps, so `--dry-run` prints exactly what would be done.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KioskError } from '../errors.ts';

export const SYSTEMD_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'systemd');
export const SERVER_UNIT = 'attendance-kiosk.service';
export const SCREEN_UNIT = 'attendance-kiosk-screen.service';

export interface UnitParams {
  installDir: string;
  node: string;
  dataDir: string;
  user: string;
  screenUser: string;
  screenUrl: string;
  browser: string;
  compositor: string;
}

/** The values the shipped files are written with. */
export const SHIPPED: UnitParams = {
  installDir: '/opt/attendance-kiosk',
  node: '/usr/bin/node',
  dataDir: '/var/lib/attendance-kiosk',
  user: 'kiosk',
  screenUser: 'kiosk-screen',
  screenUrl: 'http://localhost:8080/',
  browser: '/usr/bin/chromium',
  compositor: '/usr/bin/cage',
};

const SAFE_PATH = /^\/[A-Za-z0-9._/+@:-]*$/;
const SAFE_USER = /^[a-z_][a-z0-9_-]{0,31}$/;
const SAFE_URL = /^https?:\/\/[^\s"'\\%$]+$/;

export function checkUnitParams(p: UnitParams): void {
  const bad: string[] = [];
  for (const k of ['installDir', 'node', 'dataDir', 'browser', 'compositor'] as const) if (!SAFE_PATH.test(p[k])) bad.push(`${k} "${p[k]}" (absolute path without spaces, %, $ or quotes)`);
  for (const k of ['user', 'screenUser'] as const) if (!SAFE_USER.test(p[k])) bad.push(`${k} "${p[k]}" (a system user name)`);
  if (!SAFE_URL.test(p.screenUrl)) bad.push(`screenUrl "${p.screenUrl}" (http(s) URL without spaces, %, $ or quotes)`);
  if (bad.length) throw new KioskError('USAGE', `cannot write systemd units with: ${bad.join('; ')}`, { hint: 'systemd treats spaces, % and $ specially; use plain paths', context: { bad } });
}

function replaceLine(text: string, key: string, from: string, to: string): string {
  return text.replace(new RegExp(`^${key}=${escapeRe(from)}$`, 'm'), `${key}=${to}`);
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** One unit with this installation's paths and users in place of the shipped defaults. */
export function renderUnit(name: typeof SERVER_UNIT | typeof SCREEN_UNIT, template: string, p: UnitParams): string {
  checkUnitParams(p);
  let out = template;
  if (name === SERVER_UNIT) {
    out = replaceLine(out, 'User', SHIPPED.user, p.user);
    out = replaceLine(out, 'Group', SHIPPED.user, p.user);
    out = replaceLine(out, 'ExecStart', `${SHIPPED.node} ${SHIPPED.installDir}/bin/kiosk.js serve`, `${p.node} ${p.installDir}/bin/kiosk.js serve`);
    out = replaceLine(out, 'Environment', `KIOSK_DATA_DIR=${SHIPPED.dataDir}`, `KIOSK_DATA_DIR=${p.dataDir}`);
    out = replaceLine(out, 'ReadWritePaths', SHIPPED.dataDir, p.dataDir);
    out = out.split(SHIPPED.installDir).join(p.installDir);
  } else {
    out = replaceLine(out, 'User', SHIPPED.screenUser, p.screenUser);
    out = out.replace(/^(ExecStart=)(\S+)( -d -- )(\S+)(.*) (\S+)$/m, (_m, k: string, _c, mid: string, _b, flags: string) => `${k}${p.compositor}${mid}${p.browser}${flags} ${p.screenUrl}`);
  }
  return out;
}

export function readShippedUnit(name: typeof SERVER_UNIT | typeof SCREEN_UNIT, dir = SYSTEMD_DIR): string {
  return readFileSync(join(dir, name), 'utf8');
}

export type InstallStep =
  | { kind: 'write'; path: string; content: string; mode: number; what: string }
  | { kind: 'mkdir'; path: string; mode: number; what: string }
  | { kind: 'run'; argv: string[]; what: string };

export interface InstallRequest extends UnitParams {
  unitDir: string;
  screen: boolean;
  createUser: boolean;
  enable: boolean;
  startNow: boolean;
}

/** What the machine already has; gathered by the caller so planning stays pure. */
export interface SystemFacts {
  users: ReadonlySet<string>;
  groups: ReadonlySet<string>;
}

const SERVER_GROUPS = ['video'];
const SCREEN_GROUPS = ['video', 'render', 'input'];
/** Folders systemd's ProtectHome=yes hides from the service. */
const HIDDEN_BY_PROTECT_HOME = ['/home/', '/root/', '/run/user/'];

export interface InstallPlan {
  steps: InstallStep[];
  /** What stops the install from working; a real install refuses to start while any remain. */
  problems: { message: string; hint: string }[];
}

export function planInstall(req: InstallRequest, templates: Record<typeof SERVER_UNIT | typeof SCREEN_UNIT, string>, facts: SystemFacts): InstallPlan {
  checkUnitParams(req);
  const problems: InstallPlan['problems'] = [];
  for (const [what, path] of [['the kiosk checkout', req.installDir], ['node', req.node], ['the data directory', req.dataDir]] as const) {
    if (HIDDEN_BY_PROTECT_HOME.some((h) => `${path}/`.startsWith(h))) {
      problems.push({
        message: `${what} is at ${path}, which the service cannot see (ProtectHome=yes hides /home, /root and /run/user)`,
        hint: what === 'node' ? 'install Node 20 system-wide (e.g. NodeSource packages: /usr/bin/node)' : 'put it under /opt or /var/lib, e.g. /opt/attendance-kiosk',
      });
    }
  }
  const steps: InstallStep[] = [];
  const needUsers: [string, string[], string][] = [[req.user, SERVER_GROUPS, req.dataDir]];
  if (req.screen) needUsers.push([req.screenUser, SCREEN_GROUPS, '/var/lib/attendance-kiosk-screen']);
  for (const [user, groups, home] of needUsers) {
    if (facts.users.has(user)) continue;
    if (!req.createUser) {
      problems.push({ message: `system user "${user}" does not exist`, hint: 'pass --create-user, or create it yourself (useradd --system)' });
      continue;
    }
    const present = groups.filter((g) => facts.groups.has(g));
    steps.push({
      kind: 'run',
      argv: ['useradd', '--system', '--user-group', '--no-create-home', '--home-dir', home, '--shell', '/usr/sbin/nologin', ...(present.length ? ['--groups', present.join(',')] : []), user],
      what: `create system user ${user}`,
    });
  }
  steps.push({ kind: 'mkdir', path: req.dataDir, mode: 0o700, what: 'data directory (database, descriptor key, backups)' });
  steps.push({ kind: 'run', argv: ['chown', '-R', `${req.user}:${req.user}`, req.dataDir], what: `data directory owned by ${req.user}` });
  steps.push({ kind: 'write', path: join(req.unitDir, SERVER_UNIT), content: renderUnit(SERVER_UNIT, templates[SERVER_UNIT], req), mode: 0o644, what: 'kiosk server unit' });
  if (req.screen) steps.push({ kind: 'write', path: join(req.unitDir, SCREEN_UNIT), content: renderUnit(SCREEN_UNIT, templates[SCREEN_UNIT], req), mode: 0o644, what: 'kiosk screen unit' });
  steps.push({ kind: 'run', argv: ['systemctl', 'daemon-reload'], what: 'make systemd read the units' });
  if (req.enable) {
    const units = req.screen ? [SERVER_UNIT, SCREEN_UNIT] : [SERVER_UNIT];
    steps.push({ kind: 'run', argv: ['systemctl', 'enable', ...(req.startNow ? ['--now'] : []), ...units], what: req.startNow ? 'start now and on every boot' : 'start on every boot' });
  }
  return { steps, problems };
}

/** The plan as a reviewer reads it: problems first, then shell commands and each file in full. */
export function formatPlan(plan: InstallPlan): string {
  const head = plan.problems.map((p) => `# PROBLEM: ${p.message} — ${p.hint}\n`).join('');
  return head + plan.steps
    .map((s) => {
      switch (s.kind) {
        case 'run':
          return `# ${s.what}\n${s.argv.map(shellQuote).join(' ')}`;
        case 'mkdir':
          return `# ${s.what}\ninstall -d -m ${s.mode.toString(8).padStart(4, '0')} ${shellQuote(s.path)}`;
        case 'write':
          return `# ${s.what}: ${s.path} (mode ${s.mode.toString(8).padStart(4, '0')})\ncat > ${shellQuote(s.path)} <<'UNIT'\n${s.content.trimEnd()}\nUNIT`;
      }
    })
    .join('\n\n');
}

function shellQuote(s: string): string {
  return /^[A-Za-z0-9._/:=@,+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
