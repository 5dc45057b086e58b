/**
 * The reports' punch queries can use the index made for them (hub migration 4): each query the
 * timesheet source sends is recorded and EXPLAINed with sequential scans priced out, so a change to
 * either the query's time expression or the index shows here rather than as a slow hub in production.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { HubTimesheetSource } from '../../../src/hub/timesheet-source.ts';
import { at, NEXT_DAY, NOW, SHEET_DAY, timesheetHub, type TimesheetHub } from '../../helpers/hub-timesheet.ts';
import { HUB_TZ } from '../../helpers/hub-admin.ts';
import { postgresSkipReason, startPostgres, type TempPostgres } from '../../helpers/postgres.ts';

const skip = postgresSkipReason();
const INDEX = 'hub_punches_effective_ts';

describe('hub report queries and their index', { skip: skip ?? false }, () => {
  let pg: TempPostgres;
  let env: TimesheetHub;
  before(async () => {
    pg = await startPostgres();
    env = await timesheetHub(pg, 'hub_report_index');
  });
  after(async () => {
    await env?.close();
    pg?.stop();
  });

  /** Runs `report` with the pool's queries recorded; returns those reading hub_punches. */
  async function punchQueries(report: (source: HubTimesheetSource) => Promise<unknown>): Promise<{ text: string; values: unknown[] }[]> {
    const pool = env.hub.pool;
    const seen: { text: string; values: unknown[] }[] = [];
    const original = pool.query.bind(pool);
    const recording = (text: string, values?: unknown[]): Promise<unknown> => {
      seen.push({ text, values: values ?? [] });
      return original(text, values);
    };
    pool.query = recording as typeof pool.query;
    try {
      await report(new HubTimesheetSource(pool));
    } finally {
      pool.query = original;
    }
    return seen.filter((q) => /FROM hub_punches/u.test(q.text));
  }

  async function plan(q: { text: string; values: unknown[] }): Promise<string> {
    const client = await env.hub.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SET LOCAL enable_seqscan = off');
      const { rows } = await client.query<{ 'QUERY PLAN': unknown }>(`EXPLAIN (FORMAT JSON) ${q.text}`, q.values);
      return JSON.stringify(rows[0]!['QUERY PLAN']);
    } finally {
      await client.query('ROLLBACK');
      client.release();
    }
  }

  const scope = {};
  const reports: [string, (s: HubTimesheetSource) => Promise<unknown>][] = [
    ['timesheet', (s) => s.timesheet({ fromDay: SHEET_DAY, toDay: NEXT_DAY, timeZone: HUB_TZ, now: NOW, scope })],
    ['board', (s) => s.board({ timeZone: HUB_TZ, now: NOW, scope })],
    ['presence', (s) => s.presence({ day: SHEET_DAY, timeZone: HUB_TZ, now: NOW, scope })],
    ['daily', (s) => s.daily({ from: at(SHEET_DAY, 0), to: at(NEXT_DAY, 0), timeZone: HUB_TZ, scope })],
  ];
  for (const [name, report] of reports) {
    test(`${name} reads punches through ${INDEX}`, async () => {
      const queries = await punchQueries(report);
      assert.ok(queries.length > 0, `${name} read no punches`);
      for (const q of queries) assert.match(await plan(q), new RegExp(INDEX, 'u'), q.text);
    });
  }
});
