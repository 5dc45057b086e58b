/** Where the ffmpeg binary is: the configured override, else the one bundled by @ffmpeg-installer/ffmpeg. */
import { createRequire } from 'node:module';
import { KioskError, errorMessage } from '../errors.ts';

export function resolveFfmpegPath(override?: string): string {
  if (override) return override;
  try {
    const pkg = createRequire(import.meta.url)('@ffmpeg-installer/ffmpeg') as { path: string };
    return pkg.path;
  } catch (err) {
    throw new KioskError('CAPTURE_SOURCE_INVALID', `bundled ffmpeg not found: ${errorMessage(err)}`, {
      hint: 'run npm install, or set capture.ffmpegPath to an ffmpeg binary',
      cause: err,
    });
  }
}
