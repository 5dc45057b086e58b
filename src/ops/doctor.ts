/**
 * `kiosk doctor`: each check says ok / warn / fail, what it found, and what to do about it. Checks
 * take their inputs explicitly (paths, listings, probes) so tests can feed them a broken machine.
 */
import { execFile } from 'node:child_process';
import { accessSync, constants, existsSync, readdirSync, readFileSync, statfsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { errorMessage, isKioskError } from '../errors.ts';
import type { Config } from '../config/schema.ts';
import { openDatabase, databasePath, probeWrite, schemaVersion, type Db } from '../store/db.ts';
import { journalPathFor, PunchJournal } from '../store/punch-journal.ts';
import { parseFfmpegVersion } from '../capture/ffmpeg-path.ts';
import { listBackups, resolveIn } from './backup.ts';
import { keyStatus, type KeyStatus } from './keys.ts';
import { findExecutable } from './sd-notify.ts';
import { formatCode, readSetupCode, setupCodeFile } from '../server/auth/one-time-code.ts';
import { isLoopbackHost } from '../server/host-check.ts';
import { describeCert, readSelfSigned, selfSignedPaths, tlsWanted } from '../server/tls.ts';
import { fileSha256, usableProviders, type ExecutionProviderChoice } from '../model/descriptors/onnx-session.ts';
import { resolveOnnxOptions } from '../model/descriptors/onnx-options.ts';
import { templateVersion } from '../model/descriptors/onnx-template.ts';
import type { DescriptorKind } from '../model/types.ts';
import { FaceCropsRepo } from '../store/face-crops-repo.ts';
import { GalleryGenerations, type GalleryGeneration } from '../store/gallery-generations.ts';

export type CheckStatus = 'ok' | 'warn' | 'fail';

export interface CheckResult {
  name: string;
  status: CheckStatus;
  detail: string;
  /** What to do, for warn and fail. */
  fix?: string;
}

const MIB = 1024 * 1024;

const ok = (name: string, detail: string): CheckResult => ({ name, status: 'ok', detail });
const warn = (name: string, detail: string, fix: string): CheckResult => ({ name, status: 'warn', detail, fix });
const fail = (name: string, detail: string, fix: string): CheckResult => ({ name, status: 'fail', detail, fix });

export function checkBackendReport(report: { name: string; provider: string; tried: { choice: string; error: string }[] } | Error): CheckResult {
  if (report instanceof Error) {
    return fail('backend', `no tfjs backend starts: ${report.message}`, isKioskError(report) && report.hint ? report.hint : 'reinstall with `npm ci`');
  }
  const tried = report.tried.length ? ` (not available: ${report.tried.map((t) => t.choice).join(', ')})` : '';
  if (report.name === 'cpu') return warn('backend', `pure-JS cpu backend${tried}`, 'recognition will be very slow: install @tensorflow/tfjs-node (or let the wasm backend load)');
  return ok('backend', `${report.name} via ${report.provider}${tried}`);
}

/** Every weight file a tfjs model.json or weights manifest refers to, beside it. */
function missingWeights(jsonPath: string): string[] {
  const parsed = JSON.parse(readFileSync(jsonPath, 'utf8')) as { weightsManifest?: { paths: string[] }[] } | { paths: string[] }[];
  const groups = Array.isArray(parsed) ? parsed : (parsed.weightsManifest ?? []);
  return groups.flatMap((g) => g.paths).filter((p) => !existsSync(join(dirname(jsonPath), p)));
}

/** Model files present and complete: `required` are model.json / manifest paths. */
export function checkModelFiles(name: string, required: readonly string[]): CheckResult {
  const problems: string[] = [];
  for (const file of required) {
    if (!existsSync(file)) {
      problems.push(`${file} missing`);
      continue;
    }
    try {
      for (const w of missingWeights(file)) problems.push(`${join(dirname(file), w)} missing`);
    } catch (err) {
      problems.push(`${file} unreadable: ${errorMessage(err)}`);
    }
  }
  if (problems.length) return fail(name, problems.slice(0, 5).join('; '), 'reinstall the packages with `npm ci` (models ship inside them)');
  return ok(name, `${required.length} model${required.length === 1 ? '' : 's'} in ${dirname(required[0] ?? '.')}`);
}

/** What `kiosk doctor` learns about the configured face model (see checkFaceModel). */
export interface FaceModelFacts {
  kind: DescriptorKind;
  /** The ONNX model file (arcface only). */
  modelPath: string | null;
  /** Its SHA-256, or why it could not be read. */
  sha256: string | Error | null;
  /** What onnxruntime-node offers here, best first, or why it does not load. */
  providers: readonly ('cuda' | 'cpu')[] | Error | null;
  executionProvider: ExecutionProviderChoice;
}

/** Short form of a SHA-256 for one-line reports (enough to tell two files apart by eye). */
const SHORT_HASH = 12;

/**
 * The configured descriptor: for arcface, the ONNX file with its hash and the execution provider
 * that would run it (`auto`: CUDA where this install has it, else CPU).
 */
export function checkFaceModel(f: FaceModelFacts): CheckResult {
  const name = 'face model';
  if (f.kind !== 'arcface') return ok(name, `${f.kind} descriptor on tfjs (the ONNX face model is not used)`);
  const where = f.modelPath ?? '(no model path)';
  if (f.sha256 instanceof Error || f.sha256 === null) {
    return fail(name, `arcface model ${where} cannot be read${f.sha256 instanceof Error ? `: ${f.sha256.message}` : ''}`, 'set model.descriptor.onnx.modelPath to an existing ArcFace-template .onnx file, or leave it empty for the vendored model (reinstall if it is missing)');
  }
  const model = `arcface ${where} (sha256 ${f.sha256.slice(0, SHORT_HASH)})`;
  if (f.providers instanceof Error || f.providers === null) {
    return fail(name, `${model}; onnxruntime-node does not load${f.providers instanceof Error ? `: ${f.providers.message}` : ''}`, 'reinstall with `ONNXRUNTIME_NODE_INSTALL=skip npm ci` (its CPU binaries ship inside the package)');
  }
  const hasCuda = f.providers.includes('cuda');
  if (f.executionProvider === 'cuda' && !hasCuda) {
    return fail(name, `${model}; model.descriptor.onnx.executionProvider is cuda, but this onnxruntime-node install has no CUDA provider`, 'install onnxruntime-node with its CUDA files (--onnxruntime-node-install=cuda12) or set the execution provider to auto');
  }
  const runs = f.executionProvider === 'cpu' || !hasCuda ? 'cpu' : 'cuda';
  const why = f.executionProvider === 'auto' ? (hasCuda ? 'auto: CUDA provider installed, CPU if it fails to start' : 'auto: no CUDA provider in this install') : f.executionProvider;
  return ok(name, `${model}; onnxruntime provider ${runs} (${why})`);
}

/** What the gallery holds against what is configured (see checkGallery). */
export interface GalleryFacts {
  configured: { kind: DescriptorKind; version: string | null };
  active: GalleryGeneration | null;
  /** Active people with samples but no stored face crop. */
  withoutCrops: readonly { id: number; name: string }[];
}

/** Names listed in full before "and N more". */
const MAX_NAMES = 10;

/**
 * Whether a face model change strands anyone: people enrolled without a stored crop cannot be
 * re-embedded, and a gallery made with another descriptor than the configured one must be
 * re-embedded (arcface) or enrolled again (the others).
 */
export function checkGallery(g: GalleryFacts): CheckResult {
  const name = 'gallery';
  if (g.active === null) return ok(name, `nobody enrolled yet; enrollment will use ${g.configured.kind}`);
  const problems: string[] = [];
  const fixes: string[] = [];
  const differs = g.active.kind !== g.configured.kind || (g.configured.version !== null && g.active.modelVersion !== g.configured.version);
  if (differs) {
    const wanted = `${g.configured.kind}${g.configured.version === null ? '' : ` (${g.configured.version})`}`;
    problems.push(`matching uses ${g.active.kind} (${g.active.modelVersion}), the configured descriptor is ${wanted}`);
    fixes.push(g.configured.kind === 'arcface'
      ? 'run `kiosk reembed`, or just start the kiosk: `kiosk serve` re-embeds the stored face crops in the background and switches when done'
      : `${g.configured.kind} cannot be computed from stored crops: set model.descriptor.kind back to ${g.active.kind}, or enroll everyone again`);
  }
  if (g.withoutCrops.length > 0) {
    const shown = g.withoutCrops.slice(0, MAX_NAMES).map((p) => `${p.name} (#${p.id})`).join(', ');
    const more = g.withoutCrops.length > MAX_NAMES ? ` and ${g.withoutCrops.length - MAX_NAMES} more` : '';
    problems.push(`${g.withoutCrops.length} ${g.withoutCrops.length === 1 ? 'person has' : 'people have'} no stored face crop and needs re-enrolment before a model change: ${shown}${more}`);
    fixes.push('enroll them again (kiosk menu or `kiosk enroll`); the admin People page marks them "needs re-enrolment"');
  }
  if (problems.length === 0) return ok(name, `matching uses ${g.active.kind} (${g.active.modelVersion}), as configured; every enrolled person has stored face crops`);
  return warn(name, problems.join('; '), fixes.join('; '));
}

export function checkCamera(source: string, devices: readonly string[], canOpen: (dev: string) => boolean, gstLaunch: string | null): CheckResult {
  if (/^gst:/i.test(source)) {
    return gstLaunch ? ok('camera', `GStreamer source (${source}) via ${gstLaunch}`) : fail('camera', `source ${source} needs gst-launch-1.0, which is not installed`, 'install gstreamer1.0-tools (JetPack ships it) or set capture.gstLaunchPath');
  }
  const isDevice = source === 'auto' || source.startsWith('/dev/');
  if (!isDevice) return ok('camera', `source is not a camera device (${source})`);
  if (source.startsWith('/dev/') && !devices.includes(source)) {
    return fail('camera', `${source} does not exist (found: ${devices.join(', ') || 'none'})`, 'plug the camera in, or set pipeline.source to one of the devices found');
  }
  if (devices.length === 0) return warn('camera', 'no /dev/video* device', 'plug in a USB camera (check `dmesg`), or use gst:csi for a Jetson CSI camera');
  const blocked = devices.filter((d) => !canOpen(d));
  if (blocked.length === devices.length) {
    return fail('camera', `cannot open ${blocked.join(', ')} (permission)`, 'add the kiosk user to the video group: usermod -aG video <user> (the service unit sets SupplementaryGroups=video)');
  }
  return ok('camera', `${devices.length} device${devices.length === 1 ? '' : 's'}: ${devices.join(', ')}${blocked.length ? ` (no access: ${blocked.join(', ')})` : ''}`);
}

export function checkDiskSpace(path: string, freeBytes: number, minFreeMb: number, warnFreeMb: number): CheckResult {
  const mb = Math.floor(freeBytes / MIB);
  const detail = `${mb} MiB free in ${path}`;
  if (mb < minFreeMb) return fail('disk', detail, `free space: below ${minFreeMb} MiB the database and backups may fail to write (lower ops.backup.keep, prune snapshots)`);
  if (mb < warnFreeMb) return warn('disk', detail, `getting low (warning below ${warnFreeMb} MiB): check ${path}/backups and snapshots`);
  return ok('disk', detail);
}

export function checkKey(status: KeyStatus, encrypt: boolean): CheckResult {
  if (!encrypt) {
    return status.sealedSamples > 0
      ? fail('descriptor key', `encryption is off but ${status.sealedSamples} descriptors are encrypted`, 'set store.encryptDescriptors back to true')
      : warn('descriptor key', 'encryption at rest is off: the database file alone reveals face descriptors', 'set store.encryptDescriptors to true (the next start encrypts them)');
  }
  if (!status.exists) {
    return status.sealedSamples > 0
      ? fail('descriptor key', `${status.path} is missing; ${status.sealedSamples} descriptors are encrypted with key ${status.databaseKeyId ?? '?'}`, 'restore the key file from your backup of it, or re-enroll everyone')
      : warn('descriptor key', `${status.path} does not exist yet`, 'it is created on the first start; then back it up somewhere other than the database backups');
  }
  if (status.problem) return fail('descriptor key', status.problem, `chmod 600 ${status.path}; chown it to the kiosk user`);
  if (status.databaseKeyId !== null && status.keyId !== status.databaseKeyId && status.sealedSamples > 0) {
    return fail('descriptor key', `${status.path} is key ${status.keyId}, the database was sealed with ${status.databaseKeyId}`, 'put the matching key file back');
  }
  if (status.plainSamples > 0) return warn('descriptor key', `${status.plainSamples} descriptors are still stored in clear`, 'start the kiosk once: it encrypts them on open');
  return ok('descriptor key', `${status.path} (mode ${status.mode}, id ${status.keyId}), ${status.sealedSamples} descriptors encrypted`);
}

export function checkBackups(dir: string, enabled: boolean, intervalMs: number, now: number, mtimeOf: (path: string) => number): CheckResult {
  if (!enabled) return warn('backups', 'scheduled backups are off', 'set ops.backup.enabled to true, or run `kiosk backup` from cron');
  const all = listBackups(dir);
  const last = all[all.length - 1];
  if (!last) return warn('backups', `no backup in ${dir} yet`, 'the running kiosk makes one every interval; run `kiosk backup` now to have one');
  const age = now - mtimeOf(last.path);
  if (age > 2 * intervalMs) return warn('backups', `newest backup ${last.name} is ${Math.round(age / 3_600_000)} h old`, 'is the kiosk service running? check `journalctl -u attendance-kiosk`');
  return ok('backups', `${all.length} in ${dir}, newest ${last.name}`);
}

export function runVersion(bin: string, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(bin, ['-version'], { timeout: timeoutMs }, (err, stdout) => (err ? reject(err) : resolve(stdout.split('\n')[0] ?? '')));
  });
}

