/**
 * The `kiosk` command. Each sub-command is a thin adapter: parse flags, call the module that
 * does the work, print text (or JSON with --json) on stdout; progress and logs go to stderr.
 * Expected failures are one line on stderr and a non-zero exit, never a stack trace.
 */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { KioskError, errorMessage, isKioskError } from '../errors.ts';
import { databasePath, isCorruption, openFailure } from '../store/db.ts';
import { CliContext, type GlobalFlags } from './context.ts';
import { enrollFolder } from './enroll.ts';
import { formatIdentify, identifyImages } from './identify.ts';
import { annotateImage } from './annotate.ts';
import { runEval } from './eval.ts';
import { formatEval } from './eval-table.ts';
import { formatTrain, runTrain, tripletOptionsFor } from './train.ts';
import { formatReembed, runReembed } from './reembed.ts';
import { writeReport } from './report/report.ts';
import { runHeadless } from './run.ts';
import { serve } from './serve.ts';
import { demo } from './demo/demo.ts';
import type { DescriptorKind } from '../model/types.ts';
import { registerOpsCommands } from '../ops/commands.ts';
import { registerHubCommands } from '../hub/commands.ts';
import { registerSyncCommands } from '../sync/commands.ts';

/** Where the tutorial's data set lies beside a checkout; KIOSK_DATASET overrides. */
export function defaultDataset(): string | undefined {
  if (process.env.KIOSK_DATASET) return process.env.KIOSK_DATASET;
  const beside = resolve('..', 'shared', 'datasets', 'facenet5');
  return existsSync(beside) ? beside : undefined;
}

const DESCRIPTORS: readonly DescriptorKind[] = ['arcface', 'faceres', 'dlib128', 'fused'];

function parseFraction(v: string): number {
  const n = Number(v);
  if (!(n > 0 && n < 1)) throw new InvalidArgumentError('must be a number between 0 and 1');
  return n;
}

function parsePositiveInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a positive integer');
  return n;
}

function parsePort(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('must be a port number 0–65535');
  return n;
}

function parseNonNegativeInt(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('must be a whole number ≥ 0');
  return n;
}

function parseDescriptors(v: string, prev: DescriptorKind[] = []): DescriptorKind[] {
  const out = [...prev];
  for (const k of v.split(',').map((s) => s.trim()).filter(Boolean)) {
    if (!DESCRIPTORS.includes(k as DescriptorKind)) throw new InvalidArgumentError(`unknown descriptor "${k}" (use ${DESCRIPTORS.join(', ')})`);
    if (!out.includes(k as DescriptorKind)) out.push(k as DescriptorKind);
  }
  return out;
}

let context: CliContext | null = null;

function ctxOf(cmd: Command): CliContext {
  if (!context) context = new CliContext(cmd.optsWithGlobals<GlobalFlags>());
  return context;
}

