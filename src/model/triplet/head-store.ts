/**
 * Where heads live under the data folder: `triplet-head` is the latest trained head (kept even
 * when not used), `triplet-head-active` the one the kiosk matches with. Both are persist.ts
 * symlink slots, so each swap is atomic and a reader never sees half a head; activating writes
 * the head into the active slot, so saving a newer, refused head never disturbs the active one.
 */
import { lstat, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { KioskError, errorMessage } from '../../errors.ts';
import type { TripletHead } from './head.ts';
import { loadHead, saveHead } from './persist.ts';
import type { TripletHeadMetadata } from './train.ts';

export const LATEST_SLOT = 'triplet-head';
export const ACTIVE_SLOT = 'triplet-head-active';

export interface StoredHead {
  head: TripletHead;
  metadata: TripletHeadMetadata;
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') return false;
    throw new KioskError('STORE_FAILED', `cannot read ${path}: ${errorMessage(err)}`, { cause: err });
  }
}

export class HeadStore {
  readonly latestDir: string;
  readonly activeDir: string;

  /** `modelsDir`: e.g. `<data-dir>/models`. */
  constructor(modelsDir: string) {
    this.latestDir = join(modelsDir, LATEST_SLOT);
    this.activeDir = join(modelsDir, ACTIVE_SLOT);
  }

  saveLatest(head: TripletHead, metadata: TripletHeadMetadata): Promise<void> {
    return saveHead(this.latestDir, head, metadata);
  }

  activate(head: TripletHead, metadata: TripletHeadMetadata): Promise<void> {
    return saveHead(this.activeDir, head, metadata);
  }

  /** The active head, or null when the kiosk uses the pretrained descriptor. */
  async loadActive(): Promise<StoredHead | null> {
    return (await exists(this.activeDir)) ? loadHead(this.activeDir) : null;
  }

  async loadLatest(): Promise<StoredHead | null> {
    return (await exists(this.latestDir)) ? loadHead(this.latestDir) : null;
  }

  /** Back to the pretrained descriptor (the version folders are left for persist.ts to prune). */
  async deactivate(): Promise<void> {
    await rm(this.activeDir, { force: true });
  }
}
