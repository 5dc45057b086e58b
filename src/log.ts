/**
 * One pino logger per process, created at the entry point. Logs go to stderr so that a command's
 * `--json` output on stdout stays machine-readable. Stages take `logger.child({ stage })`.
 * On a terminal (stderr is a TTY) lines are pretty-printed by pino-pretty, synchronously on this
 * thread (colour unless NO_COLOR); anywhere else (systemd journal, pipes, files) they stay one JSON object per line.
 */
import { pino, type Logger, type LevelWithSilent } from 'pino';
import { PinoPretty } from 'pino-pretty';

export type { Logger };

export type LogFormat = 'pretty' | 'json';

/** Pretty for a person at a terminal, JSON for machines. */
export function logFormatFor(isTty: boolean | undefined): LogFormat {
  return isTty === true ? 'pretty' : 'json';
}

export function createLogger(level: LevelWithSilent = 'info', format: LogFormat = logFormatFor(process.stderr.isTTY)): Logger {
  if (format === 'pretty') {
    const stream = PinoPretty({ destination: 2, sync: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname' });
    return pino({ level, base: { pid: process.pid } }, stream);
  }
  return pino({ level, base: { pid: process.pid } }, pino.destination({ fd: 2, sync: true }));
}

/** A logger that drops everything: for tests and library use. */
export const silentLogger: Logger = pino({ level: 'silent' });