/**
 * ffmpeg runs and says its version; the bundled @ffmpeg-installer build (December 2018) is a warning:
 * it parses every camera and RTSP stream, and the system's ffmpeg ≥ 5 would be used instead.
 */
export async function checkFfmpeg(source: string, resolvePath: () => string, version: (bin: string) => Promise<string>, bundledPath: string | null = null, now = Date.now()): Promise<CheckResult> {
  const needed = !/^gst:/i.test(source);
  try {
    const bin = resolvePath();
    const line = await version(bin);
    if (bundledPath !== null && bin === bundledPath) {
      const built = parseFfmpegVersion(line)?.year ?? null;
      const age = built === null ? '' : `, built ${built} (${new Date(now).getUTCFullYear() - built} years of decoder fixes missing)`;
      return warn('ffmpeg', `the bundled @ffmpeg-installer build is in use${age}: ${line} (${bin})`, 'install ffmpeg 5 or newer from the OS (`apt install ffmpeg`); the kiosk then prefers it by itself. Or set capture.ffmpegPath');
    }
    return ok('ffmpeg', `${line} (${bin})`);
  } catch (err) {
    const detail = `ffmpeg not usable: ${errorMessage(err)}`;
    const fix = 'run `npm ci` (bundles ffmpeg) or install ffmpeg and set capture.ffmpegPath';
    return needed ? fail('ffmpeg', detail, fix) : warn('ffmpeg', detail, fix);
  }
}

