/**
 * FaceEngine: pixels in, plain `FaceObservation`s out. Detection and embedding are separate calls
 * so the real-time loop can detect every frame and embed only faces whose track still votes.
 */
import type * as TF from '@tensorflow/tfjs';
import type { FaceResult } from '@vladmandic/human';
import { KioskError } from '../errors.ts';
import { silentLogger, type Logger } from '../log.ts';
import { initBackend, tf, type BackendReport } from './tfjs.ts';
import { HumanDetector, humanVersion, type RawFace } from './human-detector.ts';
import { padImage } from './pad.ts';
import { FaceresModel } from './descriptors/faceres.ts';
import { FaceCheckModel } from './face-checks.ts';
import { Dlib128Model } from './descriptors/dlib128.ts';
import { concatRaw, DLIB_DIM, FACERES_DIM, FUSED_DIM } from './descriptors/fuse.ts';
import { OnnxTemplateModel } from './descriptors/onnx-template.ts';
import { alignFace, fivePointsFromMesh } from './align/five-point.ts';
import { resolveOnnxOptions } from './descriptors/onnx-options.ts';
import { estimateQuality } from './quality.ts';
import type { RgbImage } from './decode.ts';
import type { ModelOptions } from './options.ts';
import type { DescriptorKind, FaceObservation, Point } from './types.ts';

/** The two crops of one face: Human's mesh crop, and the five-point template crop (null without a full mesh). */
export interface FaceCrops {
  /** Human's crop, rotated upright: input of faceres, dlib128, antispoof and liveness. */
  crop: RgbImage;
  /** 112×112 ArcFace-template crop: input of the arcface descriptor, and what enrollment keeps. */
  aligned: RgbImage | null;
}

/** A detected face before embedding: the observation plus the crops to embed. */
export interface DetectedFace extends FaceCrops {
  observation: FaceObservation;
}

/** The image a descriptor kind embeds from; arcface needs the template crop. */
export function descriptorInput(kind: DescriptorKind, face: FaceCrops): RgbImage {
  if (kind !== 'arcface') return face.crop;
  if (!face.aligned) throw new KioskError('ALIGNMENT_FAILED', 'the face has no five landmarks to align it', { hint: 'the face is turned away or partly outside the frame' });
  return face.aligned;
}

export interface DescriptorInfo {
  kind: DescriptorKind;
  dim: number;
  version: string;
  /** Where the descriptor network runs: tfjs's backend, or onnxruntime's execution provider. */
  runtime: string;
}

export interface EngineInfo {
  backend: BackendReport;
  human: string;
  descriptor: DescriptorInfo;
}

