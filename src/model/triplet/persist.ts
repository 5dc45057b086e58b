/**
 * Head + metadata on disk, in tfjs's own format (model.json + weights.bin) plus metadata.json.
 *
 * A running kiosk must never read a half-written model, so `dir` is a symlink to an immutable
 * sibling version folder: a save writes a fresh folder, then renames a new symlink over `dir`
 * (rename(2) replaces a symlink atomically). Readers resolve the link once and read every file
 * from that one version. The previous version is kept for readers that resolved it just before a
 * swap; older ones are pruned.
 *
 * tfjs's `file://` handlers exist only in tfjs-node, so files are written and read with fs and
 * handed to tfjs through tf.io.withSaveHandler / tf.io.fromMemory (works on wasm and cpu).
 */
import { chmod, mkdir, open, readFile, readdir, readlink, realpath, rename, rm, symlink, lstat } from 'node:fs/promises';
import { closeSync, fsyncSync, openSync, readdirSync, readFileSync, renameSync, writeSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { basename, dirname, join, resolve } from 'node:path';
import { tf } from '../tfjs.ts';
import type * as TF from '@tensorflow/tfjs';
import { KioskError, errorMessage } from '../../errors.ts';
import { ensurePrivateDir, PRIVATE_DIR_MODE, PRIVATE_FILE_MODE } from '../../private-files.ts';
import { TripletHead } from './head.ts';
import type { TripletHeadMetadata } from './train.ts';

export const MODEL_FILE = 'model.json';
export const WEIGHTS_FILE = 'weights.bin';
export const METADATA_FILE = 'metadata.json';

const versionPrefix = (dir: string): string => `.${basename(dir)}.v-`;

/** Model files say whom the head was trained on: owner-only, whatever the umask. */
async function writeDurable(path: string, data: string | Uint8Array): Promise<void> {
  const fh = await open(path, 'wx', PRIVATE_FILE_MODE);
  try {
    await fh.chmod(PRIVATE_FILE_MODE);
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

async function syncDir(path: string): Promise<void> {
  const fh = await open(path, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

function isErrno(err: unknown, code: string): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: unknown }).code === code;
}

/** Writes the three files into a new, not yet visible folder. */
async function writeVersion(versionDir: string, head: TripletHead, metadata: TripletHeadMetadata): Promise<void> {
  await mkdir(versionDir, { mode: PRIVATE_DIR_MODE });
  await chmod(versionDir, PRIVATE_DIR_MODE);
  await head.save(
    tf.io.withSaveHandler(async (artifacts: TF.io.ModelArtifacts) => {
      const weights = new Uint8Array(tf.io.CompositeArrayBuffer.join(artifacts.weightData ?? new ArrayBuffer(0)));
      const modelJson: TF.io.ModelJSON = {
        modelTopology: artifacts.modelTopology as object,
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy ?? null,
        weightsManifest: [{ paths: [WEIGHTS_FILE], weights: artifacts.weightSpecs ?? [] }],
      };
      await writeDurable(join(versionDir, WEIGHTS_FILE), weights);
      await writeDurable(join(versionDir, MODEL_FILE), JSON.stringify(modelJson));
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    }),
  );
  await writeDurable(join(versionDir, METADATA_FILE), `${JSON.stringify(metadata, null, 2)}\n`);
  await syncDir(versionDir);
}

/**
 * Saves atomically to `dir` (a symlink managed here). If `dir` is a plain folder from elsewhere,
 * it is first moved aside as a version; only that one-time migration has a moment without `dir`.
 */
export async function saveHead(dir: string, head: TripletHead, metadata: TripletHeadMetadata): Promise<void> {
  const target = resolve(dir);
  const parent = dirname(target);
  const id = randomUUID();
  const versionName = `${versionPrefix(target)}${id}`;
  const versionDir = join(parent, versionName);
  try {
    ensurePrivateDir(parent);
    await writeVersion(versionDir, head, metadata);

    let previous: string | null = null;
    try {
      const st = await lstat(target);
      if (st.isSymbolicLink()) previous = basename(await readlink(target));
      else if (st.isDirectory()) {
        previous = `${versionPrefix(target)}${randomUUID()}`;
        await rename(target, join(parent, previous));
      } else {
        throw new KioskError('STORE_FAILED', `${target} exists and is not a model folder`, { hint: 'remove it or choose another path', context: { dir: target } });
      }
    } catch (err) {
      if (!isErrno(err, 'ENOENT')) throw err;
    }

    const tmpLink = join(parent, `.${basename(target)}.link-${id}`);
    await symlink(versionName, tmpLink);
    await rename(tmpLink, target);
    await syncDir(parent);

    for (const name of await readdir(parent)) {
      if (name.startsWith(versionPrefix(target)) && name !== versionName && name !== previous) {
        await rm(join(parent, name), { recursive: true, force: true });
      }
    }
  } catch (err) {
    await rm(versionDir, { recursive: true, force: true }).catch(() => undefined);
    if (err instanceof KioskError) throw err;
    throw new KioskError('STORE_FAILED', `cannot save triplet head to ${target}: ${errorMessage(err)}`, { hint: 'check the folder is writable and the disk has space', context: { dir: target }, cause: err });
  }
}

async function readVersion(versionDir: string): Promise<{ head: TripletHead; metadata: TripletHeadMetadata }> {
  const modelJson = JSON.parse(await readFile(join(versionDir, MODEL_FILE), 'utf8')) as TF.io.ModelJSON;
  const metadata = JSON.parse(await readFile(join(versionDir, METADATA_FILE), 'utf8')) as TripletHeadMetadata;
  const specs: TF.io.WeightsManifestEntry[] = [];
  const buffers: Uint8Array[] = [];
  for (const group of modelJson.weightsManifest ?? []) {
    for (const p of group.paths) {
      // Weight files live next to model.json; a path that leaves the folder is not ours.
      if (basename(p) !== p) throw new KioskError('MODEL_LOAD_FAILED', `weights path "${p}" in ${MODEL_FILE} is not a plain file name`);
      buffers.push(await readFile(join(versionDir, p)));
    }
    specs.push(...group.weights);
  }
  const all = Buffer.concat(buffers);
  const weightData = all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength) as ArrayBuffer;
  const artifacts: TF.io.ModelArtifacts = {
    modelTopology: modelJson.modelTopology,
    format: modelJson.format,
    generatedBy: modelJson.generatedBy,
    convertedBy: modelJson.convertedBy,
    weightSpecs: specs,
    weightData,
  };
  const head = await TripletHead.load(tf.io.fromMemory(artifacts));
  const meta = metadata as Partial<TripletHeadMetadata> | null;
  if (!meta || typeof meta.descriptorKind !== 'string' || typeof meta.modelVersion !== 'string' || meta.head?.inputDim !== head.config.inputDim) {
    head.dispose();
    throw new KioskError('MODEL_LOAD_FAILED', `${METADATA_FILE} does not describe the saved head`, { hint: 'retrain the head' });
  }
  return { head, metadata };
}

/** Loads what saveHead wrote (or a plain folder with the same three files). */
export async function loadHead(dir: string): Promise<{ head: TripletHead; metadata: TripletHeadMetadata }> {
  const target = resolve(dir);
  // Two tries: a reader that resolved a version two saves ago may find it pruned; resolving again fixes that.
  for (let attempt = 0; ; attempt++) {
    try {
      return await readVersion(await realpath(target));
    } catch (err) {
      if (isErrno(err, 'ENOENT') && attempt === 0) continue;
      if (err instanceof KioskError) throw err;
      throw new KioskError('MODEL_LOAD_FAILED', `cannot load triplet head from ${target}: ${errorMessage(err)}`, {
        hint: isErrno(err, 'ENOENT') ? 'train a head first' : 'retrain the head',
        context: { dir: target },
        cause: err,
      });
    }
  }
}

/** What an erased person's name becomes in the metadata of heads kept on disk. */
export const ERASED_NAME = '(erased)';

/**
 * Erasure reaches every model version kept on disk: each `metadata.json` under `modelsDir` (the
 * active and latest heads and the previous versions kept beside them) that lists `name` among the
 * people it was trained on is rewritten without it, atomically (temp file + rename, fsync'd).
 * Synchronous, so it completes inside the erase that calls it. Returns the files rewritten.
 */
export function erasePersonFromHeads(modelsDir: string, name: string): number {
  let rewritten = 0;
  const visit = (dir: string, depth: number): void => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (err) {
      if (isErrno(err, 'ENOENT')) return;
      throw err;
    }
    for (const e of entries) {
      const path = join(dir, e.name);
      if (e.isDirectory() && depth < 2) visit(path, depth + 1);
      else if (e.isFile() && e.name === METADATA_FILE && scrubMetadata(path, name)) rewritten++;
    }
  };
  try {
    visit(modelsDir, 0);
  } catch (err) {
    throw new KioskError('STORE_FAILED', `cannot remove a name from the models in ${modelsDir}: ${errorMessage(err)}`, {
      hint: 'check the models folder is writable, then remove the person again',
      context: { modelsDir },
      cause: err,
    });
  }
  return rewritten;
}

function scrubMetadata(path: string, name: string): boolean {
  const text = readFileSync(path, 'utf8');
  let meta: { people?: { name?: unknown }[] };
  try {
    meta = JSON.parse(text) as { people?: { name?: unknown }[] };
  } catch {
    return false;
  }
  if (!Array.isArray(meta.people) || !meta.people.some((p) => p.name === name)) return false;
  const people = meta.people.map((p) => (p.name === name ? { ...p, name: ERASED_NAME } : p));
  const tmp = `${path}.erase-${process.pid}`;
  const fd = openSync(tmp, 'w', PRIVATE_FILE_MODE);
  try {
    writeSync(fd, `${JSON.stringify({ ...meta, people }, null, 2)}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
  return true;
}
