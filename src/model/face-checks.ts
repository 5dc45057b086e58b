/**
 * Human's antispoof (photo/screen → low) and liveness models, run on our aligned crops the way
 * Human runs them (crop in 0..1, resized to the model's input, first output value). Outside
 * Human's pipeline so detection stays cheap and the checks run only where a vote needs them.
 */
import type * as TF from '@tensorflow/tfjs';
import { KioskError, errorMessage } from '../errors.ts';
import { tf } from './tfjs.ts';
import { humanModelsUrl } from './human-detector.ts';
import type { RgbImage } from './decode.ts';

export class FaceCheckModel {
  readonly name: 'antispoof' | 'liveness';
  readonly #model: TF.GraphModel;
  readonly #size: [number, number];

  private constructor(name: 'antispoof' | 'liveness', model: TF.GraphModel) {
    this.name = name;
    this.#model = model;
    const shape = model.inputs[0]?.shape ?? [];
    this.#size = [shape[1] ?? 128, shape[2] ?? 128];
  }

  static async load(name: 'antispoof' | 'liveness'): Promise<FaceCheckModel> {
    try {
      return new FaceCheckModel(name, await tf.loadGraphModel(`${humanModelsUrl()}${name}.json`));
    } catch (err) {
      throw new KioskError('MODEL_LOAD_FAILED', `cannot load Human's ${name} model: ${errorMessage(err)}`, { hint: 'reinstall with `npm ci`', cause: err });
    }
  }

  /** One score per crop, 0..1 (1 = real / live). */
  async score(crops: readonly RgbImage[]): Promise<number[]> {
    const out: number[] = [];
    for (const c of crops) {
      const input = tf.tidy(() => {
        const t = tf.tensor3d(new Uint8Array(c.pixels.buffer, c.pixels.byteOffset, c.pixels.byteLength), [c.height, c.width, 3], 'int32');
        return tf.image.resizeBilinear(tf.expandDims(tf.div(tf.cast(t, 'float32'), 255), 0) as TF.Tensor4D, this.#size);
      });
      const res = this.#model.execute(input) as TF.Tensor;
      try {
        out.push((await res.data())[0] ?? 0);
      } finally {
        tf.dispose([input, res]);
      }
    }
    return out;
  }
}
