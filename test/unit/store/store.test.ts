import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { openStore } from '../../../src/store/store.ts';
import { tempDir } from './helpers.ts';

test('openStore opens dataDir/dbFile and wires the repositories to one database', (t) => {
  const tmp = tempDir();
  t.after(tmp.cleanup);
  const dataDir = join(tmp.dir, 'data');
  const store = openStore({ dataDir, dbFile: 'k.db', cooldownMs: 1000, kioskId: 'gate-2' }, { clock: () => 42 });
  const { person } = store.people.upsert({ name: 'Vy' }, 'admin');
  assert.ok(store.attendance.record({ personId: person.id, ts: 10_000, kioskId: 'gate-2', similarity: 0.8, evidence: {} }).logged);
  // The configured cooldown (1 s) applies by default.
  assert.equal(store.attendance.record({ personId: person.id, ts: 10_500, kioskId: 'gate-2', similarity: 0.8, evidence: {} }).logged, false);
  assert.equal(store.attendance.record({ personId: person.id, ts: 11_000, kioskId: 'gate-2', similarity: 0.8, evidence: {} }).logged, true);
  const { punchId } = store.attendance.addManual(person.id, 20_000, 'admin', 'forgot');
  assert.equal(store.attendance.get(punchId)?.kioskId, 'gate-2');
  // Newest first; the injected clock stamps every entry.
  assert.deepEqual(
    store.audit.list().map((a) => [a.action, a.ts]),
    [
      ['punch.manual', 42],
      ['person.create', 42],
    ],
  );
  store.close();
  assert.ok(existsSync(join(dataDir, 'k.db')));
});
