/**
 * Typed errors: every failure the user can cause carries a stable code, the context that
 * names what went wrong, and a hint that says what to do. CLI and server print `message` + `hint`.
 */
export type ErrorCode =
  | 'CONFIG_INVALID'
  | 'IMAGE_UNREADABLE'
  | 'IMAGE_EMPTY'
  | 'IMAGE_TOO_LARGE'
  | 'IMAGE_NOT_FOUND'
  | 'DATASET_INVALID'
  | 'BACKEND_UNAVAILABLE'
  | 'MODEL_LOAD_FAILED'
  | 'DESCRIPTOR_INVALID'
  | 'GALLERY_EMPTY'
  | 'GALLERY_MODEL_MISMATCH'
  | 'STORE_FAILED'
  | 'CAPTURE_DEVICE_LOST'
  | 'CAPTURE_SOURCE_INVALID'
  | 'TRAINING_FAILED'
  | 'ALIGNMENT_FAILED'
  | 'SERVER_LISTEN_FAILED'
  | 'HUB_DB_UNAVAILABLE'
  | 'SYNC_FAILED'
  | 'AUTH_REFUSED'
  | 'USAGE';

export class KioskError extends Error {
  readonly code: ErrorCode;
  readonly hint: string;
  readonly context: Readonly<Record<string, unknown>>;

  constructor(code: ErrorCode, message: string, opts: { hint?: string; context?: Record<string, unknown>; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'KioskError';
    this.code = code;
    this.hint = opts.hint ?? '';
    this.context = opts.context ?? {};
  }

  /** One line for a terminal: what went wrong and what to do. */
  toLine(): string {
    return this.hint ? `${this.message} — ${this.hint}` : this.message;
  }
}

export function isKioskError(err: unknown): err is KioskError {
  return err instanceof KioskError;
}

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
