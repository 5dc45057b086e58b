/** Human's faceres (HSE-FaceRes) 1024-d descriptor, run directly on our crops. */
import type * as TF from '@tensorflow/tfjs';
import { KioskError, errorMessage } from '../../errors.ts';
import { tf } from '../tfjs.ts';
import { humanModelsUrl, humanVersion } from '../human-detector.ts';
import type { RgbImage } from '../decode.ts';
import { averagePair, l2normalize } from './vector.ts';
import { cropBatch, rowsOf } from './crop-batch.ts';
import type { DescriptorModel } from './types.ts';
import { FACERES_DIM } from './fuse.ts';

export class FaceresModel implements DescriptorModel {
  readonly kind = 'faceres' as const;
  readonly dim = FACERES_DIM;
  readonly version: string;
  readonly #model: TF.GraphModel;
  readonly #inputSize: number;

  private constructor(model: TF.GraphModel) {
    this.#model = model;
    this.#inputSize = model.inputs[0]?.shape?.[1] ?? 224;
    this.version = `human@${humanVersion()}/faceres`;
  }

  static async load(): Promise<FaceresModel> {
    try {
      return new FaceresModel(await tf.loadGraphModel(`${humanModelsUrl()}faceres.json`));
    } catch (err) {
      throw new KioskError('MODEL_LOAD_FAILED', `cannot load faceres: ${errorMessage(err)}`, { hint: 'reinstall with `npm ci`', cause: err });
    }
  }

  async embed(crops: readonly RgbImage[], flip: boolean): Promise<Float32Array[]> {
    if (crops.length === 0) return [];
    const batch = cropBatch(crops, this.#inputSize, flip);
    const outputs = this.#model.execute(batch) as TF.Tensor[];
    batch.dispose();
    try {
      const desc = outputs.find((t) => t.shape[1] === FACERES_DIM) as TF.Tensor2D | undefined;
      if (!desc) throw new KioskError('DESCRIPTOR_INVALID', 'faceres returned no 1024-d output');
      const rows = await rowsOf(desc);
      const n = crops.length;
      return flip ? rows.slice(0, n).map((r, i) => averagePair(l2normalize(r), l2normalize(rows[n + i] as Float32Array))) : rows.map(l2normalize);
    } finally {
      tf.dispose(outputs);
    }
  }
}
