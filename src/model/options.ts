/** The model stage's slice of the configuration: every tunable of detection, embedding and matching. */
import { z } from 'zod';

export const detectorOptionsSchema = z.object({
  maxFaces: z.number().int().min(1).max(20).default(5).describe('Most faces detected per frame (Human defaults to 1, which would hide a second person)'),
  minConfidence: z.number().min(0).max(1).default(0.5).describe('BlazeFace score below which a detection is dropped'),
  iouThreshold: z.number().min(0).max(1).default(0.1).describe('Non-maximum suppression IoU between face boxes'),
  minFacePx: z.number().int().min(0).default(0).describe('Faces smaller than this (pixels, shorter side) are not reported by the detector; quality gates apply later'),
  retryPadShare: z.number().min(0).max(2).default(0.25).describe('When a frame has no face, detect again on it padded by this share of its size on each side, so a face that fills the frame (leaning in) is found: on 149 tight 92×112 crops of facenet5 faces a plain pass missed 4, the padded pass found 3 of them (0.15: 1, 0.5: 2, 1.0: 2); 0 = no second pass'),
  retryPadFill: z.number().int().min(0).max(255).default(128).describe('Grey level of that border'),
  antispoof: z.boolean().default(true).describe('Score each embedded face with Human\'s antispoof model (photo/screen detection)'),
  liveness: z.boolean().default(true).describe('Score each embedded face with Human\'s liveness model'),
}).strict();
export type DetectorOptions = z.infer<typeof detectorOptionsSchema>;

export const qualityOptionsSchema = z.object({
  goodSizePx: z.number().positive().default(112).describe('Face size (shorter side, px) at and above which size no longer lowers quality'),
  maxAngleDeg: z.number().positive().max(90).default(45).describe('Combined yaw/pitch angle at which frontalness reaches 0'),
  sharpnessScale: z.number().positive().default(60).describe('Laplacian variance giving sharpness 0.5 (v / (v + scale)) on a 112-px grey crop'),
}).strict();
export type QualityOptions = z.infer<typeof qualityOptionsSchema>;

export const onnxDescriptorOptionsSchema = z.object({
  modelPath: z.string().default('').describe('ONNX face model on the ArcFace 112×112 five-point template (input [N,3,S,S], output [N,D]); empty = the vendored models/fr-feature/fr_feature.onnx. A relative path is read from the working directory'),
  mean: z.number().default(127).describe('Input normalisation: (pixel − mean) / std'),
  std: z.number().positive().default(128).describe('Input normalisation: (pixel − mean) / std'),
  channelOrder: z.enum(['rgb', 'bgr']).default('rgb').describe('Channel order the model was trained on'),
  threads: z.number().int().min(1).max(64).default(1).describe('onnxruntime intra-op threads per embed worker (workers × threads should not exceed the cores)'),
  executionProvider: z.enum(['auto', 'cpu', 'cuda']).default('auto').describe('onnxruntime execution provider: auto uses CUDA where this onnxruntime-node build has it and falls back to CPU'),
}).strict();
export type OnnxDescriptorOptions = z.infer<typeof onnxDescriptorOptionsSchema>;

export const descriptorOptionsSchema = z.object({
  kind: z.enum(['arcface', 'faceres', 'dlib128', 'fused']).default('arcface').describe('Face descriptor: arcface (an ONNX ArcFace-template model on five-point aligned crops, 512-d by default), Human faceres (1024-d), face-api dlib ResNet (128-d) or the weighted fusion of the last two'),
  onnx: onnxDescriptorOptionsSchema.prefault({}),
  fusedWeight: z.number().min(0).max(1).default(0.6).describe('Weight w of faceres in the fused similarity w·cos(faceres) + (1−w)·cos(dlib128)'),
  flipAverage: z.boolean().default(false).describe('Average each descriptor with that of the mirrored crop (test-time augmentation; it lifted faceres, but not arcface, whose figures it left unchanged at twice the cost)'),
  dlibCropFraction: z.number().min(0.5).max(1).default(0.9).describe('Central fraction of Human\'s aligned crop fed to the dlib model (its chips are tighter)'),
}).strict();
export type DescriptorOptions = z.infer<typeof descriptorOptionsSchema>;

export const matcherOptionsSchema = z.object({
  threshold: z.number().min(-1).max(1).default(0.48).describe('Open-set threshold on cosine similarity: below it a face is unknown (0.48: the arcface FAR 1% point per photo on facenet5, leave-one-person-out, 0.4705, rounded up; 0.81 was fused w=0.6\'s)'),
  minMargin: z.number().min(0).max(1).default(0.05).describe('Best minus runner-up person similarity below which a match is unknown: a stranger who resembles one enrolled person scores close to two (look-alike guard, as in a nearest/second-nearest ratio test)'),
  aggregate: z.enum(['max', 'top2', 'centroid']).default('max').describe('How a person\'s samples score a probe: best sample, mean of best two, or similarity to the mean descriptor'),
  topK: z.number().int().min(1).max(50).default(3).describe('How many ranked people a match reports'),
}).strict();
export type MatcherOptions = z.infer<typeof matcherOptionsSchema>;

export const imageOptionsSchema = z.object({
  maxInputPixels: z.number().int().positive().default(150_000_000).describe('Images with more pixels than this are refused before decoding (12000×12000 = 144 Mpx is accepted)'),
  maxSide: z.number().int().min(320).default(1920).describe('Decoded images are downscaled so that their longer side is at most this'),
  maxFileBytes: z.number().int().positive().default(100 * 1024 * 1024).describe('Image files larger than this are refused'),
}).strict();
export type ImageOptions = z.infer<typeof imageOptionsSchema>;

export const modelOptionsSchema = z.object({
  backend: z.enum(['auto', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu']).default('auto').describe('tfjs backend; auto tries tfjs-node-gpu, tfjs-node, wasm, cpu in that order'),
  detector: detectorOptionsSchema.prefault({}),
  quality: qualityOptionsSchema.prefault({}),
  descriptor: descriptorOptionsSchema.prefault({}),
  matcher: matcherOptionsSchema.prefault({}),
  image: imageOptionsSchema.prefault({}),
}).strict();
export type ModelOptions = z.infer<typeof modelOptionsSchema>;
