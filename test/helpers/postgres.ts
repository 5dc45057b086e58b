/**
 * A throwaway PostgreSQL cluster for tests: `initdb` + `pg_ctl` in a temp directory, listening on
 * 127.0.0.1 only (no Unix socket outside the directory), on a free port, removed afterwards.
 * initdb refuses to run as root, so as root the cluster is made and run as `nobody` (setpriv);
 * as any other user it runs as that user. Tests that need it skip loudly when the binaries are absent.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const NOBODY = { uid: 65534, gid: 65534 };

/** The newest Debian PostgreSQL bin folder, or null (then PG tests skip with this reason). */
export function postgresBinDir(): string | null {
  const root = '/usr/lib/postgresql';
  if (process.env.KIOSK_PG_BIN) return existsSync(join(process.env.KIOSK_PG_BIN, 'initdb')) ? process.env.KIOSK_PG_BIN : null;
  if (!existsSync(root)) return null;
  const versions = readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a));
  return versions[0] === undefined ? null : join(root, versions[0], 'bin');
}

/** Why PG tests cannot run here (printed by `skip`), or null when they can. */
export function postgresSkipReason(): string | null {
  if (postgresBinDir() !== null) return null;
  const why = 'SKIPPED: PostgreSQL binaries not found (/usr/lib/postgresql/*/bin/initdb); install Debian\'s `postgresql` package (.ci/run does)';
  console.error(`\n*** ${why} ***\n`);
  return why;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen({ host: '127.0.0.1', port: 0 }, () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

export interface TempPostgres {
  port: number;
  dir: string;
  /** URL of a database (created by createDatabase). */
  url(database?: string): string;
  createDatabase(name: string): Promise<string>;
  stop(): void;
}

function asPgUser(bin: string, args: string[]): { cmd: string; args: string[] } {
  const root = process.getuid?.() === 0;
  return root ? { cmd: 'setpriv', args: [`--reuid=${NOBODY.uid}`, `--regid=${NOBODY.gid}`, '--clear-groups', bin, ...args] } : { cmd: bin, args };
}

function run(bin: string, args: string[]): void {
  const { cmd, args: full } = asPgUser(bin, args);
  const r = spawnSync(cmd, full, { encoding: 'utf8', cwd: tmpdir() });
  if (r.status !== 0) throw new Error(`${bin} ${args.join(' ')} failed (${r.status}): ${(r.stderr || r.stdout).trim().split('\n').slice(-3).join(' | ')}`);
}

export async function startPostgres(): Promise<TempPostgres> {
  const bin = postgresBinDir();
  if (bin === null) throw new Error('PostgreSQL binaries not found');
  const dir = mkdtempSync(join(tmpdir(), 'kiosk-pg-'));
  if (process.getuid?.() === 0) chownSync(dir, NOBODY.uid, NOBODY.gid);
  const data = join(dir, 'data');
  run(join(bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync', '--locale=C']);
  const port = await freePort();
  // Loopback only; the socket stays in the temp dir; fsync off: a test cluster never survives a crash anyway.
  const opts = `-c listen_addresses=127.0.0.1 -p ${port} -k ${dir} -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200`;
  run(join(bin, 'pg_ctl'), ['-D', data, '-l', join(dir, 'log'), '-o', opts, '-w', '-t', '60', 'start']);
  let stopped = false;
  const stop = (): void => {
    if (stopped) return;
    stopped = true;
    try {
      const { cmd, args } = asPgUser(join(bin, 'pg_ctl'), ['-D', data, '-m', 'immediate', '-w', 'stop']);
      execFileSync(cmd, args, { stdio: 'ignore', cwd: tmpdir() });
    } catch {
      // Already gone; the directory is removed either way.
    }
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', stop);
  const url = (database = 'postgres'): string => `postgres://postgres@127.0.0.1:${port}/${database}`;
  return {
    port,
    dir,
    url,
    stop,
    async createDatabase(name: string): Promise<string> {
      const { default: pg } = await import('pg');
      const c = new pg.Client({ connectionString: url() });
      await c.connect();
      try {
        await c.query(`CREATE DATABASE "${name.replace(/"/gu, '')}"`);
      } finally {
        await c.end();
      }
      return url(name);
    },
  };
}
