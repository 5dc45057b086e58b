/**
 * `kiosk hub …`: run the hub, and its admin commands (run on a hub host: access to hub.postgresUrl is
 * the admin's credential; every change is audited in hub_audit with the operating-system user).
 */
import type { Command } from 'commander';
import type { Config } from '../config/schema.ts';
import type { Logger } from '../log.ts';
import { KioskError } from '../errors.ts';
import { SecretHasher } from '../server/auth/password.ts';
import { username as usernameField } from '../server/routes/schemas.ts';
import { HUB_ADMIN_REFUSALS, HubAdminsRepo, type HubAdminChange } from './admins-repo.ts';
import { GalleryRepo } from './gallery-repo.ts';
import { promptPassword, readPasswordFile } from './password-input.ts';
import { KiosksRepo, kioskState, type KioskState } from './kiosks-repo.ts';
import type { Pool } from './db.ts';
import { loadSiteKey, openHubDb, siteKeyPath, startHub } from './serve.ts';
import { SdNotifier } from '../ops/sd-notify.ts';
import { cliActor } from '../ops/cli-actor.ts';

export interface HubContext {
  readonly config: Config;
  readonly log: Logger;
  readonly dataDir: string;
}


function parsePort(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new KioskError('USAGE', `--port ${v} is not a port number`, { hint: 'use 0–65535' });
  return n;
}

function parseClock(v: string, what: string): number {
  const m = /^(\d{1,2}):(\d{2})$/u.exec(v);
  if (m === null || Number(m[1]) > 23 || Number(m[2]) > 59) throw new KioskError('USAGE', `${what} "${v}" is not a time of day`, { hint: 'use HH:MM, e.g. 08:00' });
  return Number(m[1]) * 60 + Number(m[2]);
}

const KIOSK_STATE_TEXT: Record<KioskState, string> = { paired: 'paired', waiting: 'waiting for pairing', 'code-expired': 'code expired', revoked: 'revoked' };

const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

function parseDays(v: string): number {
  let mask = 0;
  for (const part of v.toLowerCase().split(',')) {
    const [a, b] = part.split('-');
    const from = DAYS.indexOf(a ?? '');
    const to = b === undefined ? from : DAYS.indexOf(b);
    if (from < 0 || to < 0) throw new KioskError('USAGE', `--days "${v}" is not a list of days`, { hint: 'e.g. mon-fri or mon,wed,fri' });
    for (let d = from; ; d = (d + 1) % 7) {
      mask |= 1 << d;
      if (d === to) break;
    }
  }
  return mask;
}

