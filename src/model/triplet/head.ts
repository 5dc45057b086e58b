/**
 * Residual projection head on top of a frozen face descriptor:
 *   hiddenDim = 0:  y = normalize(x + x·W)
 *   hiddenDim > 0:  y = normalize(x + act(x·W1 + b1)·W2 + b2)
 * The last matrix (W or W2) and the biases start at zero, so an untrained head is the identity
 * map on normalised descriptors and training can only move it as far as the loss pays for;
 * weight decay on the kernels is the price of that change.
 *
 * Raw tf.variables rather than tf.layers: tfjs layers has no L2-normalise layer, and a custom layer
 * would need registering wherever the model is loaded. Saving still goes through tfjs's own format
 * (`save(handler)` with ModelArtifacts + encoded weights), so any tf.io handler works.
 */
import { tf } from '../tfjs.ts';
import type * as TF from '@tensorflow/tfjs';
import { KioskError } from '../../errors.ts';
import { dataMatMul, matMul } from './matmul.ts';
import { uniform, type Rng } from './rng.ts';

/** `format` field of the saved artifacts; `modelTopology.version` moves when the layout changes. */
export const HEAD_FORMAT = 'kiosk-triplet-head';
export const HEAD_FORMAT_VERSION = 1;

/** Squared-norm floor of the L2 normalisation (as tf.nn.l2_normalize) so a zero row does not divide by 0. */
const NORM_EPSILON = 1e-12;

export type HeadActivation = 'relu' | 'tanh';

export interface HeadConfig {
  /** Descriptor length: 1024 faceres, 128 dlib, 1152 fused. */
  inputDim: number;
  /** 0 = single residual matrix. */
  hiddenDim: number;
  activation: HeadActivation;
}

interface HeadTopology {
  class: typeof HEAD_FORMAT;
  version: number;
  config: HeadConfig;
}

/** Weight names and shapes for a config, in save order. */
function weightShapes(c: HeadConfig): [string, number[]][] {
  if (c.hiddenDim === 0) return [['w', [c.inputDim, c.inputDim]]];
  return [
    ['w1', [c.inputDim, c.hiddenDim]],
    ['b1', [c.hiddenDim]],
    ['w2', [c.hiddenDim, c.inputDim]],
    ['b2', [c.inputDim]],
  ];
}

function checkConfig(c: HeadConfig): void {
  const ok = Number.isInteger(c.inputDim) && c.inputDim > 0 && Number.isInteger(c.hiddenDim) && c.hiddenDim >= 0 && (c.activation === 'relu' || c.activation === 'tanh');
  if (!ok) throw new KioskError('CONFIG_INVALID', `invalid triplet head config ${JSON.stringify(c)}`, { hint: 'inputDim > 0, hiddenDim ≥ 0, activation relu|tanh', context: { config: c } });
}

/** Row-wise L2 normalisation. */
export function l2Normalize(x: TF.Tensor2D): TF.Tensor2D {
  return tf.tidy(() => tf.mul(x, tf.rsqrt(tf.maximum(tf.sum(tf.square(x), 1, true), NORM_EPSILON))) as TF.Tensor2D);
}

export class TripletHead {
  readonly config: HeadConfig;
  private readonly weights: Map<string, TF.Variable>;

  private constructor(config: HeadConfig, weights: Map<string, TF.Variable>) {
    this.config = config;
    this.weights = weights;
  }

  /** Fresh head that computes the identity on normalised input: W1 Glorot-uniform from `rng`, the rest zero. */
  static create(config: HeadConfig, rng: Rng): TripletHead {
    checkConfig(config);
    const values = new Map<string, TF.Tensor>();
    for (const [name, shape] of weightShapes(config)) {
      if (name === 'w1') {
        const [fanIn, fanOut] = shape as [number, number];
        const limit = Math.sqrt(6 / (fanIn + fanOut));
        const data = new Float32Array(fanIn * fanOut);
        for (let i = 0; i < data.length; i++) data[i] = uniform(rng, -limit, limit);
        values.set(name, tf.tensor(data, shape));
      } else {
        values.set(name, tf.zeros(shape));
      }
    }
    return TripletHead.fromTensors(config, values);
  }

  /** Takes ownership of `values` (they are disposed once copied into variables). */
  private static fromTensors(config: HeadConfig, values: Map<string, TF.Tensor>): TripletHead {
    const weights = new Map<string, TF.Variable>();
    for (const [name] of weightShapes(config)) {
      const v = values.get(name) as TF.Tensor;
      weights.set(name, tf.variable(v, true));
      v.dispose();
    }
    return new TripletHead(config, weights);
  }

  private w(name: string): TF.Variable {
    const v = this.weights.get(name);
    if (!v) throw new KioskError('MODEL_LOAD_FAILED', `triplet head has no weight "${name}" (disposed?)`);
    return v;
  }

  get trainableVariables(): TF.Variable[] {
    return [...this.weights.values()];
  }

