/**
 * An ArcFace-family embedding network in ONNX, run by onnxruntime-node on five-point aligned
 * crops (see ../align/five-point.ts). Any model on that template works: input name, size and
 * output width are read from the session; normalisation comes from config. The model version
 * carries the file's SHA-256 and the normalisation, so descriptors of two files (or two
 * normalisations) never mix in one gallery.
 */
import type { Tensor as OrtTensor } from 'onnxruntime-node';
import { basename } from 'node:path';
import { KioskError } from '../../errors.ts';
import type { RgbImage } from '../decode.ts';
import { TEMPLATE_SIZE } from '../align/five-point.ts';
import { createSession, fileSha256, type ExecutionProviderChoice, type LoadedSession } from './onnx-session.ts';
import { packCrop, type TemplateNormalisation } from './template-input.ts';
import { averagePair, l2normalize } from './vector.ts';

export interface OnnxTemplateOptions extends TemplateNormalisation {
  modelPath: string;
  threads: number;
  executionProvider: ExecutionProviderChoice;
}

type Tensor = OrtTensor;

/** Samples' model version: file name, SHA-256 and normalisation (descriptors of two never mix). */
export function templateVersion(opts: OnnxTemplateOptions, sha256: string): string {
  return `onnx:${basename(opts.modelPath)}:sha256=${sha256}:${opts.channelOrder}(x-${opts.mean})/${opts.std}`;
}

/** The version the configured model would give, without loading it (reads and hashes the file). */
export async function templateVersionOf(opts: OnnxTemplateOptions): Promise<string> {
  return templateVersion(opts, await fileSha256(opts.modelPath));
}

export class OnnxTemplateModel {
  readonly kind = 'arcface' as const;
  readonly dim: number;
  readonly version: string;
  readonly provider: LoadedSession['provider'];
  readonly skippedProviders: readonly string[];
  readonly #loaded: LoadedSession;
  readonly #input: string;
  readonly #output: string;
  readonly #size: number;
  /** Images per run: 1 when the graph is fixed at batch 1. */
  readonly #maxBatch: number;
  readonly #norm: TemplateNormalisation;

  private constructor(loaded: LoadedSession, io: { input: string; output: string; size: number; maxBatch: number; dim: number }, opts: OnnxTemplateOptions) {
    this.#loaded = loaded;
    this.#input = io.input;
    this.#output = io.output;
    this.#size = io.size;
    this.#maxBatch = io.maxBatch;
    this.#norm = { mean: opts.mean, std: opts.std, channelOrder: opts.channelOrder };
    this.dim = io.dim;
    this.provider = loaded.provider;
    this.skippedProviders = loaded.skipped;
    this.version = templateVersion(opts, loaded.sha256);
  }

  /** Size of the square aligned crop the model takes (112 for every ArcFace-template model seen). */
  get inputSize(): number {
    return this.#size;
  }

  static async load(opts: OnnxTemplateOptions): Promise<OnnxTemplateModel> {
    const loaded = await createSession(opts.modelPath, { provider: opts.executionProvider, threads: opts.threads });
    const { session } = loaded;
    const inMeta = session.inputMetadata[0];
    const outName = session.outputNames[0];
    const bad = (why: string): KioskError => new KioskError('MODEL_LOAD_FAILED', `${opts.modelPath} is not an ArcFace-template face model: ${why}`, { hint: 'the model must take one [N,3,S,S] float image input and give one [N,D] embedding', context: { modelPath: opts.modelPath } });
    if (!inMeta || !inMeta.isTensor || !outName) throw bad('it has no tensor input or no output');
    const shape = inMeta.shape;
    const side = shape[2];
    if (shape.length !== 4 || shape[1] !== 3 || typeof side !== 'number' || shape[3] !== side) throw bad(`input shape is [${shape.join(',')}]`);
    const maxBatch = shape[0] === 1 ? 1 : Number.POSITIVE_INFINITY;
    // The output width is read from a real run: some exports leave it symbolic.
    const probe = new loaded.ort.Tensor('float32', new Float32Array(3 * side * side), [1, 3, side, side]);
    const out = (await session.run({ [inMeta.name]: probe }))[outName] as Tensor | undefined;
    const dim = out?.dims.length === 2 ? out.dims[1] : undefined;
    if (!out || typeof dim !== 'number' || dim < 8) throw bad(`output shape is [${out?.dims.join(',') ?? ''}]`);
    return new OnnxTemplateModel(loaded, { input: inMeta.name, output: outName, size: side, maxBatch, dim }, opts);
  }

  /** Unit descriptors of aligned crops; with `flip`, each averaged with its mirror image. */
  async embed(crops: readonly RgbImage[], flip: boolean): Promise<Float32Array[]> {
    const images = crops.flatMap((c) => (flip ? [{ c, mirror: false }, { c, mirror: true }] : [{ c, mirror: false }]));
    const rows: Float32Array[] = [];
    const per = Math.min(this.#maxBatch, images.length);
    for (let start = 0; start < images.length; start += per) {
      const chunk = images.slice(start, start + per);
      const data = new Float32Array(chunk.length * 3 * this.#size * this.#size);
      chunk.forEach(({ c, mirror }, i) => packCrop(this.#fit(c), this.#size, this.#norm, data, i, mirror));
      const input = new this.#loaded.ort.Tensor('float32', data, [chunk.length, 3, this.#size, this.#size]);
      const out = (await this.#loaded.session.run({ [this.#input]: input }))[this.#output] as Tensor;
      const flat = out.data as Float32Array;
      for (let i = 0; i < chunk.length; i++) rows.push(l2normalize(flat.subarray(i * this.dim, (i + 1) * this.dim)));
    }
    if (!flip) return rows;
    return crops.map((_, i) => averagePair(rows[2 * i] as Float32Array, rows[2 * i + 1] as Float32Array));
  }

  /** Template crops are made at 112; a model with another input size gets them resampled. */
  #fit(c: RgbImage): RgbImage {
    if (c.width === this.#size) return c;
    if (c.width !== TEMPLATE_SIZE) throw new KioskError('DESCRIPTOR_INVALID', `aligned crop is ${c.width}×${c.height}`);
    return resizeBilinearSquare(c, this.#size);
  }

  async close(): Promise<void> {
    await this.#loaded.session.release();
  }
}

/** Square RGB resample (bilinear) from a template crop to a model whose input is not 112. */
function resizeBilinearSquare(c: RgbImage, size: number): RgbImage {
  const out = Buffer.alloc(size * size * 3);
  const k = c.width / size;
  for (let y = 0; y < size; y++) {
    const sy = Math.min(c.height - 1, (y + 0.5) * k - 0.5);
    const y0 = Math.max(0, Math.floor(sy));
    const y1 = Math.min(c.height - 1, y0 + 1);
    const fy = sy - y0;
    for (let x = 0; x < size; x++) {
      const sx = Math.min(c.width - 1, (x + 0.5) * k - 0.5);
      const x0 = Math.max(0, Math.floor(sx));
      const x1 = Math.min(c.width - 1, x0 + 1);
      const fx = sx - x0;
      for (let ch = 0; ch < 3; ch++) {
        const p = (yy: number, xx: number): number => c.pixels[(yy * c.width + xx) * 3 + ch] as number;
        const top = p(y0, x0) + (p(y0, x1) - p(y0, x0)) * fx;
        const bot = p(y1, x0) + (p(y1, x1) - p(y1, x0)) * fx;
        out[(y * size + x) * 3 + ch] = Math.round(top + (bot - top) * fy);
      }
    }
  }
  return { width: size, height: size, pixels: out };
}
