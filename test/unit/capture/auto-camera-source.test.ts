import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AutoCameraSource } from '../../../src/capture/auto-camera-source.ts';
import { captureOptions } from '../../../src/capture/options.ts';
import type { StateChange } from '../../../src/capture/types.ts';

test('without a camera the auto source reports lost, keeps looking with backoff, and stops cleanly', async () => {
  let looks = 0;
  const source = new AutoCameraSource(captureOptions({ backoffMinMs: 20, backoffMaxMs: 40 }), {
    auto: { listDevices: () => { looks++; return []; }, probe: async () => false },
  });
  const states: StateChange[] = [];
  source.on('state', (c) => states.push(c));
  const frames: unknown[] = [];
  const reading = (async () => {
    for await (const f of source) frames.push(f);
  })();
  await new Promise((r) => setTimeout(r, 200));
  assert.ok(looks >= 3, `looked ${looks} times`);
  assert.equal(source.state, 'lost');
  assert.match(states[0]?.reason ?? '', /no \/dev\/video\* devices found; looking again/);
  await source.stop();
  await reading;
  assert.equal(frames.length, 0);
  assert.equal(source.state, 'ended');
});
