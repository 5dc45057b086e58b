/** `kiosk install-service`: gathers facts, plans (see systemd-units.ts), then runs or prints the plan. */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { KioskError, errorMessage } from '../errors.ts';
import type { ServiceOptions } from './options.ts';
import { formatPlan, planInstall, readShippedUnit, SCREEN_UNIT, SERVER_UNIT, SYSTEMD_DIR, type InstallPlan, type InstallStep, type SystemFacts } from './systemd-units.ts';

export const REPO_ROOT = resolve(SYSTEMD_DIR, '..');

export interface InstallServiceFlags {
  dryRun: boolean;
  createUser: boolean;
  screen: boolean;
  enable: boolean;
  now: boolean;
  /** The data directory when the user chose one (--data-dir); else the service default. */
  dataDir?: string;
}

/** Names in /etc/passwd and /etc/group, via getent (NSS) when present. */
export function gatherFacts(names: { users: string[]; groups: string[] }): SystemFacts {
  const has = (db: 'passwd' | 'group', name: string): boolean => {
    try {
      execFileSync('getent', [db, name], { stdio: 'ignore' });
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') return false;
      const file = readFileSync(`/etc/${db}`, 'utf8');
      return file.split('\n').some((l) => l.split(':')[0] === name);
    }
  };
  return {
    users: new Set(names.users.filter((u) => has('passwd', u))),
    groups: new Set(names.groups.filter((g) => has('group', g))),
  };
}

export function planServiceInstall(service: ServiceOptions, flags: InstallServiceFlags): InstallPlan {
  const req = {
    installDir: REPO_ROOT,
    node: process.execPath,
    dataDir: resolve(flags.dataDir ?? service.dataDir),
    user: service.user,
    screenUser: service.screenUser,
    screenUrl: service.screenUrl,
    browser: service.browser,
    compositor: service.compositor,
    unitDir: service.unitDir,
    screen: flags.screen,
    createUser: flags.createUser,
    enable: flags.enable,
    startNow: flags.now,
  };
  const templates = { [SERVER_UNIT]: readShippedUnit(SERVER_UNIT), [SCREEN_UNIT]: readShippedUnit(SCREEN_UNIT) };
  const facts = gatherFacts({ users: [service.user, service.screenUser], groups: ['video', 'render', 'input'] });
  return planInstall(req, templates, facts);
}

export function executePlan(steps: readonly InstallStep[], log: (line: string) => void): void {
  for (const s of steps) {
    log(`• ${s.what}`);
    try {
      switch (s.kind) {
        case 'mkdir':
          mkdirSync(s.path, { recursive: true, mode: s.mode });
          chmodSync(s.path, s.mode);
          break;
        case 'write':
          mkdirSync(dirname(s.path), { recursive: true });
          writeFileSync(s.path, s.content, { mode: s.mode });
          chmodSync(s.path, s.mode);
          break;
        case 'run': {
          const [cmd, ...args] = s.argv;
          execFileSync(cmd as string, args, { stdio: ['ignore', 'inherit', 'inherit'] });
          break;
        }
      }
    } catch (err) {
      throw new KioskError('USAGE', `install-service stopped at "${s.what}": ${errorMessage(err)}`, {
        hint: 'fix the cause and run it again (each step is safe to repeat); --dry-run shows the whole plan',
        context: { step: s },
        cause: err,
      });
    }
  }
}

/** Runs (or, dry, prints) the install; returns the text to show and whether it can work. */
export function installService(service: ServiceOptions, flags: InstallServiceFlags, log: (line: string) => void): { text: string; ok: boolean } {
  const plan = planServiceInstall(service, flags);
  if (flags.dryRun) return { text: formatPlan(plan), ok: plan.problems.length === 0 };
  const first = plan.problems[0];
  if (first) {
    throw new KioskError('USAGE', plan.problems.map((p) => p.message).join('; '), { hint: first.hint, context: { problems: plan.problems } });
  }
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    throw new KioskError('USAGE', 'install-service writes to /etc/systemd/system and creates users: it must run as root', { hint: 'run it with sudo, or pass --dry-run to see the plan' });
  }
  if (!existsSync(resolve(REPO_ROOT, 'node_modules'))) {
    throw new KioskError('USAGE', `${REPO_ROOT} has no node_modules`, { hint: 'run `npm ci --omit=dev` in the checkout first' });
  }
  executePlan(plan.steps, log);
  const written = plan.steps.flatMap((s) => (s.kind === 'write' ? [s.path] : []));
  return { text: `installed: ${written.join(', ')}\ncheck with: systemctl status ${SERVER_UNIT}; journalctl -u ${SERVER_UNIT} -f`, ok: true };
}
