/**
 * One ONNX Runtime session with the execution provider chosen from config: `cpu`, `cuda`, or
 * `auto` (CUDA where this onnxruntime-node build has it and it starts, else CPU). Reports the
 * provider that actually loaded, never the one asked for.
 */
import type * as OrtModule from 'onnxruntime-node';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createHash } from 'node:crypto';
import { KioskError, errorMessage } from '../../errors.ts';

type Ort = typeof OrtModule;
type Session = OrtModule.InferenceSession;

export type ExecutionProviderChoice = 'auto' | 'cpu' | 'cuda';

export interface LoadedSession {
  ort: Ort;
  session: Session;
  /** The provider running the model. */
  provider: 'cpu' | 'cuda';
  /** Providers tried before it, with why each was passed over. */
  skipped: string[];
  /** SHA-256 of the model file, hex. */
  sha256: string;
}

async function loadOrt(): Promise<Ort> {
  try {
    // A CommonJS package: under tsx its exports arrive as the namespace, under plain ESM as default.
    const mod = (await import('onnxruntime-node')) as Ort & { default?: Ort };
    return mod.default ?? mod;
  } catch (err) {
    throw new KioskError('BACKEND_UNAVAILABLE', `onnxruntime-node cannot load: ${errorMessage(err)}`, { hint: 'reinstall with `npm ci` (its CPU binaries ship inside the package)', cause: err });
  }
}

/**
 * Whether this install can run CUDA: the binding lists it, and (not being bundled) its provider
 * library was installed beside the binding (`--onnxruntime-node-install=cuda12`; JetPack builds).
 */
export function cudaInstalled(ort: Ort): boolean {
  const cuda = ort.listSupportedBackends().find((b) => b.name === 'cuda');
  if (!cuda) return false;
  if (cuda.bundled) return true;
  const binDir = join(dirname(createRequire(import.meta.url).resolve('onnxruntime-node')), '..', 'bin', 'napi-v6', process.platform, process.arch);
  return existsSync(join(binDir, 'libonnxruntime_providers_cuda.so'));
}

/** The providers `auto` would try, best first, for `kiosk doctor`. */
export async function usableProviders(): Promise<('cuda' | 'cpu')[]> {
  return cudaInstalled(await loadOrt()) ? ['cuda', 'cpu'] : ['cpu'];
}

export async function fileSha256(path: string): Promise<string> {
  try {
    return createHash('sha256').update(await readFile(path)).digest('hex');
  } catch (err) {
    throw new KioskError('MODEL_LOAD_FAILED', `cannot read the face model ${path}: ${errorMessage(err)}`, { hint: 'set model.descriptor.onnx.modelPath to an existing .onnx file, or reinstall', context: { modelPath: path }, cause: err });
  }
}

export async function createSession(modelPath: string, opts: { provider: ExecutionProviderChoice; threads: number }): Promise<LoadedSession> {
  const ort = await loadOrt();
  let bytes: Buffer;
  try {
    bytes = await readFile(modelPath);
  } catch (err) {
    throw new KioskError('MODEL_LOAD_FAILED', `cannot read the face model ${modelPath}: ${errorMessage(err)}`, { hint: 'set model.descriptor.onnx.modelPath to an existing .onnx file, or reinstall', context: { modelPath }, cause: err });
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const base = { graphOptimizationLevel: 'extended' as const, intraOpNumThreads: opts.threads, interOpNumThreads: 1 };
  const skipped: string[] = [];
  if (opts.provider !== 'cpu') {
    if (!cudaInstalled(ort)) {
      if (opts.provider === 'cuda') throw new KioskError('BACKEND_UNAVAILABLE', 'model.descriptor.onnx.executionProvider is cuda, but this onnxruntime-node install has no CUDA provider', { hint: 'install onnxruntime-node with its CUDA files (--onnxruntime-node-install=cuda12) or set it to auto' });
      skipped.push('cuda: its provider library is not installed');
    } else {
      try {
        return { ort, session: await ort.InferenceSession.create(bytes, { ...base, executionProviders: ['cuda'] }), provider: 'cuda', skipped, sha256 };
      } catch (err) {
        if (opts.provider === 'cuda') throw new KioskError('BACKEND_UNAVAILABLE', `the CUDA provider did not start: ${errorMessage(err)}`, { hint: 'check the CUDA/cuDNN libraries, or set model.descriptor.onnx.executionProvider to auto', cause: err });
        skipped.push(`cuda: ${errorMessage(err)}`);
      }
    }
  }
  try {
    return { ort, session: await ort.InferenceSession.create(bytes, { ...base, executionProviders: ['cpu'] }), provider: 'cpu', skipped, sha256 };
  } catch (err) {
    throw new KioskError('MODEL_LOAD_FAILED', `onnxruntime cannot load ${modelPath}: ${errorMessage(err)}`, { hint: 'the file is not a valid ONNX model; restore the default (models/fr-feature) or fix model.descriptor.onnx.modelPath', context: { modelPath }, cause: err });
  }
}
