/** Where a kiosk stands with the hub, as `kiosk hub kiosks` and the admin page's Kiosks tab show it. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { kioskState, type KioskState } from '../../../src/hub/kiosks-repo.ts';

test('kiosk state: revoked wins, then paired, then whether its code is still valid', () => {
  const cases: [{ revokedAt: number | null; pairedAt: number | null; pairingPending: boolean }, KioskState][] = [
    [{ revokedAt: null, pairedAt: null, pairingPending: true }, 'waiting'],
    [{ revokedAt: null, pairedAt: null, pairingPending: false }, 'code-expired'],
    [{ revokedAt: null, pairedAt: 1, pairingPending: false }, 'paired'],
    // A paired kiosk given a new code (a replaced box) stays paired until the code is used.
    [{ revokedAt: null, pairedAt: 1, pairingPending: true }, 'paired'],
    [{ revokedAt: 2, pairedAt: 1, pairingPending: false }, 'revoked'],
    [{ revokedAt: 2, pairedAt: null, pairingPending: true }, 'revoked'],
  ];
  for (const [k, want] of cases) assert.equal(kioskState(k), want, JSON.stringify(k));
});
