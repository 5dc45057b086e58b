/** Running the `kiosk` CLI from a bench, and reading `kiosk run --json` output. */
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import type { DecisionEvent } from '../src/server/ports.ts';
import type { LoopSummary } from '../src/cli/pipeline/kiosk-loop.ts';

export const KIOSK_BIN = resolve(import.meta.dirname, '..', 'bin', 'kiosk.js');

/** Runs `kiosk <args>` at log level warn; resolves with its stdout, rejects on a non-zero exit. */
export function kiosk(args: string[], env: NodeJS.ProcessEnv = {}): Promise<string> {
  return new Promise((res, rej) => {
    const c = spawn(process.execPath, [KIOSK_BIN, '--log-level', 'warn', ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    c.stdout.on('data', (d: Buffer) => (out += d.toString()));
    c.on('error', rej);
    c.on('close', (code) => (code === 0 ? res(out) : rej(new Error(`kiosk ${args[0]} exited ${code}`))));
  });
}

/** The decision lines and the summary line of `kiosk run --json`. */
export function parseRun(out: string): { decisions: DecisionEvent[]; summary: LoopSummary } {
  const rows = out.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as DecisionEvent | LoopSummary);
  const summary = rows.find((r): r is LoopSummary => r.type === 'summary');
  if (!summary) throw new Error('no summary line');
  return { decisions: rows.filter((r): r is DecisionEvent => r.type === 'decision'), summary };
}