/** Output widths of the tfjs descriptors; arcface's is read from its model. */
export const TFJS_DESCRIPTOR_DIMS: Record<Exclude<DescriptorKind, 'arcface'>, number> = { faceres: FACERES_DIM, dlib128: DLIB_DIM, fused: FUSED_DIM };

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
  readonly descriptor: DescriptorInfo;
  readonly #opts: ModelOptions;
  readonly #faceres: FaceresModel | null;
  readonly #dlib: Dlib128Model | null;
  readonly #arcface: OnnxTemplateModel | null;
  readonly #antispoof: FaceCheckModel | null;
  readonly #liveness: FaceCheckModel | null;

  private constructor(opts: ModelOptions, backend: string, models: { faceres: FaceresModel | null; dlib: Dlib128Model | null; arcface: OnnxTemplateModel | null; antispoof: FaceCheckModel | null; liveness: FaceCheckModel | null }) {
    this.#opts = opts;
    this.#faceres = models.faceres;
    this.#dlib = models.dlib;
    this.#arcface = models.arcface;
    this.#antispoof = models.antispoof;
    this.#liveness = models.liveness;
    const kind = opts.descriptor.kind;
    if (kind === 'arcface') {
      const m = models.arcface as OnnxTemplateModel;
      this.descriptor = { kind, dim: m.dim, version: m.version, runtime: `onnxruntime ${m.provider}` };
    } else {
      const version = kind === 'faceres' ? models.faceres?.version : kind === 'dlib128' ? models.dlib?.version : `${models.faceres?.version}+${models.dlib?.version}`;
      this.descriptor = { kind, dim: TFJS_DESCRIPTOR_DIMS[kind], version: version ?? kind, runtime: `tfjs ${backend}` };
    }
  }

  /**
   * Loads the networks the configured kind needs, and no others (`loadAll`: every one, for
   * evaluations that compare them). The tfjs backend must be initialised.
   */
  static async create(opts: ModelOptions, backend: string, loadAll = false): Promise<FaceEmbedder> {
    const kind = opts.descriptor.kind;
    return new FaceEmbedder(opts, backend, {
      faceres: loadAll || kind === 'faceres' || kind === 'fused' ? await FaceresModel.load() : null,
      dlib: loadAll || kind === 'dlib128' || kind === 'fused' ? await Dlib128Model.load(opts.descriptor.dlibCropFraction) : null,
      arcface: loadAll || kind === 'arcface' ? await OnnxTemplateModel.load(resolveOnnxOptions(opts.descriptor.onnx)) : null,
      antispoof: opts.detector.antispoof ? await FaceCheckModel.load('antispoof') : null,
      liveness: opts.detector.liveness ? await FaceCheckModel.load('liveness') : null,
    });
  }

  #need<T>(model: T | null, kind: string): T {
    if (!model) throw new KioskError('MODEL_LOAD_FAILED', `descriptor model ${kind} is not loaded in this engine`, { hint: 'create the engine with loadAll for evaluations' });
    return model;
  }

  /** Version string of a kind's model, as samples store it (for evaluations that load every model). */
  versionOf(kind: DescriptorKind): string {
    if (kind === 'arcface') return this.#need(this.#arcface, kind).version;
    if (kind === 'faceres') return this.#need(this.#faceres, kind).version;
    if (kind === 'dlib128') return this.#need(this.#dlib, kind).version;
    return `${this.#need(this.#faceres, 'faceres').version}+${this.#need(this.#dlib, 'dlib128').version}`;
  }

  /**
   * Raw descriptors of a kind from that kind's input images (see descriptorInput): aligned
   * template crops for arcface, Human's crops otherwise; fused = [faceres, dlib128] concatenated.
   */
  async describeAs(kind: DescriptorKind, crops: readonly RgbImage[]): Promise<Float32Array[]> {
    const flip = this.#opts.descriptor.flipAverage;
    if (kind === 'arcface') return this.#need(this.#arcface, kind).embed(crops, flip);
    if (kind === 'faceres') return this.#need(this.#faceres, kind).embed(crops, flip);
    if (kind === 'dlib128') return this.#need(this.#dlib, kind).embed(crops, flip);
    const f = await this.#need(this.#faceres, 'faceres').embed(crops, flip);
    const d = await this.#need(this.#dlib, 'dlib128').embed(crops, flip);
    return f.map((fv, i) => concatRaw(fv, d[i] as Float32Array));
  }

  /** Descriptor of the configured kind plus antispoof and liveness scores (on Human's crop), per face. */
  async embed(faces: readonly FaceCrops[]): Promise<Embedding[]> {
    const kind = this.#opts.descriptor.kind;
    const descriptors = await this.describeAs(kind, faces.map((f) => descriptorInput(kind, f)));
    const crops = faces.map((f) => f.crop);
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
    return new FaceEngine(opts, { backend, human: humanVersion(), descriptor: { kind, dim: 0, version: 'not loaded', runtime: 'not loaded' } }, detector, null, log);
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
    const embedder = await FaceEmbedder.create(opts, backend.name, loadAll);
    return new FaceEngine(opts, { backend, human: humanVersion(), descriptor: embedder.descriptor }, detector, embedder, log);
  }

  /** Finds faces (box, landmarks, quality) without embedding them; antispoof/liveness are null until embedded. */
  async detect(image: RgbImage, meta: { frameSeq: number; ts: number } = { frameSeq: 0, ts: 0 }): Promise<DetectedFace[]> {
    if (image.pixels.length !== image.width * image.height * 3) {
      throw new KioskError('IMAGE_UNREADABLE', `frame buffer holds ${image.pixels.length} bytes, expected ${image.width}×${image.height}×3`, { hint: 'frames must be packed RGB24' });
    }
    let raw = await this.#detectRaw(image);
    // Nothing found: a face filling the frame may be too large for BlazeFace; try once more with a border.
    // Boxes and landmarks are moved back into frame coordinates (a box may then cross the frame's
    // edge: the face is too close); alignment runs on the padded image, where the whole face is.
    let source = image;
    let dx = 0;
    let dy = 0;
    const d = this.#opts.detector;
    if (raw.length === 0 && d.retryPadShare > 0) {
      const padded = padImage(image, d.retryPadShare, d.retryPadFill);
      raw = await this.#detectRaw(padded.image);
      source = padded.image;
      dx = padded.offsetX;
      dy = padded.offsetY;
    }
    const out: DetectedFace[] = [];
    for (const { result, crop } of raw) {
      const points = fivePointsFromMesh(result.mesh);
      let rgb: RgbImage;
      try {
        rgb = await cropToRgb(crop);
      } finally {
        crop.dispose();
      }
      const [x, y, width, height] = result.box;
      const angles = result.rotation?.angle ?? null;
      const lm = landmarksOf(result);
      const shift = (p: { x: number; y: number }): { x: number; y: number } => ({ x: p.x - dx, y: p.y - dy });
      out.push({
        crop: rgb,
        aligned: points ? alignFace(source, points) : null,
        observation: {
          frameSeq: meta.frameSeq,
          ts: meta.ts,
          box: { x: x - dx, y: y - dy, width, height },
          score: result.boxScore ?? result.score,
          landmarks: lm === null ? null : { leftEye: shift(lm.leftEye), rightEye: shift(lm.rightEye), nose: shift(lm.nose) },
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

  async #detectRaw(image: RgbImage): Promise<RawFace[]> {
    const input = tf.tensor3d(new Uint8Array(image.pixels.buffer, image.pixels.byteOffset, image.pixels.byteLength), [image.height, image.width, 3], 'int32');
    try {
      return await this.#detector.detect(input);
    } finally {
      input.dispose();
    }
  }

  /** Descriptors of the configured kind. */
  describe(faces: readonly FaceCrops[]): Promise<Float32Array[]> {
    const kind = this.#opts.descriptor.kind;
    return this.embedder.describeAs(kind, faces.map((f) => descriptorInput(kind, f)));
  }

  describeAs(kind: DescriptorKind, crops: readonly RgbImage[]): Promise<Float32Array[]> {
    return this.embedder.describeAs(kind, crops);
  }

  /** Detect, embed and check every face: the whole per-image pipeline. */
  async analyze(image: RgbImage, meta?: { frameSeq: number; ts: number }): Promise<FaceObservation[]> {
    const faces = await this.detect(image, meta);
    const emb = await this.embedder.embed(faces);
    return faces.map((f, i) => ({ ...f.observation, descriptor: emb[i]?.descriptor ?? null, antispoof: emb[i]?.antispoof ?? null, liveness: emb[i]?.liveness ?? null }));
  }
}
