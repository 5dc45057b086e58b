/** One entry point for the CLI: a `--source` string (or parsed spec) → a ready, not yet started FrameSource. */
import { parseSourceSpec, resolveAutoSource, type AutoDeps } from './auto.ts';
import { FfmpegSource, type FfmpegSourceDeps } from './ffmpeg-source.ts';
import { ImageFolderSource } from './image-folder-source.ts';
import type { CaptureOptions } from './options.ts';
import type { FrameSource, SourceSpec } from './types.ts';

export async function openFrameSource(
  source: string | SourceSpec,
  opts: CaptureOptions,
  deps: FfmpegSourceDeps & { auto?: AutoDeps } = {},
): Promise<FrameSource> {
  let spec = typeof source === 'string' ? parseSourceSpec(source) : source;
  if (spec.kind === 'auto') spec = await resolveAutoSource(opts, deps.auto);
  if (spec.kind === 'folder') return new ImageFolderSource(spec.path, opts, deps);
  return new FfmpegSource(spec, opts, deps);
}
