/** Plain-data results handed downstream from the model stage (no tensors leave src/model). */

/** Axis-aligned box in pixels of the analysed image. */
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Point {
  x: number;
  y: number;
}

/** Face-quality estimate; every field is 0..1 except `sizePx`. */
export interface FaceQuality {
  /** Shorter side of the face box in pixels. */
  sizePx: number;
  /** 1 = looking straight at the camera, 0 = profile or worse (from mesh yaw/pitch). */
  frontalness: number;
  /** Normalised variance of the Laplacian on the face crop: 0 = blurred, 1 = sharp. */
  sharpness: number;
  /** Combined score used to weight votes. */
  score: number;
}

/**
 * The descriptor models we can embed with: `arcface` runs an ONNX model on five-point aligned crops;
 * the others run on Human's crop, and `fused` concatenates faceres and dlib128, each weighted.
 */
export type DescriptorKind = 'arcface' | 'faceres' | 'dlib128' | 'fused';

/** One face found in one image or frame. */
export interface FaceObservation {
  /** Sequence number of the frame it came from (0 for a still image). */
  frameSeq: number;
  /** Capture time of the frame in ms since the epoch (0 for a still image). */
  ts: number;
  box: Box;
  /** Detector confidence 0..1. */
  score: number;
  /** Eye centres and nose tip, when the mesh ran. */
  landmarks: { leftEye: Point; rightEye: Point; nose: Point } | null;
  /** L2-normalised embedding, or null when descriptors were not requested for this face. */
  descriptor: Float32Array | null;
  quality: FaceQuality;
  /** Human's antispoof score: 1 = real face, 0 = spoof (photo/screen). Null when the model did not run. */
  antispoof: number | null;
  /** Human's liveness score: 1 = live, 0 = not live. Null when the model did not run. */
  liveness: number | null;
}

/** Result of matching one descriptor against the gallery. */
export interface MatchCandidate {
  personId: number;
  name: string;
  similarity: number;
}

export interface MatchResult {
  /** Best person if their similarity passes the open-set threshold, otherwise null (= unknown). */
  person: MatchCandidate | null;
  /** Best similarity regardless of threshold (for evidence and tuning). */
  bestSimilarity: number;
  /** Best minus runner-up person similarity; 1 when only one person is enrolled. */
  margin: number;
  /** Ranked people, best first (at most k). */
  topK: MatchCandidate[];
}
