/** Config slice of the capture stage; the lead composes `captureOptionsSchema` into the global config. */
import { z } from 'zod';

export const captureOptionsSchema = z
  .object({
    width: z.number().int().min(16).max(7680).default(640).describe('Width in pixels of every frame handed downstream.'),
    height: z.number().int().min(16).max(4320).default(480).describe('Height in pixels of every frame handed downstream.'),
    fps: z.number().positive().max(120).default(15).describe('Frames per second produced (ffmpeg resamples; a slideshow shows this many images per second).'),
    fit: z
      .enum(['contain', 'cover', 'fill'])
      .default('contain')
      .describe('How input is fitted to width×height: letterbox with black bars, crop to fill, or stretch.'),
    inputFormat: z
      .enum(['auto', 'mjpeg', 'raw'])
      .default('auto')
      .describe('V4L2 camera pixel format: compressed MJPEG (higher resolutions over USB 2), raw YUYV, or the driver default.'),
    captureWidth: z
      .number()
      .int()
      .positive()
      .optional()
      .describe('Size asked of a V4L2 camera (defaults to width); frames are still scaled to width×height.'),
    captureHeight: z.number().int().positive().optional().describe('Size asked of a V4L2 camera (defaults to height).'),
    loop: z.boolean().default(false).describe('Restart a video file or image folder at its end instead of ending.'),
    realtime: z
      .boolean()
      .default(true)
      .describe('Play files and folders at their frame rate (ffmpeg -re); false reads as fast as possible (tests, evaluation).'),
    backpressure: z
      .enum(['drop', 'pause'])
      .default('drop')
      .describe('When the consumer is slower than the source: keep only the newest frame and count drops, or pause reading (only sensible for files).'),
    stallTimeoutMs: z
      .number()
      .int()
      .min(100)
      .default(2000)
      .describe('A running live source that delivers no frame for this long is declared lost and restarted.'),
    startTimeoutMs: z
      .number()
      .int()
      .min(100)
      .default(10_000)
      .describe('Longest wait for the first frame after (re)starting a source (camera warm-up, RTSP connect).'),
    backoffMinMs: z.number().int().min(0).default(500).describe('Delay before the first reconnect attempt.'),
    backoffMaxMs: z.number().int().min(0).default(10_000).describe('Upper bound on the delay between reconnect attempts.'),
    backoffFactor: z.number().min(1).default(2).describe('Each failed attempt multiplies the reconnect delay by this.'),
    backoffJitter: z
      .number()
      .min(0)
      .max(1)
      .default(0.2)
      .describe('Random spread of each delay (±fraction), so several kiosks do not hammer one camera server in step.'),
    maxReconnects: z
      .number()
      .int()
      .min(0)
      .default(0)
      .describe('Consecutive failed reconnects after which a live source ends with `gave-up`; 0 retries forever.'),
    killTimeoutMs: z
      .number()
      .int()
      .min(0)
      .default(2000)
      .describe('After SIGTERM, how long stop() waits for the capture process before SIGKILL.'),
    probeTimeoutMs: z
      .number()
      .int()
      .min(100)
      .default(4000)
      .describe('How long `auto` lets ffmpeg try to read one frame from each /dev/video* device.'),
    rtspTransport: z.enum(['tcp', 'udp']).default('tcp').describe('RTSP transport; TCP survives lossy Wi-Fi better.'),
    stderrTailBytes: z
      .number()
      .int()
      .min(256)
      .default(4096)
      .describe('Bytes of the capture process\'s stderr kept to explain failures.'),
    folderFrameRepeat: z
      .number()
      .int()
      .min(1)
      .default(1)
      .describe('Frames each slideshow image is shown for (e.g. 15 at 15 fps = one photo per second, long enough to vote on).'),
    ffmpegPath: z.string().min(1).optional().describe('ffmpeg binary to use. Unset: the system ffmpeg on PATH when it is version 5 or newer, else the one bundled by @ffmpeg-installer/ffmpeg (a 2018 build; `kiosk doctor` warns about it).'),
    gstLaunchPath: z.string().min(1).default('gst-launch-1.0').describe('GStreamer launcher used for `gst:` sources (Jetson CSI cameras).'),
  })
  .strict();

export type CaptureOptions = z.infer<typeof captureOptionsSchema>;

/** Defaults with overrides applied and validated; for tests and library callers. */
export function captureOptions(overrides: Partial<z.input<typeof captureOptionsSchema>> = {}): CaptureOptions {
  return captureOptionsSchema.parse(overrides);
}
