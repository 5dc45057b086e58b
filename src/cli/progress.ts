/** Progress bars on stderr (never stdout, which `--json` keeps clean); silent when stderr is not a terminal. */
import cliProgress from 'cli-progress';

export interface Progress {
  update(done: number, label?: string): void;
  stop(): void;
}

export function progressBar(total: number, title: string): Progress {
  if (!process.stderr.isTTY) return { update: () => undefined, stop: () => undefined };
  const bar = new cliProgress.SingleBar(
    { stream: process.stderr, format: `${title} [{bar}] {value}/{total} {label}`, hideCursor: true, clearOnComplete: true },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, { label: '' });
  return { update: (done, label = '') => bar.update(done, { label }), stop: () => bar.stop() };
}
