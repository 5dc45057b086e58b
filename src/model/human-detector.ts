/**
 * Human's face pipeline (BlazeFace → FaceMesh), loaded offline from the
 * npm package. Descriptors and antispoof/liveness are not computed here: they run on the aligned
 * crop this returns, so detection alone can run every frame and embedding only where the vote needs it.
 */
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Config as HumanConfig, FaceResult, Human as HumanInstance } from '@vladmandic/human';
import type * as TF from '@tensorflow/tfjs';
import { KioskError, errorMessage } from '../errors.ts';
import { require, tf, type BackendName } from './tfjs.ts';
import type { DetectorOptions } from './options.ts';

type HumanModule = { Human: new (config?: Partial<HumanConfig>) => HumanInstance };

/** Directory of the installed package's dist/ (its `exports` map is malformed, so no subpath import). */
function humanDistDir(): string {
  return dirname(require.resolve('@vladmandic/human'));
}

export function humanModelsUrl(): string {
  return pathToFileURL(join(humanDistDir(), '..', 'models')).href + '/';
}

export function humanVersion(): string {
  const pkg = require(join(humanDistDir(), '..', 'package.json')) as { version: string };
  return pkg.version;
}

/** A detected face with the aligned crop still on the tensor side; the caller must dispose `crop`. */
export interface RawFace {
  result: FaceResult;
  /** Aligned face crop, [h, w, 3] float 0..1 (Human's mesh crop, rotated upright). */
  crop: TF.Tensor3D;
}

export class HumanDetector {
  readonly #human: HumanInstance;

  private constructor(human: HumanInstance) {
    this.#human = human;
  }

  /**
   * `follow`: a video stream (the live loop), so faces found by the detector may be followed by the
   * mesh alone for a few frames (Human's own video mode). Still photos never use it: a box from one
   * photo must not be reused on the next.
   */
  static async create(backend: BackendName, opts: DetectorOptions, follow = false): Promise<HumanDetector> {
    const following = follow && opts.followMs > 0 && opts.followFrames > 0;
    const { Human } = require(join(humanDistDir(), 'human.node-wasm.js')) as HumanModule;
    const config: Partial<HumanConfig> = {
      backend,
      modelBasePath: humanModelsUrl(),
      debug: false,
      async: true,
      // Descriptors and checks are not computed here, so no result keyed by face index is ever
      // reused; only the detector's boxes are, and the mesh (hence the five points) runs on every frame.
      cacheSensitivity: following ? opts.followMaxChange : 0,
      skipAllowed: false,
      filter: { enabled: false } as HumanConfig['filter'],
      face: {
        enabled: true,
        detector: {
          enabled: true,
          rotation: true,
          return: true,
          maxDetected: opts.maxFaces,
          minConfidence: opts.minConfidence,
          iouThreshold: opts.iouThreshold,
          skipFrames: following ? opts.followFrames : 0,
          skipTime: following ? opts.followMs : 0,
          minSize: opts.minFacePx,
        },
        mesh: { enabled: true },
        attention: { enabled: false },
        iris: { enabled: false },
        description: { enabled: false },
        emotion: { enabled: false },
        // Run by FaceCheckModel on the crops, only for faces whose track still votes.
        antispoof: { enabled: false },
        liveness: { enabled: false },
      } as HumanConfig['face'],
      body: { enabled: false } as HumanConfig['body'],
      hand: { enabled: false } as HumanConfig['hand'],
      object: { enabled: false } as HumanConfig['object'],
      gesture: { enabled: false },
      segmentation: { enabled: false } as HumanConfig['segmentation'],
    };
    const human = new Human(config);
    try {
      await human.load();
      await human.warmup({ warmup: 'none' });
    } catch (err) {
      throw new KioskError('MODEL_LOAD_FAILED', `cannot load Human's face models: ${errorMessage(err)}`, { hint: 'reinstall with `npm ci`', cause: err });
    }
    return new HumanDetector(human);
  }

  /** Detect faces in an RGB image tensor [h, w, 3] int 0..255. The input is not disposed. */
  async detect(image: TF.Tensor3D): Promise<RawFace[]> {
    const batched = tf.expandDims(image, 0);
    try {
      const res = await this.#human.detect(batched as never);
      if (res.error) throw new Error(res.error);
      const out: RawFace[] = [];
      for (const face of res.face) {
        const crop = face.tensor as unknown as TF.Tensor3D | undefined;
        if (!crop) continue;
        out.push({ result: face, crop });
      }
      return out;
    } finally {
      batched.dispose();
    }
  }
}
