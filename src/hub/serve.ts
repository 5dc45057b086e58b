/**
 * `kiosk hub`: opens the PostgreSQL pool, brings the schema up to date, loads (or makes) the site
 * key and serves the sync API — over HTTPS beyond loopback, like the kiosk. SIGINT/SIGTERM close
 * the server (in-flight pushes finish) and then the pool.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Logger } from '../log.ts';
import { makePrivateDir } from '../private-files.ts';
import { listen, type Listening } from '../server/listen.ts';
import { loadTls, tlsWanted } from '../server/tls.ts';
import { uiBuildState } from '../server/ui-build.ts';
import { createKeyFile, readKeyFile, type DescriptorCipher } from '../store/crypto.ts';
import { readFileSync } from 'node:fs';
import { buildHubApp } from './app.ts';
import { createPool, dbUnavailable, migrateHub, type Pool } from './db.ts';
import { isConnectionError } from './app.ts';
import type { HubOptions } from './options.ts';

export function siteKeyPath(opts: Pick<HubOptions, 'siteKeyFile'>, dataDir: string): string {
  return isAbsolute(opts.siteKeyFile) ? opts.siteKeyFile : join(dataDir, opts.siteKeyFile);
}

/** The site key: read, or made (0600) on the first start; every hub process must share the same file. */
export function loadSiteKey(path: string, logger: Logger): { cipher: DescriptorCipher; bytes: Buffer } {
  if (!existsSync(path)) {
    const made = createKeyFile(path);
    if (made.created) logger.warn({ path, keyId: made.cipher.keyId }, 'site key created: copy it to every hub process and back it up apart from PostgreSQL');
  }
  const cipher = readKeyFile(path);
  return { cipher, bytes: Buffer.from(readFileSync(path, 'utf8').trim(), 'base64') };
}

/** Pool + migrations; a PostgreSQL out of reach is one line with what to check. */
export async function openHubDb(opts: HubOptions, logger: Logger): Promise<Pool> {
  const pool = createPool(opts, logger);
  try {
    await migrateHub(pool, logger);
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw isConnectionError(err) ? dbUnavailable(opts.postgresUrl, err) : err;
  }
  return pool;
}

export interface RunningHub {
  app: FastifyInstance;
  listening: Listening;
  close(): Promise<void>;
}

export async function startHub(input: { options: HubOptions; dataDir: string; logger: Logger; host?: string; port?: number }): Promise<RunningHub> {
  const { logger, dataDir } = input;
  const options: HubOptions = { ...input.options, ...(input.host === undefined ? {} : { host: input.host }), ...(input.port === undefined ? {} : { port: input.port }) };
  makePrivateDir(dataDir);
  const site = loadSiteKey(siteKeyPath(options, dataDir), logger);
  // The admin page is served from the built UI; a hub never builds it itself (several hub processes
  // starting together would race on one folder). Not built: /admin says how, the sync API runs anyway.
  const ui = uiBuildState();
  if (!ui.built || ui.stale) logger.warn({ dist: ui.dist }, `the admin page build is ${ui.built ? 'older than its sources' : 'missing'}: run \`npm run build:ui\``);
  const pool = await openHubDb(options, logger);
  const tls = tlsWanted(options) ? await loadTls(options, dataDir) : null;
  if (tls !== null) logger.info({ certificate: tls.certPath, sha256: tls.fingerprint256 }, `hub HTTPS certificate SHA-256 ${tls.fingerprint256} (give it to \`kiosk hub-join --fingerprint\`)`);
  const app = buildHubApp({ pool, siteKey: site.cipher, siteKeyBytes: site.bytes, config: options, logger, uiDir: ui.dist, ...(tls === null ? {} : { tls: { key: tls.key, cert: tls.cert } }) });
  app.decorate('serverOptions', { host: options.host, port: options.port } as never);
  app.decorate('tls', tls !== null);
  let listening: Listening;
  try {
    listening = await listen(app, { host: options.host, port: options.port });
  } catch (err) {
    await app.close();
    throw err;
  }
  logger.info({ url: listening.url, bound: listening.bound, siteKeyId: site.cipher.keyId }, `kiosk hub at ${listening.url}`);
  return { app, listening, close: () => listening.close() };
}
