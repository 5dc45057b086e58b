/**
 * Re-embedding: every enrollment photo's stored aligned crop gets a descriptor of the target
 * model, written beside the old one; when no active person's photo lacks one, the new set is
 * switched in (one transaction, audited). A kill at any point leaves the old set active and the
 * work done so far kept: the next run only embeds what is still missing.
 */
import { KioskError, errorMessage, isKioskError } from '../../errors.ts';
import type { Logger } from '../../log.ts';
import { decodeImageBuffer } from '../../model/decode.ts';
import type { ImageOptions } from '../../model/options.ts';
import type { RgbImage } from '../../model/decode.ts';
import type { DescriptorKind } from '../../model/types.ts';
import type { Store } from '../../store/store.ts';

/** The descriptor to re-embed into: what the configured model produces. */
export interface ReembedTarget {
  kind: DescriptorKind;
  version: string;
  /** The descriptor options (JSON) recorded with the generation, so that model can be run again. */
  options: string;
  /** Aligned crops in, unit descriptors out. */
  embed(crops: readonly RgbImage[]): Promise<Float32Array[]>;
}

export interface ReembedResult {
  /** Photos embedded in this run. */
  embedded: number;
  failed: { personId: number; sourceKey: string; error: string }[];
  /** The new set is now the active one (it was complete). */
  activated: boolean;
  /** Already active before this run: nothing to do. */
  alreadyActive: boolean;
  /** People whose samples predate stored crops: they must enroll again. */
  needReenrollment: { id: number; name: string }[];
}

export interface ReembedDeps {
  store: Store;
  target: ReembedTarget;
  image: ImageOptions;
  actor: string;
  clock: () => number;
  logger: Logger;
  onProgress?: (done: number, total: number) => void;
  /** Checked between photos: a stopping kiosk ends the run early (it resumes next start). */
  shouldStop?: () => boolean;
}

/** Only template descriptors can be recomputed: the others ran on Human's crop, which is not kept. */
export function checkReembeddable(kind: DescriptorKind): void {
  if (kind !== 'arcface') {
    throw new KioskError('USAGE', `cannot re-embed into ${kind}: it is computed on Human's crop, which enrollment does not keep`, {
      hint: 'set model.descriptor.kind to arcface, or re-enroll everyone with `kiosk enroll`',
    });
  }
}

export async function reembedGallery(d: ReembedDeps): Promise<ReembedResult> {
  const { store, target } = d;
  checkReembeddable(target.kind);
  const needReenrollment = store.people.crops.peopleWithoutCrops();
  const active = store.generations.active();
  const todo = store.people.crops.missing(target.kind, target.version);
  const isActive = active?.kind === target.kind && active.modelVersion === target.version;
  if (todo.length === 0 && isActive) {
    return { embedded: 0, failed: [], activated: false, alreadyActive: true, needReenrollment };
  }
  const failed: ReembedResult['failed'] = [];
  let embedded = 0;
  for (const [i, c] of todo.entries()) {
    if (d.shouldStop?.()) break;
    try {
      const jpeg = store.people.crops.get(c.personId, c.sourceKey);
      if (!jpeg) continue; // erased meanwhile
      const crop = await decodeImageBuffer(jpeg, d.image, `crop "${c.sourceKey}"`);
      const [descriptor] = await target.embed([crop]);
      if (!descriptor) throw new KioskError('DESCRIPTOR_INVALID', 'the model returned no descriptor');
      const quality = store.people.sampleQuality(c.personId, c.sourceKey) ?? 1;
      store.people.addSamples(c.personId, [{ descriptor, kind: target.kind, modelVersion: target.version, quality, sourceKey: c.sourceKey, beside: true }], d.actor);
      embedded++;
    } catch (err) {
      if (!isKioskError(err)) throw err;
      failed.push({ personId: c.personId, sourceKey: c.sourceKey, error: errorMessage(err) });
      d.logger.warn({ personId: c.personId, sourceKey: c.sourceKey, err: errorMessage(err) }, 're-embedding a photo failed');
    }
    d.onProgress?.(i + 1, todo.length);
  }
  const complete = store.people.crops.missing(target.kind, target.version).length === 0;
  if (complete && !isActive) store.generations.activate(target.kind, target.version, target.options, d.clock(), d.actor);
  return { embedded, failed, activated: complete && !isActive, alreadyActive: isActive, needReenrollment };
}
