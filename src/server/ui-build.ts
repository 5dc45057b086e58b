/**
 * Builds the kiosk UI with Vite when `kiosk-ui/dist` is missing or older than its sources, so a
 * fresh checkout's `npm start` (and the browser tests) serve the current screens. Vite is a dev
 * dependency: an install without it must ship a prebuilt dist, and gets a clear error otherwise.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KioskError } from '../errors.ts';

export const defaultUiRoot = fileURLToPath(new URL('../../kiosk-ui', import.meta.url));
const PROTOCOL = fileURLToPath(new URL('./protocol.ts', import.meta.url));

function newestMtime(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

export interface UiBuildState {
  dist: string;
  built: boolean;
  /** Sources changed after the last build. */
  stale: boolean;
}

export function uiBuildState(root: string = defaultUiRoot): UiBuildState {
  const dist = join(root, 'dist');
  const marker = join(dist, 'index.html');
  if (!existsSync(marker) || !existsSync(join(dist, 'admin.html')) || !existsSync(join(dist, 'hub-admin.html'))) return { dist, built: false, stale: true };
  const sources = [join(root, 'src'), join(root, 'index.html'), join(root, 'admin.html'), join(root, 'hub-admin.html'), join(root, 'vite.config.ts'), PROTOCOL].filter((p) => existsSync(p));
  const newest = Math.max(...sources.map(newestMtime));
  return { dist, built: true, stale: newest > statSync(marker).mtimeMs };
}

export async function buildUi(root: string = defaultUiRoot): Promise<void> {
  let viteBin: string;
  try {
    viteBin = join(dirname(createRequire(import.meta.url).resolve('vite/package.json')), 'bin', 'vite.js');
  } catch (cause) {
    throw new KioskError('USAGE', 'the kiosk UI is not built and Vite is not installed', {
      hint: 'run `npm install` (with dev dependencies) and `npx vite build kiosk-ui`, or copy a built kiosk-ui/dist',
      cause,
    });
  }
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, [viteBin, 'build', root, '--logLevel', 'warn'], { stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new KioskError('USAGE', `building the kiosk UI failed (vite exited with ${code})`, { hint: 'see the Vite output above' })),
    );
  });
}

/** Builds only when needed; returns the folder to serve. */
export async function ensureUiBuilt(root: string = defaultUiRoot): Promise<string> {
  const state = uiBuildState(root);
  if (state.stale) await buildUi(root);
  return state.dist;
}
