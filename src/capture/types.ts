/**
 * The capture stage's one interface: a `FrameSource` yields RGB frames and reports its health.
 * Downstream stages depend on these types only, never on how frames are produced.
 */

/** One decoded video frame. */
export interface Frame {
  /** Per-source sequence number, monotonic across reconnects; a jump means frames were dropped or lost. */
  seq: number;
  /** Capture time in ms since the epoch (when the last byte of the frame arrived). */
  ts: number;
  width: number;
  height: number;
  /** Packed RGB24, `width * height * 3` bytes, row-major, no padding. Treat as read-only. */
  pixels: Buffer;
}

/**
 * - `starting`: first process/decoder launched, no frame yet.
 * - `running`: frames are flowing.
 * - `lost`: a live source stopped delivering (exit, stall, unplug); a retry follows unless given up.
 * - `reconnecting`: waiting out the backoff or waiting for the first frame of a new attempt.
 * - `ended`: final; finite source finished, `stop()` was called, or retries were exhausted.
 */
export type SourceState = 'starting' | 'running' | 'reconnecting' | 'lost' | 'ended';

/** Machine-readable cause attached to every state change. */
export type StateReasonCode =
  | 'start'
  | 'first-frame'
  | 'reconnected'
  | 'stall'
  | 'exit'
  | 'spawn-error'
  | 'backoff'
  | 'eof'
  | 'eof-with-errors'
  | 'error'
  | 'stopped'
  | 'gave-up';

export interface StateChange {
  state: SourceState;
  previous: SourceState;
  code: StateReasonCode;
  /** Human-readable explanation (includes ffmpeg's last error line where there is one). */
  reason: string;
  /** Wall-clock time of the change, ms since the epoch. */
  ts: number;
  /** Reconnect attempt number (1-based) for `reconnecting`. */
  attempt?: number;
  /** Backoff delay before the attempt, for `reconnecting`. */
  delayMs?: number;
}

export interface CaptureCounters {
  /** Frames produced by the source (delivered or not). */
  framesRead: number;
  /** Frames replaced in the latest-frame slot before the consumer took them. */
  framesDropped: number;
  /** Restarts after a loss. */
  reconnects: number;
}

export type FrameSourceEvents = { state: [StateChange] };

/** What kind of input a source reads. */
export type SourceKind = 'v4l2' | 'file' | 'url' | 'gst' | 'folder';

/**
 * A stream of frames. Iterating starts the source; breaking out of the loop stops it.
 * Only one consumer should iterate at a time: frames go to whoever awaits first.
 * A slow consumer never stalls capture: it gets the newest frame and the rest are counted as dropped
 * (unless `backpressure: 'pause'`, meant for files, holds the reader instead).
 */
export interface FrameSource extends AsyncIterable<Frame> {
  readonly kind: SourceKind;
  /** Short text naming the input (device, file, URL), for logs. */
  readonly label: string;
  readonly state: SourceState;
  /** The most recent state change, e.g. the reason a source ended. */
  readonly lastChange: StateChange | null;
  readonly counters: Readonly<CaptureCounters>;
  on(event: 'state', listener: (change: StateChange) => void): this;
  off(event: 'state', listener: (change: StateChange) => void): this;
  once(event: 'state', listener: (change: StateChange) => void): this;
  /** Begin reading (idempotent); iterating calls it. */
  start(): void;
  /** End the source: kills any child process, ends iteration; resolves once the child has exited. Idempotent. */
  stop(): Promise<void>;
}

/** A parsed `--source` string. */
export type SourceSpec =
  | { kind: 'auto' }
  | { kind: 'v4l2'; device: string }
  | { kind: 'file'; path: string }
  | { kind: 'folder'; path: string }
  | { kind: 'url'; url: string }
  /** `pipeline` empty means the default Jetson CSI pipeline for `sensorId`. */
  | { kind: 'gst'; pipeline: string; sensorId: number };
