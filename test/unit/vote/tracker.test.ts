import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import type { Box } from '../../../src/model/types.ts';
import { trackerOptionsSchema } from '../../../src/vote/options.ts';
import { Tracker, centreDistance, iou, type TrackerConfig } from '../../../src/vote/tracker.ts';

const FRAME_MS = 100;
const config = (over: Partial<TrackerConfig> = {}): TrackerConfig => ({ ...trackerOptionsSchema.parse({}), maxTracks: 16, ...over });
const box = (x: number, y: number, size: number): Box => ({ x, y, width: size, height: size });

describe('iou / centreDistance', () => {
  const cases: Array<[string, Box, Box, number, number]> = [
    ['identical', box(0, 0, 10), box(0, 0, 10), 1, 0],
    ['half shifted', box(0, 0, 10), box(5, 0, 10), 50 / 150, 0.5],
    ['disjoint', box(0, 0, 10), box(30, 0, 10), 0, 3],
    ['different sizes, same centre', box(0, 0, 20), box(5, 5, 10), 100 / 400, 0],
  ];
  for (const [name, a, b, expIou, expDist] of cases) {
    test(name, () => {
      assert.ok(Math.abs(iou(a, b) - expIou) < 1e-12, `iou ${iou(a, b)}`);
      assert.ok(Math.abs(centreDistance(a, b) - expDist) < 1e-12, `distance ${centreDistance(a, b)}`);
    });
  }
});

