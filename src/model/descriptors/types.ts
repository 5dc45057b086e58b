import type { RgbImage } from '../decode.ts';

/** One embedding network: aligned face crops in, unit-length descriptors out. */
export interface DescriptorModel {
  readonly kind: 'faceres' | 'dlib128';
  readonly dim: number;
  /** Package and model name with version, stored beside every sample. */
  readonly version: string;
  /** Embeds each crop; with `flip`, averages with the mirrored crop. */
  embed(crops: readonly RgbImage[], flip: boolean): Promise<Float32Array[]>;
}
