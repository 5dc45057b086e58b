/** One entry point for the CLI: a `--source` string (or parsed spec) → a ready, not yet started FrameSource. */
import { parseSourceSpec, resolveAutoSource, type AutoDeps } from './auto.ts';
import { FfmpegSource, type FfmpegSourceDeps } from './ffmpeg-source.ts';
import { ImageFolderSource } from './image-folder-source.ts';
import { AutoCameraSource } from './auto-camera-source.ts';
import type { CaptureOptions } from './options.ts';
import type { FrameSource, SourceSpec } from './types.ts';

export async function openFrameSource(
  source: string | SourceSpec,
  opts: CaptureOptions,
  deps: FfmpegSourceDeps & { auto?: AutoDeps; keepLooking?: boolean } = {},
): Promise<FrameSource> {
  let spec = typeof source === 'string' ? parseSourceSpec(source) : source;
  if (spec.kind === 'auto') {
    // The long-running kiosk keeps looking for a camera; a one-shot command needs one now.
    if (deps.keepLooking) return new AutoCameraSource(opts, deps);
    spec = await resolveAutoSource(opts, deps.auto);
  }
  if (spec.kind === 'folder') return new ImageFolderSource(spec.path, opts, deps);
  return new FfmpegSource(spec, opts, deps);
}
