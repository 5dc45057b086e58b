/**
 * The hub's PostgreSQL access: one `pg` pool per process, versioned migrations under an advisory lock
 * (several hub processes may start together), and a transaction helper. The hub keeps no state of its
 * own beyond this database and the site key file, so any number of processes can serve behind a
 * load balancer.
 */
import pg from 'pg';
import { KioskError, errorMessage } from '../errors.ts';
import { silentLogger, type Logger } from '../log.ts';
import { hubMigrations, MIGRATION_LOCK, type HubMigration } from './migrations.ts';
import type { HubOptions } from './options.ts';

export type Pool = pg.Pool;
export type Tx = pg.PoolClient;

// bigint columns come back as JS numbers: every bigint here is ms since the epoch or a revision, far below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

/** Host and database of a URL without its password, for messages and logs. */
export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || '5432'}${u.pathname}`;
  } catch {
    return '(unparsable postgresUrl)';
  }
}

export function createPool(opts: Pick<HubOptions, 'postgresUrl' | 'poolSize' | 'connectTimeoutMs'>, logger: Logger = silentLogger): Pool {
  const pool = new pg.Pool({
    connectionString: opts.postgresUrl,
    max: opts.poolSize,
    connectionTimeoutMillis: opts.connectTimeoutMs,
    // A statement stuck behind a dead server must not hold a kiosk's push forever.
    query_timeout: 60_000,
    application_name: 'kiosk-hub',
  });
  // An idle connection that dies (server restart) is an event, not a crash; the next query reconnects.
  pool.on('error', (err) => logger.warn({ err: errorMessage(err) }, 'idle PostgreSQL connection lost'));
  return pool;
}

export function dbUnavailable(url: string, cause: unknown): KioskError {
  return new KioskError('HUB_DB_UNAVAILABLE', `PostgreSQL at ${describeUrl(url)} is unreachable: ${errorMessage(cause)}`, {
    hint: 'check that PostgreSQL runs and hub.postgresUrl (host, port, database, user) is right; the password belongs in ~/.pgpass or PGPASSWORD',
    context: { url: describeUrl(url) },
    cause,
  });
}

/** Runs `fn` in one transaction on a pooled connection; rolls back on any error. */
export async function inTransaction<T>(pool: Pool, fn: (tx: Tx) => Promise<T>): Promise<T> {
  const tx = await pool.connect();
  try {
    await tx.query('BEGIN');
    const out = await fn(tx);
    await tx.query('COMMIT');
    return out;
  } catch (err) {
    await tx.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    tx.release();
  }
}

/** Applies every migration newer than the database; returns the version now current. */
export async function migrateHub(pool: Pool, logger: Logger = silentLogger, list: readonly HubMigration[] = hubMigrations): Promise<number> {
  list.forEach((m, i) => {
    if (m.version !== i + 1) throw new KioskError('HUB_DB_UNAVAILABLE', `hub migration list out of order at position ${i + 1}`, { context: { version: m.version } });
  });
  const c = await pool.connect();
  try {
    await c.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await c.query(`CREATE TABLE IF NOT EXISTS hub_migrations (
      version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const { rows } = await c.query<{ v: number | null }>('SELECT max(version) AS v FROM hub_migrations');
    const current = rows[0]?.v ?? 0;
    const latest = list.length;
    if (current > latest) {
      throw new KioskError('HUB_DB_UNAVAILABLE', `hub database schema version ${current} is newer than this hub supports (${latest})`, {
        hint: 'run the hub version that migrated this database (all hub processes must run the same version)',
      });
    }
    for (const m of list.filter((x) => x.version > current)) {
      try {
        await c.query('BEGIN');
        await c.query(m.sql);
        await c.query('INSERT INTO hub_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
        await c.query('COMMIT');
      } catch (cause) {
        await c.query('ROLLBACK').catch(() => undefined);
        throw new KioskError('HUB_DB_UNAVAILABLE', `hub migration ${m.version} (${m.name}) failed: ${errorMessage(cause)}`, {
          hint: 'the database was left at the previous version; report this with the log',
          cause,
        });
      }
      logger.info({ version: m.version, name: m.name }, 'hub migration applied');
    }
    return latest;
  } finally {
    await c.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    c.release();
  }
}

export async function hubSchemaVersion(pool: Pool): Promise<number> {
  const { rows } = await pool.query<{ v: number | null }>('SELECT max(version) AS v FROM hub_migrations');
  return rows[0]?.v ?? 0;
}
