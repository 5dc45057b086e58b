/**
 * The tutorial's data set, read in place from ../shared (KIOSK_DATASET overrides). Tests that need
 * it skip with a loud message when it is absent; CI always has it.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

export const DATASET_DIR = resolve(process.env.KIOSK_DATASET ?? resolve(import.meta.dirname, '..', '..', '..', 'shared', 'datasets', 'facenet5'));

/** The data set folder, or a skip reason (printed loudly) when it is missing. */
export function datasetOrSkip(): { dir: string; skip: false } | { dir: null; skip: string } {
  if (existsSync(DATASET_DIR)) return { dir: DATASET_DIR, skip: false };
  const msg = `DATA SET MISSING: ${DATASET_DIR} not found — set KIOSK_DATASET; skipping tests that need real photos`;
  console.error(`\n${'!'.repeat(msg.length)}\n${msg}\n${'!'.repeat(msg.length)}\n`);
  return { dir: null, skip: msg };
}

export const REPO_ROOT = resolve(import.meta.dirname, '..', '..');
export const KIOSK_BIN = resolve(REPO_ROOT, 'bin', 'kiosk.js');
