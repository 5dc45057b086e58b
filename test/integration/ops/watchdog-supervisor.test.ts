/**
 * The watchdog against a real $NOTIFY_SOCKET: a python3 unix-datagram listener plays systemd's socket,
 * and this test plays its supervisor (Restart=always, WatchdogSec): it kills a child whose pings stop
 * and starts a new one. A child whose loop hangs, or whose event loop blocks, must be restarted; a
 * healthy child must not.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { findExecutable } from '../../../src/ops/sd-notify.ts';

const FIXTURE = resolve(import.meta.dirname, 'fixtures', 'loop-child.ts');
const WATCHDOG_MS = 1000;

const python = findExecutable('python3');
const systemdNotify = findExecutable('systemd-notify');

function loud(msg: string): string {
  console.error(`\n${'!'.repeat(msg.length)}\n${msg}\n${'!'.repeat(msg.length)}\n`);
  return msg;
}

const LISTENER = `
import json, socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
print(json.dumps({"ready": True}), flush=True)
while True:
    data = s.recv(65536)
    print(json.dumps({"msg": data.decode()}), flush=True)
`;

interface Received {
  at: number;
  msg: string;
}

/** Starts the fake systemd socket; resolves once it is bound. */
async function listen(socket: string): Promise<{ received: Received[]; stop(): void }> {
  const proc = spawn(python as string, ['-u', '-c', LISTENER, socket], { stdio: ['ignore', 'pipe', 'inherit'] });
  const received: Received[] = [];
  const lines = createInterface({ input: proc.stdout });
  await new Promise<void>((ok, fail) => {
    proc.on('error', fail);
    lines.on('line', (line) => {
      const m = JSON.parse(line) as { ready?: boolean; msg?: string };
      if (m.ready) ok();
      // BARRIER=1 is systemd-notify's handshake, not a state.
      else if (m.msg !== undefined && m.msg !== 'BARRIER=1') received.push({ at: Date.now(), msg: m.msg });
    });
  });
  return { received, stop: () => proc.kill('SIGKILL') };
}

function startChild(socket: string, env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', FIXTURE], {
    env: { ...process.env, NOTIFY_SOCKET: socket, WATCHDOG_USEC: String(WATCHDOG_MS * 1000), LOOP_STALE_MS: '300', ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * What systemd does with Type=notify + WatchdogSec: wait for READY=1, then kill the service when no
 * WATCHDOG=1 arrived for WATCHDOG_MS. Returns why the child ended and what it sent.
 */
async function superviseOnce(child: ChildProcess, received: Received[], observeMs: number): Promise<{ outcome: 'killed-by-watchdog' | 'still-running' | 'exited'; messages: string[] }> {
  const from = received.length;
  let exited = false;
  child.on('exit', () => (exited = true));
  const deadline = Date.now() + 30_000;
  while (!received.slice(from).some((r) => r.msg.startsWith('READY=1'))) {
    if (exited || Date.now() > deadline) throw new Error('child never sent READY=1');
    await sleep(20);
  }
  let lastPing = Date.now();
  const end = Date.now() + observeMs;
  while (Date.now() < end) {
    if (exited) return { outcome: 'exited', messages: received.slice(from).map((r) => r.msg) };
    const pings = received.slice(from).filter((r) => r.msg === 'WATCHDOG=1');
    if (pings.length) lastPing = Math.max(lastPing, pings[pings.length - 1]!.at);
    if (Date.now() - lastPing > WATCHDOG_MS) {
      child.kill('SIGABRT'); // systemd's WatchdogSignal
      await new Promise((r) => (exited ? r(null) : child.once('exit', r)));
      return { outcome: 'killed-by-watchdog', messages: received.slice(from).map((r) => r.msg) };
    }
    await sleep(20);
  }
  return { outcome: 'still-running', messages: received.slice(from).map((r) => r.msg) };
}

async function stopChild(child: ChildProcess, received: Received[]): Promise<string[]> {
  const from = received.length;
  const exit = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exit;
  await sleep(200);
  return received.slice(from).map((r) => r.msg);
}

if (!systemdNotify) loud('systemd-notify MISSING (apt-get install systemd): its transport is not exercised; the python3 helper is');

/** Both hang forms, each over one transport: the loop stops reporting, or the event loop itself blocks. */
const cases = [
  { transport: 'python3', mode: 'hang' },
  { transport: systemdNotify ? 'systemd-notify' : 'python3', mode: 'block' },
] as const;

for (const { transport, mode } of cases) {
  describe(`watchdog under a supervisor (${transport} transport, loop ${mode === 'hang' ? 'stops reporting' : 'blocks the event loop'})`, { skip: python ? false : loud('python3 MISSING: cannot run the watchdog supervisor tests') }, () => {
    test('the hung process is restarted, the restarted one keeps pinging, and a clean stop says STOPPING', async (t) => {
      const dir = mkdtempSync(join(tmpdir(), 'kiosk-notify-'));
      const socket = join(dir, 'notify.sock');
      const sd = await listen(socket);
      t.after(() => {
        sd.stop();
        rmSync(dir, { recursive: true, force: true });
      });

      const first = startChild(socket, { LOOP_MODE: mode, LOOP_ALIVE_MS: '1200', LOOP_NOTIFY: transport });
      t.after(() => first.kill('SIGKILL'));
      const run1 = await superviseOnce(first, sd.received, 15_000);
      assert.equal(run1.outcome, 'killed-by-watchdog');
      assert.equal(run1.messages[0], `READY=1\nSTATUS=loop-child ${mode}`);
      assert.ok(run1.messages.filter((m) => m === 'WATCHDOG=1').length >= 1, 'pinged while the loop was alive');

      // Restart=always: a new process; this one stays healthy.
      const second = startChild(socket, { LOOP_MODE: 'healthy', LOOP_NOTIFY: transport });
      t.after(() => second.kill('SIGKILL'));
      const run2 = await superviseOnce(second, sd.received, 3 * WATCHDOG_MS);
      assert.equal(run2.outcome, 'still-running');
      assert.ok(run2.messages.filter((m) => m === 'WATCHDOG=1').length >= 3, `healthy loop pinged: ${JSON.stringify(run2.messages)}`);
      // A ping already on its way may land just before STOPPING: the stop must be last and nothing else may come.
      const tail = await stopChild(second, sd.received);
      assert.equal(tail.at(-1), 'STOPPING=1', JSON.stringify(tail));
      assert.ok(tail.every((m) => m === 'WATCHDOG=1' || m === 'STOPPING=1'), JSON.stringify(tail));
    });
  });
}