/** What the network sees: loopback only, or HTTPS with the certificate's SHA-256 (to compare with the browser's). */
export function checkNetwork(server: Config['server'], dataDir: string, now: number): CheckResult {
  const where = `${server.host}:${server.port}`;
  if (!tlsWanted(server)) return ok('network', `bound to ${where}: only this device can connect (set server.host to serve the LAN, over HTTPS)`);
  const scope = isLoopbackHost(server.host) ? 'this device' : 'the network';
  if (server.tls.certFile !== undefined) {
    try {
      const c = describeCert(readFileSync(server.tls.certFile, 'utf8'));
      if (Date.parse(c.notAfter) <= now) return fail('network', `${server.tls.certFile} expired ${c.notAfter}`, 'renew the certificate (server.tls.certFile / keyFile)');
      return ok('network', `HTTPS on ${where} for ${scope}, certificate ${server.tls.certFile}, SHA-256 ${c.fingerprint256}`);
    } catch (err) {
      return fail('network', `cannot read ${server.tls.certFile}: ${errorMessage(err)}`, 'point server.tls.certFile / keyFile at PEM files the kiosk user can read');
    }
  }
  const self = readSelfSigned(dataDir);
  if (self === null) return warn('network', `HTTPS on ${where} for ${scope}: the self-signed certificate is made at the first \`kiosk serve\` (${selfSignedPaths(dataDir).cert})`, 'start the kiosk once, then run `kiosk doctor` again to see its fingerprint');
  return ok('network', `HTTPS on ${where} for ${scope}, self-signed ${self.path} (until ${self.notAfter}), SHA-256 ${self.fingerprint256} — check a browser shows this fingerprint before trusting it`);
}

