/**
 * face-api's 128-d ResNet (a port of dlib's model behind `face_recognition`), fed Human's aligned
 * crops: one detector for every descriptor. Loaded from the npm package's own weight files.
 */
import { dirname, join } from 'node:path';
import type * as TF from '@tensorflow/tfjs';
import { KioskError, errorMessage } from '../../errors.ts';
import { require, tf } from '../tfjs.ts';
import type { RgbImage } from '../decode.ts';
import { averagePair, l2normalize } from './vector.ts';
import { cropBatch, rowsOf } from './crop-batch.ts';
import type { DescriptorModel } from './types.ts';
import { DLIB_DIM } from './fuse.ts';

/** dlib's face chips are 150×150. */
const CHIP = 150;

interface RecognitionNet {
  loadFromDisk(dir: string): Promise<void>;
  forward(input: TF.Tensor3D[]): Promise<TF.Tensor2D>;
}
interface FaceApiModule {
  nets: { faceRecognitionNet: RecognitionNet };
  version: string;
}

export class Dlib128Model implements DescriptorModel {
  readonly kind = 'dlib128' as const;
  readonly dim = DLIB_DIM;
  readonly version: string;
  readonly #net: RecognitionNet;
  readonly #centralFraction: number;

  private constructor(net: RecognitionNet, version: string, centralFraction: number) {
    this.#net = net;
    this.version = `face-api@${version}/face_recognition`;
    this.#centralFraction = centralFraction;
  }

  static async load(centralFraction: number): Promise<Dlib128Model> {
    try {
      const distDir = dirname(require.resolve('@vladmandic/face-api'));
      const faceapi = require(join(distDir, 'face-api.node-wasm.js')) as FaceApiModule;
      const pkg = require(join(distDir, '..', 'package.json')) as { version: string };
      await faceapi.nets.faceRecognitionNet.loadFromDisk(join(distDir, '..', 'model'));
      return new Dlib128Model(faceapi.nets.faceRecognitionNet, pkg.version, centralFraction);
    } catch (err) {
      throw new KioskError('MODEL_LOAD_FAILED', `cannot load face-api's recognition model: ${errorMessage(err)}`, { hint: 'reinstall with `npm ci`', cause: err });
    }
  }

  async embed(crops: readonly RgbImage[], flip: boolean): Promise<Float32Array[]> {
    if (crops.length === 0) return [];
    const batch = cropBatch(crops, CHIP, flip, this.#centralFraction);
    const singles = tf.unstack(batch) as TF.Tensor3D[];
    batch.dispose();
    let out: TF.Tensor2D | null = null;
    try {
      out = await this.#net.forward(singles);
      const rows = await rowsOf(out);
      const n = crops.length;
      return flip ? rows.slice(0, n).map((r, i) => averagePair(l2normalize(r), l2normalize(rows[n + i] as Float32Array))) : rows.map(l2normalize);
    } finally {
      tf.dispose(singles);
      out?.dispose();
    }
  }
}
