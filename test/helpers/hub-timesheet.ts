/**
 * A hub on a temp PostgreSQL, its clock fixed at noon of 2026-03-11 (Asia/Ho_Chi_Minh), holding the
 * people, shift and punches of the hub timesheet tests, written straight into PostgreSQL as the sync
 * API leaves them:
 * - An (day shift 08:00–17:00) checks in at door-1 (hq) on 2026-03-10 at 08:02 and out at yard-1
 *   (warehouse) at 17:05, that second punch under an alias uid yard-1 made for him; a later punch at
 *   18:30 was voided.
 * - Bình (no shift) punches at yard-1 whose clock was an hour ahead: wall 09:00 and 18:00, the hub's
 *   corrected times 08:00 and 17:00.
 * - Cường (day shift) punches at door-1 on 03-10 (07:55, 17:00) and is in on 03-11 since 08:10.
 * - Dũng (day shift) never punched; Giang was erased (her punch at door-1 stays in the log).
 */
import { randomUUID } from 'node:crypto';
import { HubAdminsRepo } from '../../src/hub/admins-repo.ts';
import { hashSecret } from '../../src/server/auth/password.ts';
import { localWallTime } from '../../src/store/zoned-time.ts';
import { HUB_ADMIN, HUB_TZ } from './hub-admin.ts';
import { startTestHub, type TestHub } from './hub.ts';
import type { TempPostgres } from './postgres.ts';

export const SHEET_DAY = '2026-03-10';
export const NEXT_DAY = '2026-03-11';
const HOUR_MINUTES = 60;

/** ms since the epoch of HH:MM (minutes since midnight) on `day` in the hub's zone. */
export const at = (day: string, hour: number, minute = 0): number => localWallTime(day, hour * HOUR_MINUTES + minute, HUB_TZ);

export const NOW = at(NEXT_DAY, 12);

export const PEOPLE = {
  an: { uid: randomUUID(), name: 'An', code: 'E01' },
  binh: { uid: randomUUID(), name: 'Bình', code: 'E02' },
  cuong: { uid: randomUUID(), name: 'Cường', code: 'E03' },
  dung: { uid: randomUUID(), name: 'Dũng', code: 'E04' },
  giang: { uid: randomUUID(), name: 'Giang', code: null },
} as const;

/** The uid yard-1 made for An before the hub merged it by employee code. */
export const AN_ALIAS = randomUUID();

export interface TimesheetHub {
  hub: TestHub;
  close(): Promise<void>;
}

export async function timesheetHub(pg: TempPostgres, dbName: string, opts: { uiDir?: string } = {}): Promise<TimesheetHub> {
  const hub = await startTestHub(await pg.createDatabase(dbName), { config: { scryptLogN: 10, timeZone: HUB_TZ }, clock: () => NOW, ...opts });
  const q = (sql: string, params: unknown[]): Promise<unknown> => hub.pool.query(sql, params);
  // Known to the hub since the morning of the sheet's day: no empty days before it are listed.
  const created = at(SHEET_DAY, 6);
  for (const [id, site] of [['door-1', 'hq'], ['yard-1', 'warehouse']] as const) {
    await q('INSERT INTO hub_kiosks (id, name, site, created_at) VALUES ($1, $1, $2, $3)', [id, site, created]);
  }
  await q("INSERT INTO hub_shifts (name, start_minute, end_minute, grace_minutes, work_days, rev) VALUES ('Ca ngày', 480, 1020, 5, 127, 1)", []);
  let rev = 1;
  const person = async (p: { uid: string; name: string; code: string | null }, shift: string | null, erasedAt: number | null = null): Promise<void> => {
    await q('INSERT INTO hub_people (uid, name, employee_code, active, shift_name, erased_at, rev, created_at, updated_at) VALUES ($1, $2, $3, true, $4, $5, $6, $7, $7)', [
      p.uid, p.name, p.code, shift, erasedAt, ++rev, created,
    ]);
  };
  await person(PEOPLE.an, 'Ca ngày');
  await person(PEOPLE.binh, null);
  await person(PEOPLE.cuong, 'Ca ngày');
  await person(PEOPLE.dung, 'Ca ngày');
  await person(PEOPLE.giang, null, at(SHEET_DAY, 20));
  await q('INSERT INTO hub_person_aliases (alias, uid) VALUES ($1, $2)', [AN_ALIAS, PEOPLE.an.uid]);

  const punch = async (kiosk: string, uid: string, name: string, ts: number, extra: { correctedTs?: number; voidedAt?: number } = {}): Promise<void> => {
    await q(
      `INSERT INTO hub_punches (id, kiosk_id, person_uid, person_name, ts, received_at, similarity, manual, evidence, clock_trust, corrected_ts, voided_at, void_reason)
       VALUES ($1, $2, $3, $4, $5, $5, 0.8, false, '{}', $6, $7, $8, $9)`,
      [randomUUID(), kiosk, uid, name, ts, extra.correctedTs === undefined ? 'confirmed' : 'skewed', extra.correctedTs ?? null, extra.voidedAt ?? null, extra.voidedAt === undefined ? null : 'wrong person'],
    );
  };
  await punch('door-1', PEOPLE.an.uid, 'An', at(SHEET_DAY, 8, 2));
  await punch('yard-1', AN_ALIAS, 'An', at(SHEET_DAY, 17, 5));
  await punch('door-1', PEOPLE.an.uid, 'An', at(SHEET_DAY, 18, 30), { voidedAt: at(SHEET_DAY, 18, 31) });
  await punch('yard-1', PEOPLE.binh.uid, 'Bình', at(SHEET_DAY, 9), { correctedTs: at(SHEET_DAY, 8) });
  await punch('yard-1', PEOPLE.binh.uid, 'Bình', at(SHEET_DAY, 18), { correctedTs: at(SHEET_DAY, 17) });
  await punch('door-1', PEOPLE.cuong.uid, 'Cường', at(SHEET_DAY, 7, 55));
  await punch('door-1', PEOPLE.cuong.uid, 'Cường', at(SHEET_DAY, 17));
  await punch('door-1', PEOPLE.cuong.uid, 'Cường', at(NEXT_DAY, 8, 10));
  await punch('door-1', PEOPLE.giang.uid, 'Giang', at(SHEET_DAY, 10));

  await new HubAdminsRepo(hub.pool, () => NOW).create(HUB_ADMIN.username, await hashSecret(HUB_ADMIN.password, 10), 'test');
  return { hub, close: () => hub.close() };
}
