/**
 * The one tfjs instance the whole process shares. Human and face-api `require('@tensorflow/tfjs')`
 * from CommonJS, so we load it the same way: an ESM import could hand us a second copy with its
 * own backend registry and tensors the models cannot read.
 */
import { createRequire } from 'node:module';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type * as TF from '@tensorflow/tfjs';
import { KioskError, errorMessage } from '../errors.ts';

export type Tf = typeof TF;
export type BackendChoice = 'auto' | 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu';
/** Backends as tfjs names them once registered. */
export type BackendName = 'tensorflow' | 'wasm' | 'cpu';

export const require = createRequire(import.meta.url);
export const tf: Tf = require('@tensorflow/tfjs') as Tf;

/** Order in which `auto` tries backends: fastest first, pure JS last. */
const AUTO_ORDER: readonly Exclude<BackendChoice, 'auto'>[] = ['tensorflow-gpu', 'tensorflow', 'wasm', 'cpu'];

export interface BackendReport {
  name: BackendName;
  /** Which package provided it (tfjs-node-gpu vs tfjs-node share the name `tensorflow`). */
  provider: string;
  tried: { choice: string; error: string }[];
}

async function tryBackend(choice: Exclude<BackendChoice, 'auto'>): Promise<{ name: BackendName; provider: string }> {
  switch (choice) {
    case 'tensorflow-gpu':
      require('@tensorflow/tfjs-node-gpu');
      await tf.setBackend('tensorflow');
      return { name: 'tensorflow', provider: '@tensorflow/tfjs-node-gpu' };
    case 'tensorflow':
      require('@tensorflow/tfjs-node');
      await tf.setBackend('tensorflow');
      return { name: 'tensorflow', provider: '@tensorflow/tfjs-node' };
    case 'wasm': {
      require('@tensorflow/tfjs-backend-wasm');
      if (!(await tf.setBackend('wasm'))) throw new Error('tf.setBackend("wasm") returned false');
      return { name: 'wasm', provider: '@tensorflow/tfjs-backend-wasm' };
    }
    case 'cpu':
      if (!(await tf.setBackend('cpu'))) throw new Error('tf.setBackend("cpu") returned false');
      return { name: 'cpu', provider: '@tensorflow/tfjs-backend-cpu' };
  }
}

let active: Promise<BackendReport> | null = null;
let activeChoice: BackendChoice | null = null;

/**
 * Select the tfjs backend once per process (a thread's tfjs is global). Calling again with the
 * same choice returns the same report; with a different choice it is an error, not a silent switch.
 */
export function initBackend(choice: BackendChoice): Promise<BackendReport> {
  if (active) {
    if (activeChoice !== choice) {
      return Promise.reject(new KioskError('BACKEND_UNAVAILABLE', `tfjs backend already initialised as "${activeChoice}", cannot switch to "${choice}"`, { hint: 'use one backend per process' }));
    }
    return active;
  }
  activeChoice = choice;
  active = (async () => {
    registerFileLoader();
    const order = choice === 'auto' ? AUTO_ORDER : [choice];
    const tried: BackendReport['tried'] = [];
    for (const c of order) {
      try {
        const { name, provider } = await tryBackend(c);
        await tf.ready();
        return { name, provider, tried };
      } catch (err) {
        tried.push({ choice: c, error: errorMessage(err).split('\n')[0] ?? '' });
      }
    }
    throw new KioskError('BACKEND_UNAVAILABLE', `no tfjs backend could start (tried ${tried.map((t) => `${t.choice}: ${t.error}`).join('; ')})`, {
      hint: choice === 'auto' ? 'reinstall with `npm ci`' : `set model.backend to "auto" or install the package for "${choice}"`,
      context: { tried },
    });
  })();
  return active;
}

let fileLoaderRegistered = false;

/**
 * tfjs fetches model URLs, and Node's fetch cannot read file://. This router serves `file://`
 * model.json URLs from disk, so every model loads offline from its npm package.
 */
export function registerFileLoader(): void {
  if (fileLoaderRegistered) return;
  fileLoaderRegistered = true;
  const router = (url: string | string[]): TF.io.IOHandler | null => {
    if (typeof url !== 'string' || !url.startsWith('file://')) return null;
    const path = fileURLToPath(url);
    return {
      load: async () => {
        let json: TF.io.ModelJSON;
        try {
          json = JSON.parse(await readFile(path, 'utf8')) as TF.io.ModelJSON;
        } catch (err) {
          throw new KioskError('MODEL_LOAD_FAILED', `cannot read model ${path}: ${errorMessage(err)}`, { hint: 'reinstall with `npm ci`', cause: err });
        }
        return tf.io.getModelArtifactsForJSON(json, async (manifest) => {
          const specs: TF.io.WeightsManifestEntry[] = [];
          const buffers: Buffer[] = [];
          for (const group of manifest) {
            for (const p of group.paths) buffers.push(await readFile(join(dirname(path), p)));
            specs.push(...group.weights);
          }
          const all = Buffer.concat(buffers);
          return [specs, all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength)];
        });
      },
    };
  };
  // tfjs types the router as never returning null, but its registry skips routers that do.
  tf.io.registerLoadRouter(router as Parameters<typeof tf.io.registerLoadRouter>[0]);
}
