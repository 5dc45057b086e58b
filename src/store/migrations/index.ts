/**
 * Ordered schema migrations. `version` is what `PRAGMA user_version` holds after the migration ran;
 * versions must run 1..n with no gaps. Never edit a shipped migration: append a new one.
 */
import { m001Initial } from './001-initial.ts';
import { m002Admin } from './002-admin.ts';
import { m003Privacy } from './003-privacy.ts';
import { m004FaceCrops } from './004-face-crops.ts';
import { m005NetworkAuth } from './005-network-auth.ts';
import { m006Durability } from './006-durability.ts';
import { m007Shifts } from './007-shifts.ts';
import { m008Evidence } from './008-evidence.ts';
import { m009Sync } from './009-sync.ts';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const migrations: readonly Migration[] = [
  m001Initial, m002Admin, m003Privacy, m004FaceCrops, m005NetworkAuth, m006Durability, m007Shifts, m008Evidence, m009Sync,
];