export function buildProgram(): Command {
  const program = new Command('kiosk')
    .description('Face-attendance kiosk: enroll, identify, evaluate and run the kiosk')
    .option('--data-dir <dir>', 'folder for the database and caches (default: ./data, or config dataDir)')
    .option('--config <file>', 'JSON config file layered over config/default.json (or KIOSK_CONFIG)')
    .addOption(new Option('--backend <name>', 'tfjs backend').choices(['auto', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu']))
    .addOption(new Option('--log-level <level>', 'log level on stderr').choices(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']))
    .showHelpAfterError();

  program.command('enroll')
    .description('enroll a folder-per-person data set (the folder name is the person\'s name); re-running adds no duplicates')
    .argument('<dir>', 'data set folder: <dir>/<person>/<photo>')
    .option('--json', 'print the summary as JSON')
    .action(async (dir: string, opts: { json?: boolean }, cmd: Command) => {
      const s = await enrollFolder(ctxOf(cmd), dir);
      if (opts.json) return void console.log(JSON.stringify(s));
      for (const p of s.people) console.log(`${p.name}: ${p.added} added, ${p.skipped} already enrolled${p.replaced ? `, ${p.replaced} replaced` : ''}${p.created ? ' (new person)' : ''}`);
      if (s.noFace.length) console.log(`no face found in: ${s.noFace.join(', ')}`);
      if (s.multipleFaces.length) console.log(`several faces, largest used: ${s.multipleFaces.join(', ')}`);
      if (s.failed.length) console.log(`skipped unreadable: ${s.failed.map((f) => `${f.file} (${f.error})`).join('; ')}`);
    });

  program.command('identify')
    .description('name every face in each photo (or unknown), with similarity and spoof/liveness scores')
    .argument('<image...>', 'photos (JPEG, PNG, WebP)')
    .option('--json', 'print one JSON array')
    .action(async (images: string[], opts: { json?: boolean }, cmd: Command) => {
      const results = await identifyImages(ctxOf(cmd), images);
      if (opts.json) console.log(JSON.stringify(results));
      else for (const r of results) console.log(formatIdentify(r));
      const failed = results.filter((r) => r.error);
      for (const r of failed) if (opts.json) console.error(`kiosk: ${r.file}: ${r.error?.message}`);
      if (failed.length) process.exitCode = 1;
    });

  program.command('annotate')
    .description('draw boxes and "name: similarity%" on a photo')
    .argument('<image>', 'input photo')
    .requiredOption('-o, --output <file>', 'output image (.jpg, .png or .webp)')
    .action(async (image: string, opts: { output: string }, cmd: Command) => {
      const found = await annotateImage(ctxOf(cmd), image, opts.output);
      console.log(found.length === 0 ? `${image}: no face found; wrote ${opts.output} unchanged` : `${image}: ${found.length} face${found.length === 1 ? '' : 's'} → ${opts.output}`);
    });

  program.command('eval')
    .description('the tutorial\'s protocol: stratified split per seed, rank-1 by cosine, optional open-set (leave one person out)')
    .option('--dataset <dir>', 'folder-per-person data set (default: KIOSK_DATASET or ../shared/datasets/facenet5)')
    .option('--test-size <fraction>', 'share of each person\'s photos held out', parseFraction, 0.2)
    .option('--seeds <n>', 'number of random splits (seeds 0..n-1)', parsePositiveInt, 5)
    .option('--descriptor <list>', 'faceres, dlib128, fused (comma-separated or repeated; default: configured)', parseDescriptors)
    .option('--open-set', 'also run leave-one-person-out open-set evaluation (TAR/FAR)')
    .option('--dedup', 'keep one photo of each byte- or near-identical group before splitting')
    .option('--fusion-sweep', 'print closed- and open-set figures for a range of fusion weights')
    .option('--no-cache', 'recompute every embedding instead of reusing <data-dir>/cache')
    .option('--json <file>', 'write the results as JSON to this file')
    .option('--triplet', 'add the triplet and triplet-augment rows: a head trained on each split\'s train faces (never the left-out person)')
    .option('--augment <n>', 'augmented variants per train photo for the triplet-augment row', parseNonNegativeInt, 4)
    .option('--triplet-options <json>', 'override triplet training options, e.g. \'{"guardBaseline":false}\' to see the unguarded head')
    .option('--report <file>', 'write a self-contained HTML error-analysis page (table, misidentified faces, open-set histograms)')
    .action(async (opts: { dataset?: string; testSize: number; seeds: number; descriptor?: DescriptorKind[]; openSet?: boolean; dedup?: boolean; fusionSweep?: boolean; cache: boolean; json?: string; triplet?: boolean; augment: number; tripletOptions?: string; report?: string }, cmd: Command) => {
      const ctx = ctxOf(cmd);
      const dataset = opts.dataset ?? defaultDataset();
      if (!dataset) throw new KioskError('USAGE', 'no data set given and ../shared/datasets/facenet5 is not there', { hint: 'pass --dataset <dir> or set KIOSK_DATASET' });
      const outcome = await runEval(ctx, {
        dataset, testSize: opts.testSize, seeds: opts.seeds, descriptors: opts.descriptor ?? [ctx.config.model.descriptor.kind],
        openSet: opts.openSet ?? false, dedup: opts.dedup ?? false, fusionSweep: opts.fusionSweep ?? false, cache: opts.cache,
        ...(opts.triplet ? { triplet: { options: tripletOptionsFor(ctx, opts.tripletOptions), augmentCount: opts.augment } } : {}),
      });
      console.log(formatEval(outcome.json));
      if (opts.json) await writeFile(opts.json, JSON.stringify(outcome.json, null, 2));
      if (opts.report) {
        const r = await writeReport(outcome, opts.report);
        console.log(`report: ${r.file} (${(r.bytes / 1024).toFixed(0)} KiB, ${r.thumbnails} face thumbnails)`);
      }
    });

  program.command('train')
    .description('train the triplet head on the enrolled gallery (or a data set folder), validate it on held-out faces and strangers, activate it only if it is at least as good as the pretrained descriptor')
    .option('--dataset <dir>', 'train on a folder-per-person data set instead of the enrolled gallery')
    .option('--augment <n>', 'augmented variants per photo (with --dataset)', parseNonNegativeInt, 0)
    .option('--triplet-options <json>', 'override triplet training options (JSON)')
    .option('--no-cache', 'recompute every embedding instead of reusing <data-dir>/cache')
    .option('--json', 'print the summary as JSON')
    .action(async (opts: { dataset?: string; augment: number; tripletOptions?: string; cache: boolean; json?: boolean }, cmd: Command) => {
      const s = await runTrain(ctxOf(cmd), { dataset: opts.dataset, augment: opts.augment, tripletOptions: opts.tripletOptions, cache: opts.cache });
      console.log(opts.json ? JSON.stringify(s) : formatTrain(s));
    });

  program.command('reembed')
    .description('compute the configured descriptor (arcface) for every enrolled photo from its stored face crop, then switch the gallery to it; the old set serves until then, and an interrupted run resumes')
    .option('--json', 'print the summary as JSON')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const r = await runReembed(ctxOf(cmd));
      console.log(opts.json ? JSON.stringify(r) : formatReembed(r));
    });

  program.command('run')
    .description('run the kiosk loop headless: capture, detect, track, vote, log; one line per decision')
    .option('--source <spec>', 'auto, /dev/videoN, a video file, an image folder, rtsp://…, http(s)://…, gst:<pipeline> or gst:csi (default: config pipeline.source)')
    .option('--json', 'print one JSON object per decision and a summary line')
    .action(async (opts: { source?: string; json?: boolean }, cmd: Command) => {
      await runHeadless(ctxOf(cmd), { source: opts.source, json: opts.json ?? false });
    });

  program.command('serve')
    .description('run the kiosk: capture loop, kiosk screen, enrollment menu and admin pages (what npm start runs)')
    .option('--source <spec>', 'camera or demo source (default: config pipeline.source, auto = first /dev/video*)')
    .option('--port <n>', 'HTTP port (default: config server.port, 8080)', parsePort)
    .option('--host <addr>', 'interface to listen on (default: config server.host)')
    .action(async (opts: { source?: string; port?: number; host?: string }, cmd: Command) => {
      await serve(ctxOf(cmd), opts);
    });

  program.command('demo')
    .description('try the whole product without a camera: enroll a folder of people\'s photos and serve the kiosk on a walk-up video made from them')
    .argument('[dir]', 'folder-per-person photos (default: KIOSK_DATASET or ../shared/datasets/facenet5)')
    .option('--enroll <n>', 'photos per person to enroll', parsePositiveInt, 10)
    .option('--show <n>', 'further photos per person shown in the video', parsePositiveInt, 2)
    .option('--port <n>', 'HTTP port', parsePort)
    .action(async (dir: string | undefined, opts: { enroll: number; show: number; port?: number }, cmd: Command) => {
      const folder = dir ?? defaultDataset();
      if (!folder) throw new KioskError('USAGE', 'no photo folder given and ../shared/datasets/facenet5 is not there', { hint: 'npm run demo -- <folder of people\'s photos>' });
      await demo(ctxOf(cmd), folder, opts);
    });

  registerOpsCommands(program, ctxOf);
  registerSyncCommands(program, ctxOf);
  registerHubCommands(program, ctxOf);

  return program;
}

export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  program.exitOverride();
  try {
    await program.parseAsync(argv as string[]);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (isKioskError(err)) {
      console.error(`kiosk: ${err.toLine()}`);
      return err.code === 'USAGE' ? 2 : 1;
    }
    const code = (err as { code?: string; exitCode?: number }).code;
    if (typeof code === 'string' && code.startsWith('commander.')) return (err as { exitCode: number }).exitCode;
    console.error(`kiosk: ${unexpectedLine(err)}`);
    return 1;
  } finally {
    context?.close();
  }
}

/**
 * Anything that was not turned into a KioskError: still one line. The stack goes to the log at
 * debug level (`--log-level debug`), never to the terminal by default.
 */
function unexpectedLine(err: unknown): string {
  context?.log.debug({ err }, 'unexpected error');
  if (isCorruption(err)) {
    const dataDir = context?.dataDir ?? resolve('data');
    return openFailure(databasePath({ dataDir, dbFile: context?.config.store.dbFile ?? 'kiosk.db' }), err).toLine();
  }
  return `unexpected error: ${errorMessage(err).split('\n')[0]} — rerun with --log-level debug to see where it came from, and report it`;
}

// Errors nobody awaited (an emitter's 'error', a timer): one line and a non-zero exit, not a stack.
const crash = (err: unknown): void => {
  console.error(`kiosk: ${isKioskError(err) ? err.toLine() : unexpectedLine(err)}`);
  process.exit(1);
};
process.on('uncaughtException', crash);
process.on('unhandledRejection', crash);

process.exitCode = await main(process.argv);
