/** Kiosk-side sync commands: `kiosk hub-join` and `kiosk sync`. Thin adapters; the context is structural so nothing here imports cli. */
import type { Command } from 'commander';
import type { Config } from '../config/schema.ts';
import type { Logger } from '../log.ts';
import type { Store } from '../store/store.ts';
import { KioskError } from '../errors.ts';
import { joinHub } from './join.ts';
import { syncAgentFor } from './start.ts';

export interface SyncContext {
  readonly config: Config;
  readonly log: Logger;
  readonly dataDir: string;
  store(): Store;
}

export function registerSyncCommands(program: Command, ctxOf: (cmd: Command) => SyncContext): void {
  program.command('hub-join')
    .description('pair this kiosk with a hub (`kiosk hub add-kiosk` there gives the code); its history is uploaded, then punches go up and people come down')
    .argument('<url>', 'hub address, e.g. https://hub.example:8090')
    .argument('<code>', 'one-time pairing code from the hub')
    .option('--fingerprint <sha256>', 'SHA-256 of the hub\'s certificate as `kiosk hub` logged it (required for a self-signed hub)')
    .option('--json', 'print the result as JSON')
    .action(async (url: string, code: string, opts: { fingerprint?: string; json?: boolean }, cmd: Command) => {
      const ctx = ctxOf(cmd);
      const r = await joinHub({ dataDir: ctx.dataDir, store: ctx.store(), url, code, timeoutMs: ctx.config.sync.requestTimeoutMs, ...(opts.fingerprint === undefined ? {} : { fingerprint: opts.fingerprint }) });
      if (opts.json) return void console.log(JSON.stringify(r));
      console.log(`joined as kiosk ${r.kioskId} (site ${r.site})${r.pinned ? `, hub certificate pinned (${r.pinned})` : ''}; ${r.history} records of history queued for upload`);
      console.log('`kiosk serve` now syncs with the hub; `kiosk sync` does one exchange now');
    });

  program.command('sync')
    .description('one exchange with the hub now (push the outbox, pull gallery changes) and print the sync state')
    .option('--json', 'print the state as JSON')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      const ctx = ctxOf(cmd);
      const agent = syncAgentFor(ctx.store(), ctx.dataDir, ctx.config.sync, ctx.log);
      if (agent === null) throw new KioskError('USAGE', 'this kiosk is not joined to a hub', { hint: 'join it with `kiosk hub-join <url> <code>`' });
      try {
        const r = await agent.syncOnce().catch((err: unknown) => {
          throw new KioskError('SYNC_FAILED', `exchange with the hub failed: ${err instanceof Error ? err.message : String(err)}`, { hint: 'the outbox keeps everything; `kiosk serve` retries with back-off' });
        });
        const s = agent.status();
        if (opts.json) return void console.log(JSON.stringify({ ...r, ...s }));
        console.log(`pushed ${r.pushed} records, applied ${r.pulled} gallery changes; outbox ${s.outboxDepth}, gallery revision ${s.cursor}`);
        console.log(s.clock.state === 'synchronised' ? `clock synchronised (offset ${s.clock.offsetMs} ms)` : `clock not synchronised (${s.clock.reason})`);
      } finally {
        await agent.stop();
      }
    });
}
