/**
 * "Add this photo to the person's samples" from the admin log: a punch's stored evidence photo is
 * the 112×112 five-point aligned crop, which the arcface descriptor embeds directly (as `kiosk
 * reembed` does with enrollment crops). The sample keeps the crop, so a later model can re-embed it.
 */
import { KioskError } from '../../errors.ts';
import { decodeImageBuffer } from '../../model/decode.ts';
import type { ImageOptions } from '../../model/options.ts';
import type { Store } from '../../store/store.ts';
import type { ReembedTarget } from './reembed.ts';

export interface EvidenceSampleDeps {
  store: Store;
  /** Opens the configured descriptor's embedder (arcface only: it embeds aligned crops). */
  openTarget: () => Promise<Pick<ReembedTarget, 'kind' | 'version' | 'embed'> & { close(): Promise<void> }>;
  image: ImageOptions;
  /** Called after a sample of the served kind and version was added: the live gallery matches with it at once. */
  onAdded: () => void;
}

export async function addEvidenceSample(d: EvidenceSampleDeps, personId: number, jpeg: Buffer, sourceKey: string, actor: string): Promise<{ added: number }> {
  const target = await d.openTarget();
  try {
    const crop = await decodeImageBuffer(jpeg, d.image, `evidence photo "${sourceKey}"`);
    const [descriptor] = await target.embed([crop]);
    if (!descriptor) throw new KioskError('DESCRIPTOR_INVALID', 'the model returned no descriptor for the evidence photo', { hint: 'try another punch\'s photo' });
    const r = d.store.people.addSamples(personId, [{ descriptor, kind: target.kind, modelVersion: target.version, quality: 1, sourceKey, crop: jpeg }], actor);
    if (r.added + r.replaced > 0) d.onAdded();
    return { added: r.added + r.replaced };
  } finally {
    await target.close();
  }
}
