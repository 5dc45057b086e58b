/**
 * Image-level augmentation of a face crop for enrolment: the tutorial's Keras ImageDataGenerator
 * transforms (rotation, width/height shift, horizontal flip) plus brightness/contrast jitter.
 * Variants are embedded by the descriptor model like any photo; their rows must carry the source
 * photo's id (TripletTrainingData.sources) so that validation never sees a twin of a training row.
 *
 * Rotation and shift are one tf.image.transform (both supported on wasm, as is
 * rotateWithOffset): a single resampling blurs less than rotate-then-shift, and transform offers
 * Keras' default 'nearest' fill where rotateWithOffset only fills a constant.
 */
import { tf } from '../tfjs.ts';
import type * as TF from '@tensorflow/tfjs';
import { KioskError } from '../../errors.ts';
import { augmentOptionsSchema, type AugmentOptions } from './options.ts';
import { uniform, type Rng } from './rng.ts';

export interface AugmentParams {
  /** Radians, counter-clockwise. */
  angle: number;
  /** Pixels; positive moves the face right / down. */
  shiftX: number;
  shiftY: number;
  flip: boolean;
  /** Added to every pixel (0..1 scale). */
  brightness: number;
  /** Multiplies the deviation from the per-channel mean. */
  contrast: number;
}

function checkCrop(crop: TF.Tensor3D): void {
  if (crop.rank !== 3 || crop.shape[2] !== 3 || crop.shape[0] === 0 || crop.shape[1] === 0) {
    throw new KioskError('IMAGE_UNREADABLE', `face crop must be a [h, w, 3] tensor, got [${crop.shape.join(', ')}]`, { context: { shape: crop.shape } });
  }
}

/** Draws one variant's parameters; always the same number of draws, so a seed fixes every variant. */
export function drawAugmentParams(width: number, height: number, rng: Rng, o: AugmentOptions): AugmentParams {
  const rad = (o.rotationDeg * Math.PI) / 180;
  return {
    angle: uniform(rng, -rad, rad),
    shiftX: uniform(rng, -o.widthShift, o.widthShift) * width,
    shiftY: uniform(rng, -o.heightShift, o.heightShift) * height,
    flip: rng() < o.flipProbability,
    brightness: uniform(rng, -o.brightness, o.brightness),
    contrast: uniform(rng, 1 - o.contrast, 1 + o.contrast),
  };
}

/**
 * tf.image.transform maps each output pixel p to the input point R(p − c − t) + c: rotation by
 * `angle` about the centre c after undoing the shift t. Row layout [a0 a1 a2 b0 b1 b2 c0 c1].
 */
export function rotateShiftMatrix(width: number, height: number, angle: number, shiftX: number, shiftY: number): number[] {
  const cos = Math.cos(angle);
  const sin = Math.sin(angle);
  const cx = (width - 1) / 2;
  const cy = (height - 1) / 2;
  const px = cx + shiftX;
  const py = cy + shiftY;
  return [cos, -sin, cx - cos * px + sin * py, sin, cos, cy - sin * px - cos * py, 0, 0];
}

/** Applies one set of parameters; the caller owns the result. */
export function applyAugment(crop: TF.Tensor3D, p: AugmentParams): TF.Tensor3D {
  checkCrop(crop);
  const [h, w] = crop.shape;
  return tf.tidy(() => {
    let img = tf.expandDims(tf.cast(crop, 'float32'), 0) as TF.Tensor4D;
    if (p.angle !== 0 || p.shiftX !== 0 || p.shiftY !== 0) {
      img = tf.image.transform(img, tf.tensor2d([rotateShiftMatrix(w, h, p.angle, p.shiftX, p.shiftY)]), 'bilinear', 'nearest');
    }
    if (p.flip) img = tf.image.flipLeftRight(img);
    const mean = tf.mean(img, [1, 2], true);
    const adjusted = tf.add(tf.add(tf.mul(tf.sub(img, mean), p.contrast), mean), p.brightness);
    return tf.squeeze(tf.clipByValue(adjusted, 0, 1), [0]) as TF.Tensor3D;
  });
}

/**
 * `n` random variants of a crop ([h, w, 3], values 0..1); the input is left untouched and the
 * caller disposes the results.
 */
export function augmentFace(crop: TF.Tensor3D, n: number, rng: Rng, options: Partial<AugmentOptions> = {}): TF.Tensor3D[] {
  checkCrop(crop);
  const o = augmentOptionsSchema.parse(options);
  const [h, w] = crop.shape;
  const out: TF.Tensor3D[] = [];
  try {
    for (let i = 0; i < n; i++) out.push(applyAugment(crop, drawAugmentParams(w, h, rng, o)));
  } catch (err) {
    tf.dispose(out);
    throw err;
  }
  return out;
}

/**
 * Per-image standardisation (tf.image.per_image_standardization): zero mean, unit variance, the
 * std floored at 1/√(pixels) for flat images. This is the tutorial's VGG preprocessing; the kiosk's
 * pretrained descriptor models normalise their own input, so do not feed them this.
 */
export function standardize(crop: TF.Tensor3D): TF.Tensor3D {
  checkCrop(crop);
  return tf.tidy(() => {
    const x = tf.cast(crop, 'float32');
    const { mean, variance } = tf.moments(x);
    const floor = 1 / Math.sqrt(x.size);
    return tf.div(tf.sub(x, mean), tf.maximum(tf.sqrt(variance), floor)) as TF.Tensor3D;
  });
}
