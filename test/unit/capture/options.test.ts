import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { captureOptions, captureOptionsSchema } from '../../../src/capture/options.ts';

describe('captureOptionsSchema', () => {
  test('defaults', () => {
    const o = captureOptions();
    assert.equal(o.width, 640);
    assert.equal(o.height, 480);
    assert.equal(o.fps, 15);
    assert.equal(o.stallTimeoutMs, 2000);
    assert.equal(o.backpressure, 'drop');
    assert.equal(o.loop, false);
    assert.ok(o.backoffMinMs <= o.backoffMaxMs);
  });

  test('every key is described', () => {
    for (const [key, schema] of Object.entries(captureOptionsSchema.shape)) {
      assert.ok(schema.description && schema.description.length > 10, `${key} has a description`);
    }
  });

  test('unknown keys and bad values are rejected', () => {
    assert.equal(captureOptionsSchema.safeParse({ widht: 640 }).success, false);
    assert.equal(captureOptionsSchema.safeParse({ fps: 0 }).success, false);
    assert.equal(captureOptionsSchema.safeParse({ inputFormat: 'h264' }).success, false);
    assert.equal(captureOptionsSchema.safeParse({ width: 640.5 }).success, false);
  });
});
