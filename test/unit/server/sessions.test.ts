/**
 * A full or read-only disk must not lock administrators out of reading: checking a session reads,
 * and renewing it is a write the request can do without.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { SessionManager } from '../../../src/server/auth/sessions.ts';
import { AdminRepo } from '../../../src/store/admin-repo.ts';
import { openStore } from '../../../src/store/store.ts';
import { fakeClock, tempDir } from '../store/helpers.ts';

const TIMES = { idleMs: 60_000, maxMs: 3_600_000 };

describe('sessions on a database that refuses writes', () => {
  test('a live session still validates (not renewed); an expired one is still refused', (t) => {
    const tmp = tempDir();
    const clock = fakeClock();
    const store = openStore({ dataDir: tmp.dir }, { clock: clock.now });
    t.after(() => {
      store.close();
      tmp.cleanup();
    });
    const admins = new AdminRepo(store.db, { clock: clock.now });
    const admin = admins.create('quản trị', 'scrypt$not-used-here', 'setup');
    const sessions = new SessionManager(admins, TIMES, clock.now);
    const { token } = sessions.create(admin.id);

    store.db.pragma('query_only = ON');
    clock.advance(30_000);
    assert.equal(sessions.validate(token)?.adminId, admin.id, 'reads go on');
    clock.advance(40_000);
    assert.equal(sessions.validate(token), null, 'the renewal was not written, so the idle deadline still holds');

    store.db.pragma('query_only = OFF');
    const again = sessions.create(admin.id);
    clock.advance(30_000);
    assert.equal(sessions.validate(again.token)?.adminId, admin.id);
    clock.advance(40_000);
    assert.equal(sessions.validate(again.token)?.adminId, admin.id, 'with writes back, use renews the session');
  });
});