export function registerHubCommands(program: Command, ctxOf: (cmd: Command) => HubContext): void {
  const hub = program.command('hub').description('the central hub on PostgreSQL: many kiosks, one log (see README "Hub")');

  hub.command('serve', { isDefault: true })
    .description('run the hub (kiosk sync API, admin pages at /admin, /healthz, /metrics); what systemd/kiosk-hub.service runs')
    .option('--port <n>', 'TCP port (default: config hub.port, 8090)', parsePort)
    .option('--host <addr>', 'interface to listen on (default: config hub.host)')
    .action(async (opts: { port?: number; host?: string }, cmd: Command) => {
      const ctx = ctxOf(cmd);
      const running = await startHub({ options: ctx.config.hub, dataDir: ctx.dataDir, logger: ctx.log, ...(opts.host === undefined ? {} : { host: opts.host }), ...(opts.port === undefined ? {} : { port: opts.port }) });
      // Type=notify: ready once PostgreSQL is migrated and the port is bound.
      const notifier = SdNotifier.fromEnv(ctx.config.ops.watchdog, process.env, ctx.log);
      await notifier.ready(`hub serving ${running.listening.url}`);
      await new Promise<void>((resolve) => {
        const stop = (sig: NodeJS.Signals): void => {
          ctx.log.info({ signal: sig }, 'hub shutting down');
          resolve();
        };
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await notifier.stopping();
      await running.close();
    });

  hub.command('migrate')
    .description('bring the hub\'s PostgreSQL schema up to date (kiosk hub does it at start too)')
    .action(async (_opts: unknown, cmd: Command) => {
      const ctx = ctxOf(cmd);
      const pool = await openHubDb(ctx.config.hub, ctx.log);
      await pool.end();
      console.log('hub schema up to date');
    });

  const withDb = async <T>(cmd: Command, fn: (ctx: HubContext, pool: Pool) => Promise<T>): Promise<T> => {
    const ctx = ctxOf(cmd);
    const pool = await openHubDb(ctx.config.hub, ctx.log);
    try {
      return await fn(ctx, pool);
    } finally {
      await pool.end();
    }
  };
  const withPool = <T>(cmd: Command, fn: (ctx: HubContext, repos: { kiosks: KiosksRepo; gallery: GalleryRepo }) => Promise<T>): Promise<T> =>
    withDb(cmd, (ctx, pool) => {
      const site = loadSiteKey(siteKeyPath(ctx.config.hub, ctx.dataDir), ctx.log);
      return fn(ctx, { kiosks: new KiosksRepo(pool), gallery: new GalleryRepo(pool, site.cipher) });
    });
  // Accounts need no site key (and must not make one on a host that has none yet).
  const withAdmins = <T>(cmd: Command, fn: (admins: HubAdminsRepo) => Promise<T>): Promise<T> => withDb(cmd, (_ctx, pool) => fn(new HubAdminsRepo(pool)));

  hub.command('add-kiosk')
    .description('register a kiosk and print its one-time pairing code (for `kiosk hub-join` on the kiosk)')
    .argument('<id>', 'kiosk id: lower-case letters, digits, . _ - (e.g. door-2)')
    .option('--name <text>', 'display name (default: the id)')
    .option('--site <name>', 'site the kiosk belongs to', 'main')
    .option('--json', 'print JSON')
    .action(async (id: string, opts: { name?: string; site: string; json?: boolean }, cmd: Command) => {
      const r = await withPool(cmd, (ctx, { kiosks }) => kiosks.create({ id, site: opts.site, pairingMs: ctx.config.hub.pairingCodeMs, actor: cliActor(), ...(opts.name === undefined ? {} : { name: opts.name }) }));
      if (opts.json) return void console.log(JSON.stringify(r));
      console.log(`kiosk ${r.kioskId} registered; pairing code ${r.code} (single use, valid until ${new Date(r.expiresAt).toISOString()})`);
      console.log(`on the kiosk: kiosk hub-join <hub url> ${r.code} --fingerprint <hub certificate SHA-256>`);
    });

  /** A user name and a new password (file or prompt), checked as the admin page checks them, and its hash. */
  const newPassword = async (ctx: HubContext, name: string, passwordFile: string | undefined): Promise<{ username: string; hash: string }> => {
    const parsed = usernameField.safeParse(name);
    if (!parsed.success) throw new KioskError('USAGE', `"${name}" is not a user name`, { hint: '1 to 64 characters, no control characters' });
    const password = passwordFile === undefined ? await promptPassword(parsed.data) : readPasswordFile(passwordFile);
    const min = ctx.config.hub.passwordMinLength;
    if (password.length < min || password.length > 256) throw new KioskError('USAGE', `the password must have ${min} to 256 characters`, { hint: 'choose a longer one (hub.passwordMinLength)' });
    return { username: parsed.data, hash: await new SecretHasher(ctx.config.hub.scryptLogN).hash(password) };
  };

  /** A refused account change is one line naming the admin and what to do. */
  const settled = (name: string, change: HubAdminChange): { username: string; endedSessions: number } => {
    if (change.ok) return change;
    throw new KioskError('USAGE', `${HUB_ADMIN_REFUSALS[change.reason]}: ${name}`, { hint: '`kiosk hub admins` lists the admins' });
  };

  hub.command('add-admin')
    .description('create an admin of the hub\'s admin pages (/admin: every kiosk\'s log and timesheets, kiosks, people, shifts, audit, sightings); audited')
    .argument('<username>', 'user name to log in with')
    .option('--password-file <file>', 'read the password from the first line of this file instead of a prompt')
    .action(async (name: string, opts: { passwordFile?: string }, cmd: Command) => {
      const { username, hash } = await newPassword(ctxOf(cmd), name, opts.passwordFile);
      await withAdmins(cmd, (admins) => admins.create(username, hash, cliActor()));
      console.log(`hub admin ${username} created: log in at the hub's /admin page`);
    });

  hub.command('admins')
    .description('the hub\'s admins: created, last login, disabled')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const list = await withAdmins(cmd, (admins) => admins.list());
      if (opts.json) return void console.log(JSON.stringify(list));
      const at = (ms: number | null, none: string): string => (ms === null ? none : new Date(ms).toISOString());
      for (const a of list) {
        console.log(`${a.username}: created ${at(a.createdAt, '')}, last login ${at(a.lastLoginAt, 'never')}${a.disabledAt === null ? '' : `, DISABLED ${at(a.disabledAt, '')}`}`);
      }
    });

  for (const disabled of [true, false]) {
    hub.command(disabled ? 'disable-admin' : 'enable-admin')
      .description(disabled ? 'disable a hub admin: their sessions end at once (never the last enabled admin); audited' : 'let a disabled hub admin log in again; audited')
      .argument('<username>', 'the admin\'s user name')
      .action(async (name: string, _opts: unknown, cmd: Command) => {
        const done = settled(name, await withAdmins(cmd, (admins) => admins.setDisabled({ username: name }, disabled, cliActor())));
        console.log(disabled ? `hub admin ${done.username} disabled (${done.endedSessions} sessions ended)` : `hub admin ${done.username} enabled`);
      });
  }

  hub.command('set-password')
    .description('set a hub admin\'s password (forgotten, or handed over): their sessions end; audited')
    .argument('<username>', 'the admin\'s user name')
    .option('--password-file <file>', 'read the password from the first line of this file instead of a prompt')
    .action(async (name: string, opts: { passwordFile?: string }, cmd: Command) => {
      const { username, hash } = await newPassword(ctxOf(cmd), name, opts.passwordFile);
      const done = settled(name, await withAdmins(cmd, (admins) => admins.setPassword({ username }, hash, cliActor())));
      console.log(`password of hub admin ${done.username} set (${done.endedSessions} sessions ended)`);
    });

  hub.command('pair-code')
    .description('a new one-time pairing code for a registered kiosk (replaced box, lost credential); also lifts a revocation')
    .argument('<id>', 'kiosk id')
    .action(async (id: string, _opts: unknown, cmd: Command) => {
      const r = await withPool(cmd, (ctx, { kiosks }) => kiosks.newCode(id, ctx.config.hub.pairingCodeMs, cliActor()));
      console.log(`pairing code for ${id}: ${r.code} (single use, valid until ${new Date(r.expiresAt).toISOString()})`);
    });

  hub.command('revoke')
    .description('refuse a kiosk from its next request on (stolen or retired box)')
    .argument('<id>', 'kiosk id')
    .action(async (id: string, _opts: unknown, cmd: Command) => {
      const done = await withPool(cmd, (_ctx, { kiosks }) => kiosks.revoke(id, cliActor()));
      if (!done) throw new KioskError('USAGE', `no active kiosk ${id} on the hub`, { hint: '`kiosk hub kiosks` lists them' });
      console.log(`kiosk ${id} revoked: its requests are refused from now on`);
    });

  hub.command('kiosks')
    .description('kiosks known to the hub: last seen, outbox depth, lag, clock')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const list = await withPool(cmd, (_ctx, { kiosks }) => kiosks.list());
      if (opts.json) return void console.log(JSON.stringify(list));
      for (const k of list) {
        const state = KIOSK_STATE_TEXT[kioskState(k)];
        const seen = k.lastSeenAt === null ? 'never seen' : `seen ${new Date(k.lastSeenAt).toISOString()}`;
        console.log(`${k.site}/${k.id} (${k.name}): ${state}, ${seen}, outbox ${k.outboxDepth}, lag ${Math.round(k.lagMs / 1000)} s${k.clockSkewed ? `, CLOCK OFF by ${Math.round((k.clockOffsetMs ?? 0) / 1000)} s` : ''}`);
      }
    });

  hub.command('erase')
    .description('erase a person at every kiosk: samples and crops deleted on the hub and, at their next sync, on each kiosk')
    .argument('<who>', 'employee code or person uid')
    .action(async (who: string, _opts: unknown, cmd: Command) => {
      const r = await withPool(cmd, (_ctx, { gallery }) => gallery.erase(who, cliActor()));
      if (r === null) throw new KioskError('USAGE', `no person "${who}" on the hub`, { hint: 'give an employee code or a person uid' });
      console.log(`person ${r.uid} erased; kiosks drop their samples at their next sync`);
    });

  hub.command('shift')
    .description('create or change a shift on the hub (sent to every kiosk)')
    .argument('<name>', 'shift name')
    .requiredOption('--start <HH:MM>', 'start time')
    .requiredOption('--end <HH:MM>', 'end time (before the start: an overnight shift)')
    .option('--grace <minutes>', 'minutes late before it counts as late', '0')
    .option('--days <list>', 'work days, e.g. mon-fri', 'mon-fri')
    .action(async (name: string, opts: { start: string; end: string; grace: string; days: string }, cmd: Command) => {
      const spec = { name, startMinute: parseClock(opts.start, '--start'), endMinute: parseClock(opts.end, '--end'), graceMinutes: Number(opts.grace), workDays: parseDays(opts.days) };
      if (!Number.isInteger(spec.graceMinutes) || spec.graceMinutes < 0 || spec.graceMinutes > 240) throw new KioskError('USAGE', `--grace ${opts.grace} is not 0–240 minutes`);
      if (spec.startMinute === spec.endMinute) throw new KioskError('USAGE', 'a shift cannot start and end at the same time');
      const { rev } = await withPool(cmd, (_ctx, { gallery }) => gallery.putShift(spec, cliActor()));
      console.log(`shift ${name} saved (gallery revision ${rev})`);
    });

  hub.command('delete-shift')
    .description('delete a shift nobody is on, on the hub and, at their next sync, on every kiosk')
    .argument('<name>', 'shift name')
    .action(async (name: string, _opts: unknown, cmd: Command) => {
      const r = await withPool(cmd, (_ctx, { gallery }) => gallery.deleteShift(name, cliActor()));
      if (!r.ok && r.reason === 'not-found') throw new KioskError('USAGE', `no shift "${name}" on the hub`, { hint: 'list them on the admin page\'s Shifts tab' });
      if (!r.ok) throw new KioskError('USAGE', `${r.people} ${r.people === 1 ? 'person is' : 'people are'} on shift "${name}"`, { hint: 'give them another shift first (admin page, People tab)' });
      console.log(`shift ${name} deleted (gallery revision ${r.rev}); kiosks remove it at their next sync`);
    });
}
