import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { z } from 'zod';
import { serverOptionsSchema } from '../../../src/server/options.ts';
import { defaultRuntimeSettings, runtimeSettingsSchema } from '../../../src/server/settings.ts';

describe('server options', () => {
  test('defaults: port 8080, Vietnamese, snapshots off, no PIN hash', () => {
    const o = serverOptionsSchema.parse({});
    assert.equal(o.port, 8080);
    assert.equal(o.language, 'vi');
    assert.equal(o.snapshotsEnabled, false);
    assert.equal(o.kioskPinHash, undefined);
    assert.equal(o.timeZone, Intl.DateTimeFormat().resolvedOptions().timeZone);
  });

  test('every key is described (the README table is generated from the descriptions)', () => {
    const shape = serverOptionsSchema.shape as Record<string, z.ZodType>;
    for (const [key, schema] of Object.entries(shape)) assert.ok((schema.description ?? '').length > 10, key);
  });

  test('rejects unknown keys, bad zones, bad languages and malformed PIN hashes', () => {
    for (const bad of [{ prot: 1 }, { timeZone: 'Mars/Base' }, { language: 'fr' }, { kioskPinHash: '1234' }, { previewMaxFps: 0 }]) {
      assert.equal(serverOptionsSchema.safeParse(bad).success, false, JSON.stringify(bad));
    }
  });

  test('runtime settings defaults validate against their own schema', () => {
    assert.deepEqual(runtimeSettingsSchema.parse(defaultRuntimeSettings), defaultRuntimeSettings);
    assert.equal(runtimeSettingsSchema.safeParse({ ...defaultRuntimeSettings, windowMs: 999 }).success, false);
  });
});