  /**
   * Embeds [N, inputDim] → [N, inputDim], L2-normalised. The input is normalised first, so the
   * untrained head returns exactly the normalised descriptor. `x` is treated as data: no gradient
   * flows back into it (the descriptor model is frozen). Intermediates are tidied; the caller owns the result.
   */
  apply(x: TF.Tensor2D): TF.Tensor2D {
    if (x.rank !== 2 || x.shape[1] !== this.config.inputDim) {
      throw new KioskError('DESCRIPTOR_INVALID', `triplet head expects [N, ${this.config.inputDim}] descriptors, got [${x.shape.join(', ')}]`, {
        hint: 'the head was trained for a different descriptor kind; retrain it',
        context: { expected: this.config.inputDim, shape: x.shape },
      });
    }
    return tf.tidy(() => {
      x = l2Normalize(x);
      let residual: TF.Tensor2D;
      if (this.config.hiddenDim === 0) {
        residual = dataMatMul(x, this.w('w') as TF.Tensor2D);
      } else {
        const pre = tf.add(dataMatMul(x, this.w('w1') as TF.Tensor2D), this.w('b1')) as TF.Tensor2D;
        const h = this.config.activation === 'relu' ? tf.relu(pre) : tf.tanh(pre);
        residual = tf.add(matMul(h, this.w('w2') as TF.Tensor2D), this.w('b2')) as TF.Tensor2D;
      }
      return l2Normalize(tf.add(x, residual) as TF.Tensor2D);
    });
  }

  /** Σ of squared kernel entries (biases exempt): how far the head has moved from the identity. */
  penalty(): TF.Scalar {
    return tf.tidy(() => {
      const kernels = this.config.hiddenDim === 0 ? [this.w('w')] : [this.w('w1'), this.w('w2')];
      return tf.addN(kernels.map((k) => tf.sum(tf.square(k)))) as TF.Scalar;
    });
  }

  /** Copy of the weights in host memory (for keeping the best epoch). */
  snapshot(): Map<string, Float32Array> {
    const out = new Map<string, Float32Array>();
    for (const [name, v] of this.weights) out.set(name, (v.dataSync() as Float32Array).slice()); // cpu backend hands out its own storage
    return out;
  }

  restore(snapshot: ReadonlyMap<string, Float32Array>): void {
    for (const [name, v] of this.weights) {
      const data = snapshot.get(name);
      if (!data) throw new KioskError('TRAINING_FAILED', `snapshot lacks weight "${name}"`);
      tf.tidy(() => v.assign(tf.tensor(data, v.shape)));
    }
  }

  /** Saves through any tf.io handler, like `LayersModel.save`. */
  async save(handler: TF.io.IOHandler): Promise<TF.io.SaveResult> {
    if (!handler.save) throw new KioskError('STORE_FAILED', 'the tf.io handler cannot save');
    const named: TF.NamedTensorMap = {};
    for (const [name, v] of this.weights) named[name] = v;
    const { data, specs } = await tf.io.encodeWeights(named);
    const topology: HeadTopology = { class: HEAD_FORMAT, version: HEAD_FORMAT_VERSION, config: { ...this.config } };
    return handler.save({
      modelTopology: topology as unknown as object,
      format: HEAD_FORMAT,
      generatedBy: `attendance-kiosk triplet head v${HEAD_FORMAT_VERSION}`,
      convertedBy: null,
      weightSpecs: specs,
      weightData: data,
    });
  }

  /** Loads what `save` wrote, through any tf.io handler (e.g. tf.io.fromMemory). */
  static async load(handler: TF.io.IOHandler): Promise<TripletHead> {
    if (!handler.load) throw new KioskError('MODEL_LOAD_FAILED', 'the tf.io handler cannot load');
    const artifacts = await handler.load();
    const topology = artifacts.modelTopology as Partial<HeadTopology> | undefined;
    if (artifacts.format !== HEAD_FORMAT || topology?.class !== HEAD_FORMAT || !topology.config) {
      throw new KioskError('MODEL_LOAD_FAILED', `not a triplet head (format ${String(artifacts.format)})`, { hint: 'retrain the head', context: { format: artifacts.format } });
    }
    if (topology.version !== HEAD_FORMAT_VERSION) {
      throw new KioskError('MODEL_LOAD_FAILED', `triplet head format v${String(topology.version)} is not supported (expected v${HEAD_FORMAT_VERSION})`, { hint: 'retrain the head' });
    }
    const config: HeadConfig = { inputDim: topology.config.inputDim, hiddenDim: topology.config.hiddenDim, activation: topology.config.activation };
    checkConfig(config);
    if (!artifacts.weightSpecs || !artifacts.weightData) throw new KioskError('MODEL_LOAD_FAILED', 'triplet head has no weights', { hint: 'retrain the head' });
    let decoded: TF.NamedTensorMap;
    try {
      decoded = tf.io.decodeWeights(artifacts.weightData, artifacts.weightSpecs);
    } catch (err) {
      throw new KioskError('MODEL_LOAD_FAILED', 'triplet head weights are unreadable', { hint: 'retrain the head', cause: err });
    }
    const values = new Map<string, TF.Tensor>();
    try {
      for (const [name, shape] of weightShapes(config)) {
        const t = decoded[name];
        if (!t || t.dtype !== 'float32' || t.shape.join() !== shape.join()) {
          throw new KioskError('MODEL_LOAD_FAILED', `triplet head weight "${name}" is missing or has shape [${t?.shape.join(', ') ?? ''}], expected [${shape.join(', ')}]`, { hint: 'retrain the head' });
        }
        values.set(name, t);
      }
    } catch (err) {
      tf.dispose(Object.values(decoded));
      throw err;
    }
    for (const [name, t] of Object.entries(decoded)) if (!values.has(name)) t.dispose();
    return TripletHead.fromTensors(config, values);
  }

  dispose(): void {
    for (const v of this.weights.values()) v.dispose();
    this.weights.clear();
  }
}
