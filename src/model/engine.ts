/**
 * FaceEngine: pixels in, plain `FaceObservation`s out. Detection and embedding are separate calls
 * so the real-time loop can detect every frame and embed only faces whose track still votes.
 */
import type * as TF from '@tensorflow/tfjs';
import type { FaceResult } from '@vladmandic/human';
import { KioskError } from '../errors.ts';
import { silentLogger, type Logger } from '../log.ts';
import { initBackend, tf, type BackendReport } from './tfjs.ts';
import { HumanDetector, humanVersion } from './human-detector.ts';
import { FaceresModel } from './descriptors/faceres.ts';
import { Dlib128Model } from './descriptors/dlib128.ts';
import { concatRaw, DLIB_DIM, FACERES_DIM, FUSED_DIM } from './descriptors/fuse.ts';
import type { DescriptorModel } from './descriptors/types.ts';
import { estimateQuality } from './quality.ts';
import type { RgbImage } from './decode.ts';
import type { ModelOptions } from './options.ts';
import type { DescriptorKind, FaceObservation, Point } from './types.ts';

/** A detected face before embedding: the observation plus the aligned crop to embed. */
export interface DetectedFace {
  observation: FaceObservation;
  crop: RgbImage;
}

export interface EngineInfo {
  backend: BackendReport;
  human: string;
  descriptor: { kind: DescriptorKind; dim: number; version: string };
}

export const DESCRIPTOR_DIMS: Record<DescriptorKind, number> = { faceres: FACERES_DIM, dlib128: DLIB_DIM, fused: FUSED_DIM };

function meanPoint(mesh: FaceResult['mesh'], a: number, b: number): Point | null {
  const p = mesh[a];
  const q = mesh[b];
  if (!p || !q) return null;
  return { x: (p[0] + q[0]) / 2, y: (p[1] + q[1]) / 2 };
}

/** MediaPipe FaceMesh indices: eye corners 33/133 (subject's right), 362/263 (left), nose tip 1. */
function landmarksOf(face: FaceResult): FaceObservation['landmarks'] {
  if (face.mesh.length < 468) return null;
  const rightEye = meanPoint(face.mesh, 33, 133);
  const leftEye = meanPoint(face.mesh, 362, 263);
  const noseP = face.mesh[1];
  if (!rightEye || !leftEye || !noseP) return null;
  return { leftEye, rightEye, nose: { x: noseP[0], y: noseP[1] } };
}

async function cropToRgb(crop: TF.Tensor3D): Promise<RgbImage> {
  const [height, width] = crop.shape;
  const bytes = tf.tidy(() => tf.cast(tf.clipByValue(tf.mul(crop, 255), 0, 255), 'int32'));
  const data = await bytes.data();
  bytes.dispose();
  return { width, height, pixels: Buffer.from(Uint8Array.from(data)) };
}

export class FaceEngine {
  readonly info: EngineInfo;
  readonly #opts: ModelOptions;
  readonly #detector: HumanDetector;
  readonly #faceres: FaceresModel | null;
  readonly #dlib: Dlib128Model | null;
  readonly #log: Logger;

  private constructor(opts: ModelOptions, info: EngineInfo, detector: HumanDetector, faceres: FaceresModel | null, dlib: Dlib128Model | null, log: Logger) {
    this.#opts = opts;
    this.info = info;
    this.#detector = detector;
    this.#faceres = faceres;
    this.#dlib = dlib;
    this.#log = log;
  }