describe('Tracker', () => {
  const motion: Array<[string, number, boolean]> = [
    ['slow move (IoU link)', 20, true],
    ['fast move (centre-distance fallback)', 55, true],
    ['jump beyond maxCentreDistance', 150, false],
  ];
  for (const [name, step, continuous] of motion) {
    test(`moving box: ${name}`, () => {
      const t = new Tracker(config());
      const ids = new Set<number>();
      let started = 0;
      for (let i = 0; i < 10; i++) {
        const u = t.update(i, i * FRAME_MS, [box(i * step, 100, 100)]);
        started += u.started.length;
        const id = u.assignments[0];
        assert.ok(typeof id === 'number', `frame ${i} got a track`);
        ids.add(id);
      }
      assert.equal(ids.size, continuous ? 1 : 10);
      assert.equal(started, ids.size);
    });
  }

  test('fallback refuses a big change of scale', () => {
    const t = new Tracker(config());
    const a = t.update(0, 0, [box(100, 100, 100)]).assignments[0];
    // Same centre, half the size: IoU 0.25 < minIou, scale ratio 2 > maxScaleChange.
    const b = t.update(1, FRAME_MS, [box(125, 125, 50)]).assignments[0];
    assert.notEqual(a, b);
  });

  test('two faces crossing keep their ids', () => {
    const t = new Tracker(config());
    const frames = 30;
    const near = (i: number): Box => box(10 + 12 * i, 100, 120); // walks right, close to the camera
    const far = (i: number): Box => box(380 - 12 * i, 140, 80); // walks left behind, overlapping near at mid-way
    let overlapped = false;
    let nearId: number | null = null;
    let farId: number | null = null;
    for (let i = 0; i < frames; i++) {
      overlapped ||= iou(near(i), far(i)) > 0.1;
      // Alternate detection order so identity cannot come from the order of the input.
      const flip = i % 2 === 1;
      const u = t.update(i, i * FRAME_MS, flip ? [far(i), near(i)] : [near(i), far(i)]);
      const [n, f] = flip ? [u.assignments[1], u.assignments[0]] : [u.assignments[0], u.assignments[1]];
      nearId ??= n ?? null;
      farId ??= f ?? null;
      assert.equal(n, nearId, `near face at frame ${i}`);
      assert.equal(f, farId, `far face at frame ${i}`);
    }
    assert.ok(overlapped, 'the fixture must actually make the faces overlap');
    assert.notEqual(nearId, farId);
  });

  test('a track ends only after maxMissedMs without a match', () => {
    const t = new Tracker(config({ maxMissedMs: 800 }));
    let id: number | null | undefined;
    for (let i = 0; i <= 3; i++) id = t.update(i, i * FRAME_MS, [box(100, 100, 100)]).assignments[0];
    assert.ok(typeof id === 'number', 'the face got a track');
    // Last seen at 300: still alive after the frame at 1100 (missed exactly 800); the frame at 1200
    // misses it for longer, so it ends once that frame is processed (the loop's tick right after it).
    assert.deepEqual(t.update(11, 1100, []).ended, []);
    assert.deepEqual(t.expire(1100), []);
    assert.deepEqual(t.ids(), [id]);
    assert.deepEqual(t.update(12, 1200, []).ended, []);
    assert.deepEqual(t.expire(1200), [id]);
    assert.equal(t.size, 0);
    // The same face coming back is a new, higher id.
    const back = t.update(13, 1300, [box(100, 100, 100)]);
    assert.deepEqual(back.started, [id + 1]);
    assert.deepEqual(back.assignments, [id + 1]);
  });

  test('a coasting track is picked up again within maxMissedMs', () => {
    const t = new Tracker(config({ maxMissedMs: 800 }));
    const a = t.update(0, 0, [box(100, 100, 100)]).assignments[0];
    t.update(1, 100, []);
    const u = t.update(7, 700, [box(110, 100, 100)]);
    assert.deepEqual(u.assignments, [a]);
    assert.deepEqual(u.started, []);
    assert.equal(t.get(a ?? -1)?.hits, 2);
  });

  test('expire(now) ends tracks without a frame (stalledMs 0: the time since last seen alone)', () => {
    const t = new Tracker(config({ maxMissedMs: 500, stalledMs: 0 }));
    const [a, b] = t.update(0, 0, [box(0, 0, 50), box(300, 0, 50)]).assignments;
    t.update(1, 400, [box(0, 0, 50)]);
    assert.deepEqual(t.expire(600), [b]);
    assert.deepEqual(t.expire(900), []);
    assert.deepEqual(t.expire(901), [a]);
  });

  test('a slow loop is not a face leaving: only processed frames miss a track, or a stall of stalledMs', () => {
    const t = new Tracker(config({ maxMissedMs: 500, stalledMs: 2000 }));
    const [a, b] = t.update(0, 0, [box(0, 0, 50), box(300, 0, 50)]).assignments;
    t.update(1, 400, [box(0, 0, 50)]);
    assert.deepEqual(t.expire(600), [], 'the frames looked at have missed b for 400 ms only');
    assert.deepEqual(t.update(2, 600, [box(0, 0, 50)]).ended, []);
    assert.deepEqual(t.expire(600), [b], 'once processed, the frame 600 ms after b was last seen has missed it');
    assert.deepEqual(t.expire(2600), [], 'no frame since a was seen at 600: not yet stalled');
    assert.deepEqual(t.expire(2601), [a], 'stalled for more than stalledMs');
  });

  test('stalledMs below maxMissedMs never ends a track sooner than maxMissedMs', () => {
    const t = new Tracker(config({ maxMissedMs: 800, stalledMs: 100 }));
    const [a] = t.update(0, 0, [box(0, 0, 50)]).assignments;
    assert.deepEqual(t.expire(800), []);
    assert.deepEqual(t.expire(801), [a]);
  });

  test('started and ended are set differences over one update', () => {
    const t = new Tracker(config({ maxMissedMs: 200 }));
    const first = t.update(0, 0, [box(0, 0, 50), box(300, 0, 50)]);
    assert.deepEqual(first.started, [1, 2]);
    // A frame without them at 250 has missed both for longer than 200 ms.
    assert.deepEqual(t.update(1, 250, []).ended, []);
    const second = t.update(2, 300, [box(0, 0, 50), box(600, 300, 50)]);
    assert.deepEqual(second.ended, [1, 2]);
    assert.deepEqual(second.started, [3, 4]);
    const third = t.update(3, 400, [box(600, 300, 50), box(2, 0, 50)]);
    assert.deepEqual(third.assignments, [4, 3]);
    assert.deepEqual(third.started, []);
    assert.deepEqual(third.ended, []);
  });

  test('maxTracks bounds the live tracks; invalid boxes get no track', () => {
    const t = new Tracker(config({ maxTracks: 2 }));
    const u = t.update(0, 0, [box(0, 0, 50), { x: Number.NaN, y: 0, width: 50, height: 50 }, box(200, 0, 50), box(400, 0, 50), box(600, 0, 0)]);
    assert.deepEqual(u.assignments, [1, null, 2, null, null]);
    assert.equal(t.size, 2);
  });

  test('each detection gets at most one track and each track at most one detection', () => {
    const t = new Tracker(config());
    t.update(0, 0, [box(100, 100, 100)]);
    const u = t.update(1, 100, [box(105, 100, 100), box(110, 100, 100)]);
    assert.equal(new Set(u.assignments).size, 2);
    assert.equal(u.assignments[0], 1);
    assert.deepEqual(u.started, [2]);
  });
});
