/** Runs the real `kiosk` command in a child process, as a user would. */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { KIOSK_BIN, REPO_ROOT } from './dataset.ts';

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Peak resident memory (VmHWM) seen while polling /proc, in kB; 0 when not tracked. */
  maxRssKb: number;
}

function vmHwmKb(pid: number): number {
  try {
    return Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

export function runCli(args: readonly string[], opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number; cwd?: string; trackRss?: boolean } = {}): Promise<CliResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [KIOSK_BIN, '--log-level', 'warn', ...args], {
      cwd: opts.cwd ?? REPO_ROOT,
      env: { ...process.env, ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    let maxRssKb = 0;
    // VmHWM only grows, so polling it until exit catches the peak.
    const poll = opts.trackRss && child.pid ? setInterval(() => (maxRssKb = Math.max(maxRssKb, vmHwmKb(child.pid as number))), 50) : null;
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 300_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (poll) clearInterval(poll);
      resolvePromise({ code, stdout, stderr, maxRssKb });
    });
  });
}

/** A Node stack trace line, which a user-facing error must never show. */
export const STACK_LINE = /^\s+at .+\(.+:\d+:\d+\)$/m;
