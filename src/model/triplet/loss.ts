/**
 * Triplet semi-hard loss with the semantics of TF-Addons `TripletSemiHardLoss` (FaceNet's online
 * semi-hard mining), written in tfjs ops so that gradients reach the head's variables.
 *
 * For every anchor–positive pair (a ≠ p, same label) the negative is the closest one that is still
 * farther from the anchor than the positive (d(a,n) > d(a,p)); when the batch has none, the farthest
 * negative of the anchor stands in (TF-Addons' `negatives_inside`). Loss = mean over those pairs of
 * max(d(a,p) − d(a,n) + margin, 0). Call inside tf.tidy / variableGrads: intermediates are not disposed here.
 *
 * Masks are built with tf.step (x > 0 → 1, else 0; zero gradient) and arithmetic selection rather
 * than greater/where: tfjs has no gradient for comparison ops, and here they sit on the tape.
 */
import { tf } from '../tfjs.ts';
import type * as TF from '@tensorflow/tfjs';
import { matMul } from './matmul.ts';

export type DistanceMetric = 'L2' | 'squared-L2';

export interface TripletLossOptions {
  margin: number;
  distanceMetric: DistanceMetric;
}

/** TF-Addons adds this before sqrt where the squared distance is 0, so the gradient stays finite. */
const SQRT_GUARD = 1e-16;

/**
 * Pairwise distances [N,N] as TF-Addons' `pairwise_distance`: ‖a‖² + ‖b‖² − 2a·b clamped at 0,
 * exact zeros (and the diagonal) masked so they carry no gradient.
 */
export function pairwiseDistance(embeddings: TF.Tensor2D, squared: boolean): TF.Tensor2D {
  const n = embeddings.shape[0];
  const sq = tf.sum(tf.square(embeddings), 1, true);
  const dot = matMul(embeddings, tf.transpose(embeddings));
  const pdistSq = tf.maximum(tf.sub(tf.add(sq, tf.transpose(sq)), tf.mul(2, dot)), 0);
  const errorMask = tf.sub(1, tf.step(pdistSq));
  const pdist = squared ? pdistSq : tf.sqrt(tf.add(pdistSq, tf.mul(errorMask, SQRT_GUARD)));
  const offDiagonal = tf.sub(1, tf.eye(n));
  return tf.mul(tf.mul(pdist, tf.sub(1, errorMask)), offDiagonal) as TF.Tensor2D;
}

/** Max of `data` [N,N] over axis 1 where `mask` is 1 (TF-Addons' `_masked_maximum`; rows with no mask give the row min). */
function maskedMaximum(data: TF.Tensor2D, mask: TF.Tensor2D): TF.Tensor2D {
  const axisMin = tf.min(data, 1, true);
  return tf.add(tf.max(tf.mul(tf.sub(data, axisMin), mask), 1, true), axisMin) as TF.Tensor2D;
}

/**
 * Loss for a batch: `labels` [N] int32, `embeddings` [N,d] (L2-normalised upstream).
 * Unlike TF-Addons (0/0 = NaN) a batch with no positive pair yields 0, so a stray batch cannot poison training.
 */
export function tripletSemiHardLoss(labels: TF.Tensor1D, embeddings: TF.Tensor2D, options: TripletLossOptions): TF.Scalar {
  const n = embeddings.shape[0];
  const pdist = pairwiseDistance(embeddings, options.distanceMetric === 'squared-L2');

  const lab = tf.reshape(labels, [n, 1]);
  const adjacency = tf.equal(lab, tf.transpose(lab));
  const notSame = tf.cast(tf.logicalNot(adjacency), 'float32') as TF.Tensor2D;

  // Axes of the cube are [anchor, positive, negative]. Shapes broadcast implicitly: tf.broadcastTo
  // is a Tile whose gradient slices once per repeat, hundreds of tiny kernels per step.
  const dAP = tf.expandDims(pdist, 2); // [N,N,1]
  const dAN = tf.expandDims(pdist, 1); // [N,1,N]
  const semiHard = tf.mul(tf.step(tf.sub(dAN, dAP)), tf.expandDims(notSame, 1)); // [N,N,N]
  const hasSemiHard = tf.step(tf.sum(semiHard, 2)); // [N,N]

  // negatives_outside: TF-Addons' `_masked_minimum` of d(a,·) under the semi-hard mask.
  const rowMax = tf.reshape(tf.max(pdist, 1), [n, 1, 1]);
  const negativesOutside = tf.add(tf.min(tf.mul(tf.sub(dAN, rowMax), semiHard), 2), tf.reshape(rowMax, [n, 1])); // [N,N]
  // negatives_inside: the anchor's farthest negative, the fallback when no semi-hard one exists.
  const negativesInside = maskedMaximum(pdist, notSame); // [N,1]
  const chosen = tf.add(tf.mul(hasSemiHard, negativesOutside), tf.mul(tf.sub(1, hasSemiHard), negativesInside));

  const lossMat = tf.add(tf.sub(pdist, chosen), options.margin);
  const positives = tf.sub(tf.cast(adjacency, 'float32'), tf.eye(n));
  const numPositives = tf.sum(positives);
  const total = tf.sum(tf.maximum(tf.mul(lossMat, positives), 0));
  return tf.div(total, tf.maximum(numPositives, 1)) as TF.Scalar;
}