  /**
   * Loads the backend, the detector and the descriptor models the configured kind needs
   * (`loadAll` loads both networks, for evaluations that compare them).
   */
  static async create(opts: ModelOptions, logger: Logger = silentLogger, loadAll = false): Promise<FaceEngine> {
    const log = logger.child({ stage: 'model' });
    const backend = await initBackend(opts.backend);
    log.info({ backend: backend.name, provider: backend.provider, skipped: backend.tried }, `tfjs backend: ${backend.name} (${backend.provider})`);
    const kind = opts.descriptor.kind;
    const detector = await HumanDetector.create(backend.name, opts.detector);
    const faceres = loadAll || kind !== 'dlib128' ? await FaceresModel.load() : null;
    const dlib = loadAll || kind !== 'faceres' ? await Dlib128Model.load(opts.descriptor.dlibCropFraction) : null;
    const version = kind === 'faceres' ? faceres?.version : kind === 'dlib128' ? dlib?.version : `${faceres?.version}+${dlib?.version}`;
    const info: EngineInfo = {
      backend,
      human: humanVersion(),
      descriptor: { kind, dim: DESCRIPTOR_DIMS[kind], version: version ?? kind },
    };
    return new FaceEngine(opts, info, detector, faceres, dlib, log);
  }

  /** Finds faces (box, landmarks, quality, antispoof, liveness) without embedding them. */
  async detect(image: RgbImage, meta: { frameSeq: number; ts: number } = { frameSeq: 0, ts: 0 }): Promise<DetectedFace[]> {
    if (image.pixels.length !== image.width * image.height * 3) {
      throw new KioskError('IMAGE_UNREADABLE', `frame buffer holds ${image.pixels.length} bytes, expected ${image.width}×${image.height}×3`, { hint: 'frames must be packed RGB24' });
    }
    const input = tf.tensor3d(new Uint8Array(image.pixels.buffer, image.pixels.byteOffset, image.pixels.byteLength), [image.height, image.width, 3], 'int32');
    let raw;
    try {
      raw = await this.#detector.detect(input);
    } finally {
      input.dispose();
    }
    const out: DetectedFace[] = [];
    for (const { result, crop } of raw) {
      let rgb: RgbImage;
      try {
        rgb = await cropToRgb(crop);
      } finally {
        crop.dispose();
      }
      const [x, y, width, height] = result.box;
      const angles = result.rotation?.angle ?? null;
      out.push({
        crop: rgb,
        observation: {
          frameSeq: meta.frameSeq,
          ts: meta.ts,
          box: { x, y, width, height },
          score: result.boxScore ?? result.score,
          landmarks: landmarksOf(result),
          descriptor: null,
          quality: estimateQuality(rgb, { width, height }, angles, this.#opts.quality),
          antispoof: typeof result.real === 'number' ? result.real : null,
          liveness: typeof result.live === 'number' ? result.live : null,
        },
      });
    }
    this.#log.debug({ faces: out.length, frameSeq: meta.frameSeq }, 'detected');
    return out;
  }

  #need(model: DescriptorModel | null, kind: string): DescriptorModel {
    if (!model) throw new KioskError('MODEL_LOAD_FAILED', `descriptor model ${kind} is not loaded in this engine`, { hint: 'create the engine with loadAll for evaluations' });
    return model;
  }

  /** Raw descriptors of the configured kind (fused = [faceres, dlib128] concatenated, both unit). */
  async describe(crops: readonly RgbImage[]): Promise<Float32Array[]> {
    return this.describeAs(this.#opts.descriptor.kind, crops);
  }

  async describeAs(kind: DescriptorKind, crops: readonly RgbImage[]): Promise<Float32Array[]> {
    const flip = this.#opts.descriptor.flipAverage;
    if (kind === 'faceres') return this.#need(this.#faceres, kind).embed(crops, flip);
    if (kind === 'dlib128') return this.#need(this.#dlib, kind).embed(crops, flip);
    const f = await this.#need(this.#faceres, 'faceres').embed(crops, flip);
    const d = await this.#need(this.#dlib, 'dlib128').embed(crops, flip);
    return f.map((fv, i) => concatRaw(fv, d[i] as Float32Array));
  }

  /** Detect and embed every face: the whole per-image pipeline. */
  async analyze(image: RgbImage, meta?: { frameSeq: number; ts: number }): Promise<FaceObservation[]> {
    const faces = await this.detect(image, meta);
    const descriptors = await this.describe(faces.map((f) => f.crop));
    return faces.map((f, i) => ({ ...f.observation, descriptor: descriptors[i] ?? null }));
  }
}
