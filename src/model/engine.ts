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
import { FaceCheckModel } from './face-checks.ts';
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

/** What embedding a crop yields: the descriptor and the anti-spoofing checks. */
export interface Embedding {
  descriptor: Float32Array;
  antispoof: number | null;
  liveness: number | null;
}

/**
 * Descriptor networks and face checks on aligned crops: no detector, so it can live in a worker
 * thread with its own backend while the main thread detects.
 */
export class FaceEmbedder {
  readonly descriptor: EngineInfo['descriptor'];
  readonly #opts: ModelOptions;
  readonly #faceres: FaceresModel | null;
  readonly #dlib: Dlib128Model | null;
  readonly #antispoof: FaceCheckModel | null;
  readonly #liveness: FaceCheckModel | null;

  private constructor(opts: ModelOptions, models: { faceres: FaceresModel | null; dlib: Dlib128Model | null; antispoof: FaceCheckModel | null; liveness: FaceCheckModel | null }) {
    this.#opts = opts;
    this.#faceres = models.faceres;
    this.#dlib = models.dlib;
    this.#antispoof = models.antispoof;
    this.#liveness = models.liveness;
    const kind = opts.descriptor.kind;
    const version = kind === 'faceres' ? models.faceres?.version : kind === 'dlib128' ? models.dlib?.version : `${models.faceres?.version}+${models.dlib?.version}`;
    this.descriptor = { kind, dim: DESCRIPTOR_DIMS[kind], version: version ?? kind };
  }

  /** Loads the networks the configured kind needs (`loadAll`: both, for evaluations). The backend must be initialised. */
  static async create(opts: ModelOptions, loadAll = false): Promise<FaceEmbedder> {
    const kind = opts.descriptor.kind;
    return new FaceEmbedder(opts, {
      faceres: loadAll || kind !== 'dlib128' ? await FaceresModel.load() : null,
      dlib: loadAll || kind !== 'faceres' ? await Dlib128Model.load(opts.descriptor.dlibCropFraction) : null,
      antispoof: opts.detector.antispoof ? await FaceCheckModel.load('antispoof') : null,
      liveness: opts.detector.liveness ? await FaceCheckModel.load('liveness') : null,
    });
  }

  #need(model: DescriptorModel | null, kind: string): DescriptorModel {
    if (!model) throw new KioskError('MODEL_LOAD_FAILED', `descriptor model ${kind} is not loaded in this engine`, { hint: 'create the engine with loadAll for evaluations' });
    return model;
  }

  /** Raw descriptors of a kind (fused = [faceres, dlib128] concatenated, both unit). */
  async describeAs(kind: DescriptorKind, crops: readonly RgbImage[]): Promise<Float32Array[]> {
    const flip = this.#opts.descriptor.flipAverage;
    if (kind === 'faceres') return this.#need(this.#faceres, kind).embed(crops, flip);
    if (kind === 'dlib128') return this.#need(this.#dlib, kind).embed(crops, flip);
    const f = await this.#need(this.#faceres, 'faceres').embed(crops, flip);
    const d = await this.#need(this.#dlib, 'dlib128').embed(crops, flip);
    return f.map((fv, i) => concatRaw(fv, d[i] as Float32Array));
  }

  /** Descriptor of the configured kind plus antispoof and liveness scores, per crop. */
  async embed(crops: readonly RgbImage[]): Promise<Embedding[]> {
    const descriptors = await this.describeAs(this.#opts.descriptor.kind, crops);
    const spoof = this.#antispoof ? await this.#antispoof.score(crops) : null;
    const live = this.#liveness ? await this.#liveness.score(crops) : null;
    return descriptors.map((descriptor, i) => ({ descriptor, antispoof: spoof?.[i] ?? null, liveness: live?.[i] ?? null }));
  }
}

export class FaceEngine {
  readonly info: EngineInfo;
  readonly #embedder: FaceEmbedder | null;
  readonly #opts: ModelOptions;
  readonly #detector: HumanDetector;
  readonly #log: Logger;

  private constructor(opts: ModelOptions, info: EngineInfo, detector: HumanDetector, embedder: FaceEmbedder | null, log: Logger) {
    this.#opts = opts;
    this.info = info;
    this.#detector = detector;
    this.#embedder = embedder;
    this.#log = log;
  }

  get embedder(): FaceEmbedder {
    if (!this.#embedder) throw new KioskError('MODEL_LOAD_FAILED', 'this engine was created for detection only', { hint: 'use FaceEngine.create for embedding' });
    return this.#embedder;
  }

  /** Detection only (the real-time loop's detect worker): no descriptor networks loaded. */
  static async createDetector(opts: ModelOptions, logger: Logger = silentLogger): Promise<FaceEngine> {
    const log = logger.child({ stage: 'model' });
    const backend = await initBackend(opts.backend);
    const detector = await HumanDetector.create(backend.name, opts.detector);
    const kind = opts.descriptor.kind;
    return new FaceEngine(opts, { backend, human: humanVersion(), descriptor: { kind, dim: DESCRIPTOR_DIMS[kind], version: 'not loaded' } }, detector, null, log);
  }

  /**
   * Loads the backend, the detector, and (unless `detectOnly`) the descriptor networks the
   * configured kind needs; `loadAll` loads both networks, for evaluations that compare them.
   */
  static async create(opts: ModelOptions, logger: Logger = silentLogger, loadAll = false): Promise<FaceEngine> {
    const log = logger.child({ stage: 'model' });
    const backend = await initBackend(opts.backend);
    log.info({ backend: backend.name, provider: backend.provider, skipped: backend.tried }, `tfjs backend: ${backend.name} (${backend.provider})`);
    const detector = await HumanDetector.create(backend.name, opts.detector);
    const embedder = await FaceEmbedder.create(opts, loadAll);
    return new FaceEngine(opts, { backend, human: humanVersion(), descriptor: embedder.descriptor }, detector, embedder, log);
  }

  /** Finds faces (box, landmarks, quality) without embedding them; antispoof/liveness are null until embedded. */
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
          antispoof: null,
          liveness: null,
        },
      });
    }
    this.#log.debug({ faces: out.length, frameSeq: meta.frameSeq }, 'detected');
    return out;
  }

  describe(crops: readonly RgbImage[]): Promise<Float32Array[]> {
    return this.embedder.describeAs(this.#opts.descriptor.kind, crops);
  }

  describeAs(kind: DescriptorKind, crops: readonly RgbImage[]): Promise<Float32Array[]> {
    return this.embedder.describeAs(kind, crops);
  }

  /** Detect, embed and check every face: the whole per-image pipeline. */
  async analyze(image: RgbImage, meta?: { frameSeq: number; ts: number }): Promise<FaceObservation[]> {
    const faces = await this.detect(image, meta);
    const emb = await this.embedder.embed(faces.map((f) => f.crop));
    return faces.map((f, i) => ({ ...f.observation, descriptor: emb[i]?.descriptor ?? null, antispoof: emb[i]?.antispoof ?? null, liveness: emb[i]?.liveness ?? null }));
  }
}
