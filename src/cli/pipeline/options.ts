/** The real-time loop's own knobs: how much work it may hand the embedding workers, and the preview. */
import { z } from 'zod';

export const pipelineOptionsSchema = z.object({
  source: z.string().min(1).default('auto').describe('Frame source: auto (first working /dev/video*), /dev/videoN, a video file, an image folder, rtsp://…, http(s)://…, or gst:<pipeline> / gst:csi for Jetson'),
  embedWorkers: z.number().int().min(1).max(8).default(1).describe('Embedding worker threads (each with its own wasm backend); the main thread detects, so cores − 1 is the sweet spot'),
  maxInFlightPerWorker: z.number().int().min(1).max(8).default(2).describe('Embedding jobs queued per worker before new faces are skipped (keeps memory bounded)'),
  flipAverage: z.boolean().default(false).describe('Flip-average descriptors in the live loop (it lifted faceres/fused by 0.01–0.02 genuine similarity on walk-up video but left arcface unchanged; it halves the votes per second)'),
  minEmbedFacePx: z.number().int().min(0).default(48).describe('Faces smaller than this (shorter side, px) are tracked but not embedded'),
  minEmbedQuality: z.number().min(0).max(1).default(0.05).describe('Faces below this quality score are tracked but not embedded'),
  stallAfterMs: z.number().int().min(1000).default(10_000).describe('The loop counts as hung (no heartbeat to the systemd watchdog) when the camera runs but no frame was processed for this long'),
  tickMs: z.number().int().min(10).max(1000).default(100).describe('How often time-based decisions are checked when no frame arrives'),
  previewFps: z.number().min(0).max(30).default(5).describe('JPEG preview frames per second sent to screens (0 = off)'),
  previewWidth: z.number().int().min(160).max(1920).default(640).describe('Preview frames are scaled to this width'),
  stepBackFaceShare: z.number().gt(0).max(1).default(0.7).describe('A face whose box is taller than this share of the frame (or crosses its edge) is too close to align: the screen says "step back a little"'),
  previewQuality: z.number().int().min(30).max(95).default(70).describe('Preview JPEG quality'),
}).strict();

export type PipelineOptions = z.infer<typeof pipelineOptionsSchema>;
