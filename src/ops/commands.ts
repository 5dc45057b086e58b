/**
 * The operations sub-commands of `kiosk`: config print, install-service, backup, restore, retention,
 * export-person, doctor and key. main.ts registers them with one call; each action is a thin adapter
 * over the modules of this folder. The context is described structurally, so nothing here imports cli.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import { KioskError } from '../errors.ts';
import type { LoadedConfig } from '../config/load.ts';
import type { Config } from '../config/schema.ts';
import type { Logger } from '../log.ts';
import type { Store } from '../store/store.ts';
import { backupDatabase } from '../store/backup.ts';
import { resolveIn, restoreBackup, takeBackup } from './backup.ts';
import { configLeaves, formatConfig } from './config-print.ts';
import { doctorExitCode, formatDoctor, runDoctor, systemProbes } from './doctor.ts';
import { exportPerson, findPerson, formatExport } from './export-person.ts';
import { cliActor } from './cli-actor.ts';
import { installService } from './install-service.ts';
import { keyStatus, rotateKey } from './keys.ts';
import { runRetention } from './retention.ts';

/** What the commands need from the CLI's context (CliContext satisfies it). */
export interface OpsContext {
  readonly loaded: LoadedConfig;
  readonly config: Config;
  readonly log: Logger;
  readonly dataDir: string;
  store(): Store;
}

type CtxOf = (cmd: Command) => OpsContext;

function storeOptions(ctx: OpsContext): Config['store'] & { dataDir: string } {
  return { ...ctx.config.store, dataDir: ctx.dataDir };
}