/** Before the first admin exists: the setup code, shown only here, on the kiosk screen and by `kiosk serve`. */
export function checkSetup(admins: number, dataDir: string): CheckResult {
  if (admins > 0) return ok('setup', `${admins} admin${admins === 1 ? '' : 's'}`);
  const code = readSetupCode(setupCodeFile(dataDir));
  if (code === null) return warn('setup', 'no admin yet, and no setup code: `kiosk serve` makes one at start', 'start the kiosk, then open /admin on this device and enter the setup code it prints');
  return warn('setup', `no admin yet: setup code ${formatCode(code)}`, 'open /admin (on the kiosk screen or a paired browser) and enter this code to create the first admin');
}

/**
 * The data directory's database: opens (and migrates, page-checks), then proves it takes a write by
 * committing the heartbeat row; reports decisions still waiting in the punch journal. `open` is
 * injectable so tests can hand it a database that refuses writes.
 */
export function checkDatabase(path: string, open: (path: string) => Db = openDatabase, now = Date.now()): { result: CheckResult; db: Db | null } {
  let db: Db;
  try {
    db = open(path);
  } catch (err) {
    return { result: fail('database', errorMessage(err), isKioskError(err) && err.hint ? err.hint : 'check the data directory permissions'), db: null };
  }
  const probe = probeWrite(db, now);
  if (!probe.writable) {
    db.close();
    return { result: fail('database', `${path} not writable: ${probe.error}`, 'the kiosk user must own the data directory (chown -R kiosk: <dataDir>); is the disk full or read-only?'), db: null };
  }
  const people = db.prepare<[], { n: number }>('SELECT count(*) AS n FROM people').get()?.n ?? 0;
  const detail = `${path} writable (schema ${schemaVersion(db)}, ${people} people)`;
  const waiting = new PunchJournal(journalPathFor(path)).read().entries.length;
  if (waiting > 0) {
    return { result: warn('database', `${detail}; ${waiting} decisions made while it refused writes wait in ${journalPathFor(path)}`, 'start the kiosk (it replays them into the log at start); keep the file until then'), db };
  }
  return { result: ok('database', detail), db };
}

