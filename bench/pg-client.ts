/**
 * `npm run bench -- pg-client`: the hub's batch-insert path (ON CONFLICT (id) DO NOTHING RETURNING id,
 * arrays unnested server-side) with `pg` and with `postgres`, side by side on a temporary cluster.
 * This is the measurement the hub's choice of client rests on (see README, "Hub").
 */
import { v7 as uuidv7 } from 'uuid';
import pg from 'pg';
import postgres from 'postgres';
import { startPostgres } from '../test/helpers/postgres.ts';

const SQL = `INSERT INTO bench_punches (id, kiosk_id, ts, payload)
  SELECT * FROM unnest($1::uuid[], $2::text[], $3::bigint[], $4::jsonb[])
  ON CONFLICT (id) DO NOTHING RETURNING id`;

interface Batch { ids: string[]; kiosks: string[]; ts: string[]; payloads: string[] }

function batches(n: number, size: number): Batch[] {
  const out: Batch[] = [];
  for (let b = 0; b < n; b++) {
    const batch: Batch = { ids: [], kiosks: [], ts: [], payloads: [] };
    for (let i = 0; i < size; i++) {
      batch.ids.push(uuidv7());
      batch.kiosks.push(`kiosk-${b % 20}`);
      batch.ts.push(String(Date.now()));
      batch.payloads.push(JSON.stringify({ personUid: uuidv7(), similarity: 0.71, evidence: { votes: 5 } }));
    }
    out.push(batch);
  }
  return out;
}

export async function benchPgClient(rounds = 3, batchCount = 100, batchSize = 200): Promise<{ pg: number; postgres: number }> {
  const cluster = await startPostgres();
  try {
    const url = await cluster.createDatabase('bench');
    const pool = new pg.Pool({ connectionString: url, max: 4 });
    const sql = postgres(url, { max: 4, onnotice: () => undefined });
    await pool.query('CREATE TABLE bench_punches (id uuid PRIMARY KEY, kiosk_id text NOT NULL, ts bigint NOT NULL, payload jsonb NOT NULL)');
    const rates: { pg: number[]; postgres: number[] } = { pg: [], postgres: [] };
    const runs: Record<'pg' | 'postgres', (b: Batch) => Promise<number>> = {
      pg: async (b) => (await pool.query(SQL, [b.ids, b.kiosks, b.ts, b.payloads])).rowCount ?? 0,
      postgres: async (b) => (await sql.unsafe(SQL, [b.ids, b.kiosks, b.ts, b.payloads] as never[], { prepare: true })).length,
    };
    for (let r = 0; r < rounds; r++) {
      for (const name of ['pg', 'postgres'] as const) {
        const data = batches(batchCount, batchSize);
        const t0 = performance.now();
        // Four kiosks' pushes in flight at once, like the hub under load.
        let next = 0;
        let inserted = 0;
        await Promise.all(Array.from({ length: 4 }, async () => {
          while (next < data.length) {
            const n = await runs[name](data[next++] as Batch);
            inserted += n;
          }
        }));
        // Replaying the same batches must insert nothing (the idempotent path).
        for (const b of data.slice(0, 10)) if ((await runs[name](b)) !== 0) throw new Error(`${name}: a replayed batch inserted rows`);
        const s = (performance.now() - t0) / 1000;
        if (inserted !== batchCount * batchSize) throw new Error(`${name}: inserted ${inserted}, expected ${batchCount * batchSize}`);
        rates[name].push(inserted / s);
      }
    }
    await pool.end();
    await sql.end();
    const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
    const result = { pg: median(rates.pg), postgres: median(rates.postgres) };
    console.log(`\n## PostgreSQL client, batch insert (${batchCount}×${batchSize} rows, 4 in flight, median of ${rounds})\n`);
    console.log('| client | rows/s |\n|---|---|');
    console.log(`| pg | ${Math.round(result.pg)} |\n| postgres | ${Math.round(result.postgres)} |`);
    return result;
  } finally {
    cluster.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchPgClient();
