/**
 * Which descriptor the kiosk serves with at start, and whether it re-embeds in the background.
 * Pure: the active generation and the configured model in, a plan out (table-tested).
 */
import { descriptorOptionsSchema, type DescriptorOptions } from '../../model/options.ts';
import type { GalleryGeneration } from '../../store/gallery-generations.ts';

export interface GalleryPlan {
  /** The descriptor the live loop embeds with now. */
  serve: DescriptorOptions;
  /** Re-embed stored crops into the configured descriptor, then switch to it. */
  reembed: boolean;
  /** Record the configured descriptor as the active generation (first run, or an empty gallery). */
  adopt: boolean;
  reason: string;
}

/**
 * The options a generation was made with. Galleries from before generations were recorded carry
 * none: they were made with that kind and the defaults of the day (flip-averaged).
 */
export function generationOptions(g: GalleryGeneration, configured: DescriptorOptions): DescriptorOptions | null {
  if (g.options === '') {
    const legacy = descriptorOptionsSchema.safeParse({ ...configured, kind: g.kind, flipAverage: true });
    return legacy.success ? legacy.data : null;
  }
  try {
    const parsed = descriptorOptionsSchema.safeParse(JSON.parse(g.options));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export function planGallery(active: GalleryGeneration | null, configured: DescriptorOptions, configuredVersion: string, missingCrops: number): GalleryPlan {
  const keep = (reason: string, adopt = false): GalleryPlan => ({ serve: configured, reembed: false, adopt, reason });
  if (active === null) return keep('no gallery yet: the configured descriptor is adopted', true);
  const same = active.kind === configured.kind && active.modelVersion === configuredVersion;
  if (same) return { serve: configured, reembed: missingCrops > 0, adopt: false, reason: missingCrops > 0 ? `${missingCrops} photos lack the active descriptor` : 'the gallery matches the configured descriptor' };
  if (configured.kind !== 'arcface') return keep(`the gallery holds ${active.kind} but ${configured.kind} is configured and cannot be re-embedded: people must enroll again`);
  const previous = generationOptions(active, configured);
  if (previous === null) return { serve: configured, reembed: true, adopt: false, reason: `the active ${active.kind} set's model is unknown: serving the configured one while re-embedding` };
  return { serve: previous, reembed: true, adopt: false, reason: `serving the active ${active.kind} set while the configured ${configured.kind} set is computed` };
}