export interface DoctorProbes {
  initBackend(): Promise<{ name: string; provider: string; tried: { choice: string; error: string }[] }>;
  modelFiles(): { human: string[]; faceApi: string[] };
  videoDevices(): string[];
  canOpen(dev: string): boolean;
  freeBytes(path: string): number;
  resolveFfmpeg(): string;
  /** The @ffmpeg-installer binary, when installed: the doctor warns when it is the one in use. */
  bundledFfmpeg(): string | null;
  ffmpegVersion(bin: string): Promise<string>;
  /** Execution providers onnxruntime-node offers here, best first. */
  onnxProviders(): Promise<('cuda' | 'cpu')[]>;
  sha256(path: string): Promise<string>;
  now(): number;
}

/** The real machine. */
export function systemProbes(config: Config, resolveFfmpeg: () => string, bundledFfmpeg: () => string | null, init: () => Promise<{ name: string; provider: string; tried: { choice: string; error: string }[] }>, models: () => { human: string[]; faceApi: string[] }): DoctorProbes {
  return {
    initBackend: init,
    modelFiles: models,
    videoDevices: () => (existsSync('/dev') ? readdirSync('/dev').filter((n) => /^video\d+$/.test(n)).sort((a, b) => Number(a.slice(5)) - Number(b.slice(5))).map((n) => `/dev/${n}`) : []),
    canOpen: (dev) => {
      try {
        accessSync(dev, constants.R_OK | constants.W_OK);
        return true;
      } catch {
        return false;
      }
    },
    freeBytes: (path) => {
      const s = statfsSync(path);
      return s.bavail * s.bsize;
    },
    resolveFfmpeg,
    bundledFfmpeg,
    ffmpegVersion: (bin) => runVersion(bin, config.ops.doctor.commandTimeoutMs),
    onnxProviders: usableProviders,
    sha256: fileSha256,
    now: Date.now,
  };
}