export function registerOpsCommands(program: Command, ctxOf: CtxOf): void {
  const config = program.command('config').description('configuration');
  config.command('print')
    .description('the effective configuration, and where each value came from (default, file, env, cli)')
    .option('--json', 'print {config, origins, files} as JSON')
    .action((opts: { json?: boolean }, cmd: Command) => {
      const { loaded } = ctxOf(cmd);
      const leaves = configLeaves(loaded);
      if (opts.json) {
        const origins = Object.fromEntries(leaves.map((l) => [l.key, l.origin]));
        const values = Object.fromEntries(leaves.map((l) => [l.key, l.value]));
        console.log(JSON.stringify({ values, origins, files: loaded.files }));
      } else console.log(formatConfig(leaves, loaded.files));
    });

  program.command('install-service')
    .description('write the systemd units (kiosk server + full-screen Chromium), create the users if asked, daemon-reload and enable')
    .option('--dry-run', 'print every step and unit file instead of doing it')
    .option('--create-user', 'create the kiosk and kiosk-screen system users if missing')
    .option('--no-screen', 'install only the server unit (no local screen)')
    .option('--no-enable', 'write the units but do not enable them')
    .option('--now', 'also start them now')
    .action((opts: { dryRun?: boolean; createUser?: boolean; screen: boolean; enable: boolean; now?: boolean }, cmd: Command) => {
      const ctx = ctxOf(cmd);
      // The global --data-dir picks the service's data directory; otherwise ops.service.dataDir.
      const dataDir = ctx.loaded.origins.dataDir === 'cli' ? ctx.dataDir : undefined;
      const out = installService(ctx.config.ops.service, {
        dryRun: opts.dryRun === true, createUser: opts.createUser === true, screen: opts.screen, enable: opts.enable, now: opts.now === true, dataDir,
      }, (line) => console.error(line));
      console.log(out.text);
      // A dry run that shows problems fails, so scripts notice before the real run.
      if (!out.ok) process.exitCode = 1;
    });

  program.command('backup')
    .description('online copy of the database (safe while the kiosk runs); the descriptor key is not included — back it up separately')
    .option('--out <file>', 'write here instead of <data-dir>/backups (where the newest ops.backup.keep are kept)')
    .option('--json', 'print the result as JSON')
    .action(async (opts: { out?: string; json?: boolean }, cmd: Command) => {
      const ctx = ctxOf(cmd);
      const db = ctx.store().db;
      let path: string;
      let pruned: string[] = [];
      if (opts.out) {
        path = resolve(opts.out);
        if (existsSync(path)) throw new KioskError('USAGE', `${path} already exists`, { hint: 'choose a new file name; backups are never overwritten' });
        await backupDatabase(db, path);
      } else {
        const run = await takeBackup(db, resolveIn(ctx.dataDir, ctx.config.ops.backup.dir), ctx.config.ops.backup.keep, Date.now());
        path = run.backup.path;
        pruned = run.pruned;
      }
      const bytes = statSync(path).size;
      if (opts.json) return void console.log(JSON.stringify({ path, bytes, pruned }));
      console.log(`backup written: ${path} (${Math.ceil(bytes / 1024)} KiB)${pruned.length ? `; removed ${pruned.length} older` : ''}`);
      console.log(`remember: restoring it elsewhere needs the descriptor key (${join(ctx.dataDir, ctx.config.store.keyFile)}), kept apart from backups`);
    });

  program.command('restore')
    .description('replace the database with a backup after checking it (refuses corrupt, non-SQLite or foreign files); the current database is kept aside. Stop the service first.')
    .argument('<file>', 'a file written by `kiosk backup`')
    .option('--json', 'print the result as JSON')
    .action(async (file: string, opts: { json?: boolean }, cmd: Command) => {
      const ctx = ctxOf(cmd);
      const r = await restoreBackup(resolve(file), storeOptions(ctx), Date.now(), ctx.log);
      if (opts.json) return void console.log(JSON.stringify({ restored: r.restored, previous: r.previous, keyId: r.keyId }));
      console.log(`restored ${file}: ${r.restored.people} people, ${r.restored.punches} punches (schema ${r.restored.userVersion})`);
      if (r.previous) console.log(`the previous database is kept at ${r.previous}`);
      console.log('restart the kiosk: systemctl restart attendance-kiosk');
    });

  program.command('retention')
    .description('apply the retention rules now (ops.retention: sightings, punches, snapshots); the running kiosk does this on a schedule')
    .option('--json', 'print the result as JSON')
    .action((opts: { json?: boolean }, cmd: Command) => {
      const ctx = ctxOf(cmd);
      const r = runRetention({ db: ctx.store().db, dataDir: ctx.dataDir, options: ctx.config.ops.retention, logger: ctx.log }, Date.now());
      if (opts.json) return void console.log(JSON.stringify(r));
      console.log(`deleted: ${r.sightingsDeleted} sightings, ${r.punchesDeleted} punches, ${r.peopleDeleted} removed people, ${r.snapshotsDeleted} snapshot files`);
    });

  program.command('export-person')
    .description('everything held about one person: person, punches, audit entries, sample metadata (never descriptors unless asked)')
    .argument('<person>', 'id, employee code or exact name')
    .option('--json', 'print the complete export as JSON')
    .option('--include-descriptors', 'also include the decrypted face descriptors and the stored face crops (base64 JPEG)')
    .action((ref: string, opts: { json?: boolean; includeDescriptors?: boolean }, cmd: Command) => {
      const store = ctxOf(cmd).store();
      const person = findPerson(store, ref);
      const e = exportPerson(store, person.id, { includeDescriptors: opts.includeDescriptors === true, now: Date.now(), actor: cliActor() });
      console.log(opts.json ? JSON.stringify(e, null, 2) : formatExport(e));
    });

  program.command('doctor')
    .description('check backend, models, camera, database, descriptor key, disk, backups and ffmpeg; say what to fix')
    .option('--json', 'print the checks as JSON')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const ctx = ctxOf(cmd);
      const [{ initBackend, require }, { humanModelsUrl }, { resolveFfmpegPath, bundledFfmpegPath }] = await Promise.all([
        import('../model/tfjs.ts'),
        import('../model/human-detector.ts'),
        import('../capture/ffmpeg-path.ts'),
      ]);
      const models = (): { human: string[]; faceApi: string[] } => {
        const humanDir = fileURLToPath(humanModelsUrl());
        const faceApiDir = join(dirname(require.resolve('@vladmandic/face-api')), '..', 'model');
        return {
          human: ['blazeface', 'facemesh', 'faceres', 'antispoof', 'liveness'].map((m) => join(humanDir, `${m}.json`)),
          faceApi: [join(faceApiDir, 'face_recognition_model-weights_manifest.json')],
        };
      };
      const probes = systemProbes(ctx.config, () => resolveFfmpegPath(ctx.config.capture.ffmpegPath), bundledFfmpegPath, () => initBackend(ctx.config.model.backend), models);
      const results = await runDoctor(ctx.config, ctx.dataDir, probes);
      console.log(opts.json ? JSON.stringify(results) : formatDoctor(results));
      process.exitCode = doctorExitCode(results);
    });

  const key = program.command('key').description('descriptor encryption key');
  key.command('status')
    .description('where the key is, its permissions and id, and whether the database was sealed with it')
    .option('--json', 'print as JSON')
    .action((opts: { json?: boolean }, cmd: Command) => {
      const ctx = ctxOf(cmd);
      const s = keyStatus(storeOptions(ctx), ctx.store().db);
      if (opts.json) return void console.log(JSON.stringify(s));
      console.log(`${s.path}: ${s.exists ? `mode ${s.mode}, id ${s.keyId ?? '?'}` : 'missing'}${s.problem ? ` — ${s.problem}` : ''}`);
      console.log(`database: key id ${s.databaseKeyId ?? '(none recorded)'}, ${s.sealedSamples} encrypted descriptors, ${s.plainSamples} in clear`);
    });
  key.command('rotate')
    .description('re-encrypt every descriptor under a new key (stop the service first); the old key is kept as <key>.old-<id> for older backups')
    .action((_opts: unknown, cmd: Command) => {
      const ctx = ctxOf(cmd);
      const r = rotateKey(ctx.store(), storeOptions(ctx));
      console.log(`re-encrypted ${r.samples} descriptors: key ${r.oldKeyId} → ${r.newKeyId}`);
      console.log(`backups made before now need the old key, kept at ${r.oldKeyPath}: move it off the kiosk, keep it safe`);
    });
}
