/** A hub on a throwaway PostgreSQL database, listening on 127.0.0.1 (HTTPS with a fresh self-signed certificate when asked). */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { buildHubApp } from '../../src/hub/app.ts';
import { createPool, migrateHub, type Pool } from '../../src/hub/db.ts';
import { hubOptionsSchema, type HubOptions } from '../../src/hub/options.ts';
import { loadTls } from '../../src/server/tls.ts';
import { DescriptorCipher } from '../../src/store/crypto.ts';
import { openStore, type Store } from '../../src/store/store.ts';
import type { SyncClock } from '../../src/store/sql-functions.ts';

export interface TestHub {
  url: string;
  app: FastifyInstance;
  pool: Pool;
  siteKey: DescriptorCipher;
  fingerprint: string | null;
  close(): Promise<void>;
}

export async function startTestHub(postgresUrl: string, opts: { tls?: boolean; clock?: () => number; config?: Partial<HubOptions>; uiDir?: string } = {}): Promise<TestHub> {
  const config = hubOptionsSchema.parse({ postgresUrl, poolSize: 4, ...opts.config });
  const pool = createPool(config);
  await migrateHub(pool);
  const keyBytes = randomBytes(32);
  const siteKey = new DescriptorCipher(keyBytes);
  const dir = mkdtempSync(join(tmpdir(), 'kiosk-hub-'));
  const tls = opts.tls === true ? await loadTls({ host: '127.0.0.1', allowedHosts: [], tls: { onLoopback: true, selfSignedDays: 2 } }, dir) : null;
  const app = buildHubApp({ pool, siteKey, siteKeyBytes: keyBytes, config, ...(opts.uiDir === undefined ? {} : { uiDir: opts.uiDir }), ...(opts.clock === undefined ? {} : { clock: opts.clock }), ...(tls === null ? {} : { tls: { key: tls.key, cert: tls.cert } }) });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  return {
    url: `${tls === null ? 'http' : 'https'}://127.0.0.1:${port}`,
    app,
    pool,
    siteKey,
    fingerprint: tls?.fingerprint256 ?? null,
    close: async () => {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface TestKiosk {
  dir: string;
  store: Store;
  close(): void;
}

/** A kiosk's store in its own temp data directory (as `kiosk serve` opens it). */
export function testKiosk(syncClock?: SyncClock, clock?: () => number): TestKiosk {
  const dir = mkdtempSync(join(tmpdir(), 'kiosk-k-'));
  const store = openStore({ dataDir: dir, dbFile: 'kiosk.db', cooldownMs: 0 }, { ...(syncClock === undefined ? {} : { syncClock }), ...(clock === undefined ? {} : { clock }) });
  return {
    dir,
    store,
    close: () => {
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A settable sync clock: wall, monotonic and boot id move only when the test says. */
export function fakeSyncClock(wall = Date.now(), mono = 60_000, boot = 'boot-a'): SyncClock & { advance(ms: number): void; setWall(ms: number): void; reboot(id: string): void } {
  let w = wall;
  let m = mono;
  let b = boot;
  return {
    wallMs: () => w,
    monoMs: () => m,
    bootId: () => b,
    advance: (ms) => {
      w += ms;
      m += ms;
    },
    setWall: (ms) => {
      w = ms;
    },
    reboot: (id) => {
      b = id;
      m = 5_000;
    },
  };
}

/** A deterministic unit descriptor of `dim` floats. */
export function descriptor(dim: number, seed: number): Float32Array {
  const v = new Float32Array(dim);
  let n = 0;
  for (let i = 0; i < dim; i++) {
    v[i] = Math.sin(seed * 7.1 + i * 1.3);
    n += v[i]! * v[i]!;
  }
  for (let i = 0; i < dim; i++) v[i]! /= Math.sqrt(n);
  return v;
}
