/**
 * `kiosk serve`'s side of a model upgrade: decide what to serve with at start, and re-embed the
 * stored crops in the background while the old set keeps serving; once the new set is complete
 * and switched in (audited), the live loop moves to the new model. Failures are logged, never fatal.
 */
import { errorMessage } from '../../errors.ts';
import type { Logger } from '../../log.ts';
import { resolveOnnxOptions } from '../../model/descriptors/onnx-options.ts';
import { templateVersionOf } from '../../model/descriptors/onnx-template.ts';
import type { DescriptorOptions, ImageOptions } from '../../model/options.ts';
import type { Store } from '../../store/store.ts';
import { arcfaceTarget } from '../reembed.ts';
import { planGallery, type GalleryPlan } from './gallery-plan.ts';
import { reembedGallery } from './reembed.ts';

export async function galleryPlanFor(store: Store, configured: DescriptorOptions): Promise<GalleryPlan> {
  const active = store.generations.active();
  // Only template models can be re-embedded; for the others the version only matters when it matches.
  const version = configured.kind === 'arcface' ? await templateVersionOf(resolveOnnxOptions(configured.onnx)) : active?.kind === configured.kind ? active.modelVersion : '';
  const missing = configured.kind === 'arcface' ? store.people.crops.missing(configured.kind, version).length : 0;
  return planGallery(active, configured, version, missing);
}

export interface BackgroundReembedDeps {
  store: Store;
  configured: DescriptorOptions;
  image: ImageOptions;
  log: Logger;
  stopping: () => boolean;
  /** Moves the live loop to the newly active descriptor. */
  switchTo: (d: DescriptorOptions) => Promise<void>;
}

export async function reembedInBackground(d: BackgroundReembedDeps): Promise<void> {
  const log = d.log.child({ stage: 'reembed' });
  let target;
  try {
    target = await arcfaceTarget(d.configured);
  } catch (err) {
    log.error({ err: errorMessage(err) }, 'cannot load the configured face model to re-embed; the current gallery keeps serving');
    return;
  }
  try {
    // Enrollments during the run add crops: go round until the set is complete or nothing moves.
    for (;;) {
      const r = await reembedGallery({ store: d.store, target, image: d.image, actor: 'system', clock: Date.now, logger: log, shouldStop: d.stopping });
      if (d.stopping()) return;
      if (r.needReenrollment.length > 0) log.warn({ people: r.needReenrollment }, `${r.needReenrollment.length} people have no stored face crop and must enroll again`);
      if (r.activated || r.alreadyActive) {
        log.info({ embedded: r.embedded, version: target.version }, 're-embedded gallery switched in');
        await d.switchTo(d.configured);
        return;
      }
      if (r.embedded === 0) {
        log.error({ failed: r.failed }, 're-embedding made no progress; the current gallery keeps serving');
        return;
      }
    }
  } catch (err) {
    log.error({ err: errorMessage(err) }, 're-embedding failed; the current gallery keeps serving');
  } finally {
    await target.close();
  }
}
