/**
 * One pino logger per process, created at the entry point. Logs go to stderr so that a command's
 * `--json` output on stdout stays machine-readable. Stages take `logger.child({ stage })`.
 */
import { pino, type Logger, type LevelWithSilent } from 'pino';

export type { Logger };

export function createLogger(level: LevelWithSilent = 'info'): Logger {
  return pino({ level, base: { pid: process.pid } }, pino.destination({ fd: 2, sync: true }));
}

/** A logger that drops everything: for tests and library use. */
export const silentLogger: Logger = pino({ level: 'silent' });