export async function runDoctor(config: Config, dataDir: string, probes: DoctorProbes): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  let backend: Awaited<ReturnType<DoctorProbes['initBackend']>> | Error;
  try {
    backend = await probes.initBackend();
  } catch (err) {
    backend = err instanceof Error ? err : new Error(String(err));
  }
  results.push(checkBackendReport(backend));
  const models = probes.modelFiles();
  results.push(checkModelFiles('models (Human)', models.human));
  results.push(checkModelFiles('models (face-api)', models.faceApi));
  const face = await faceModelFacts(config, probes);
  results.push(checkFaceModel(face));
  const source = config.pipeline.source;
  results.push(checkCamera(source, probes.videoDevices(), probes.canOpen, /^gst:/i.test(source) ? findExecutable(config.capture.gstLaunchPath) : null));

  const dbPath = databasePath({ dataDir, dbFile: config.store.dbFile });
  const { result, db } = checkDatabase(dbPath);
  results.push(result);
  const storeOpts = { dataDir, keyFile: config.store.keyFile };
  if (db !== null) {
    try {
      results.push(checkSetup(db.prepare<[], { n: number }>('SELECT count(*) AS n FROM admins').get()?.n ?? 0, dataDir));
    } catch (err) {
      results.push(warn('setup', `cannot count admins: ${errorMessage(err)}`, 'check the database'));
    }
    try {
      const crops = new FaceCropsRepo(db, () => null);
      const active = new GalleryGenerations(db, crops, { ...config.store, dataDir }).active();
      const onnx = resolveOnnxOptions(config.model.descriptor.onnx);
      const version = face.kind === 'arcface' && typeof face.sha256 === 'string' ? templateVersion(onnx, face.sha256) : null;
      results.push(checkGallery({ configured: { kind: face.kind, version }, active, withoutCrops: crops.peopleWithoutCrops() }));
    } catch (err) {
      results.push(warn('gallery', `cannot read the gallery: ${errorMessage(err)}`, 'check the database'));
    }
  }
  results.push(checkNetwork(config.server, dataDir, probes.now()));
  try {
    results.push(checkKey(keyStatus(storeOpts, db), config.store.encryptDescriptors));
  } finally {
    db?.close();
  }
  let diskPath = dataDir;
  while (!existsSync(diskPath) && dirname(diskPath) !== diskPath) diskPath = dirname(diskPath);
  try {
    results.push(checkDiskSpace(diskPath, probes.freeBytes(diskPath), config.ops.doctor.minFreeMb, config.ops.doctor.warnFreeMb));
  } catch (err) {
    results.push(warn('disk', `cannot read free space of ${diskPath}: ${errorMessage(err)}`, 'check the data directory'));
  }
  results.push(checkBackups(resolveIn(dataDir, config.ops.backup.dir), config.ops.backup.enabled, config.ops.backup.intervalMs, probes.now(), (p) => statSync(p).mtimeMs));
  results.push(await checkFfmpeg(source, probes.resolveFfmpeg, probes.ffmpegVersion, probes.bundledFfmpeg(), probes.now()));
  return results;
}

async function faceModelFacts(config: Config, probes: DoctorProbes): Promise<FaceModelFacts> {
  const { kind, onnx } = config.model.descriptor;
  const facts: FaceModelFacts = { kind, modelPath: null, sha256: null, providers: null, executionProvider: onnx.executionProvider };
  if (kind !== 'arcface') return facts;
  const asError = (err: unknown): Error => (err instanceof Error ? err : new Error(String(err)));
  facts.modelPath = resolveOnnxOptions(onnx).modelPath;
  facts.sha256 = await probes.sha256(facts.modelPath).catch(asError);
  facts.providers = await probes.onnxProviders().catch(asError);
  return facts;
}

const MARK: Record<CheckStatus, string> = { ok: 'ok  ', warn: 'WARN', fail: 'FAIL' };

export function formatDoctor(results: readonly CheckResult[]): string {
  const width = Math.max(...results.map((r) => r.name.length));
  const lines = results.map((r) => `[${MARK[r.status]}] ${r.name.padEnd(width)}  ${r.detail}${r.fix ? `\n       ${' '.repeat(width)}  → ${r.fix}` : ''}`);
  const fails = results.filter((r) => r.status === 'fail').length;
  const warns = results.filter((r) => r.status === 'warn').length;
  lines.push('', fails ? `${fails} problem${fails === 1 ? '' : 's'} to fix${warns ? `, ${warns} warning${warns === 1 ? '' : 's'}` : ''}` : warns ? `no failures, ${warns} warning${warns === 1 ? '' : 's'}` : 'all checks passed');
  return lines.join('\n');
}

export function doctorExitCode(results: readonly CheckResult[]): number {
  return results.some((r) => r.status === 'fail') ? 1 : 0;
}
