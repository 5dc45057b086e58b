/** Public surface of the capture stage. */
export type { Frame, FrameSource, SourceState, StateChange, StateReasonCode, CaptureCounters, SourceKind, SourceSpec } from './types.ts';
export { captureOptionsSchema, captureOptions, type CaptureOptions } from './options.ts';
export { LatestSlot } from './latest-slot.ts';
export { FfmpegSource } from './ffmpeg-source.ts';
export { ImageFolderSource } from './image-folder-source.ts';
export { parseSourceSpec, resolveAutoSource } from './auto.ts';
export { openFrameSource } from './open-source.ts';
