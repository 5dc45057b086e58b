import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { LatestSlot } from '../../../src/capture/latest-slot.ts';

describe('LatestSlot', () => {
  test('a new item replaces an unread one and counts the drop', async () => {
    const dropped: number[] = [];
    const slot = new LatestSlot<number>({ onDrop: (d) => dropped.push(d) });
    assert.equal(slot.put(1), false);
    assert.equal(slot.put(2), true);
    assert.equal(slot.put(3), true);
    assert.equal(slot.size, 1);
    assert.equal(slot.dropped, 2);
    assert.deepEqual(dropped, [1, 2]);
    assert.equal(await slot.next(), 3);
    assert.equal(slot.size, 0);
    assert.equal(slot.put(4), false, 'after a take there is room again');
    assert.equal(slot.dropped, 2);
  });

  test('a waiting consumer gets the item directly, nothing is held or dropped', async () => {
    let takes = 0;
    const slot = new LatestSlot<string>({ onTake: () => takes++ });
    const pending = slot.next();
    assert.equal(slot.waiting, 1);
    assert.equal(slot.put('a'), false);
    assert.equal(slot.size, 0);
    assert.equal(await pending, 'a');
    assert.equal(takes, 1);
    assert.equal(slot.dropped, 0);
  });

  test('close() resolves every waiter with null', async () => {
    const slot = new LatestSlot<number>();
    const a = slot.next();
    const b = slot.next();
    slot.close();
    assert.deepEqual(await Promise.all([a, b]), [null, null]);
    assert.equal(await slot.next(), null);
    assert.equal(slot.put(1), false, 'put after close is ignored');
    assert.equal(slot.size, 0);
  });

  test('an item put before close() is still delivered, unless discarded', async () => {
    const keep = new LatestSlot<number>();
    keep.put(7);
    keep.close();
    assert.equal(await keep.next(), 7);
    assert.equal(await keep.next(), null);

    const discard = new LatestSlot<number>();
    discard.put(7);
    discard.close({ discard: true });
    assert.equal(await discard.next(), null);
  });

  test('tryTake() does not wait', () => {
    const slot = new LatestSlot<number>();
    assert.equal(slot.tryTake(), undefined);
    slot.put(5);
    assert.equal(slot.tryTake(), 5);
    assert.equal(slot.tryTake(), undefined);
  });

  test('synthetic 30 fps producer, consumer 6× slower: slot stays at one item and drops add up', async () => {
    // Deterministic interleaving: the consumer takes one item per 6 produced (200 ms vs 33 ms).
    const slot = new LatestSlot<{ seq: number; pixels: Buffer }>();
    const produced = 1800;
    const taken: number[] = [];
    let maxSize = 0;
    for (let seq = 0; seq < produced; seq++) {
      slot.put({ seq, pixels: Buffer.alloc(16) });
      maxSize = Math.max(maxSize, slot.size);
      if (seq % 6 === 5) {
        const item = await slot.next();
        assert.ok(item);
        taken.push(item.seq);
      }
    }
    slot.close();
    const last = await slot.next();
    if (last) taken.push(last.seq);
    assert.equal(maxSize, 1);
    assert.equal(taken.length, produced / 6);
    assert.equal(slot.dropped, produced - taken.length);
    // The consumer always gets the newest item at the time it asks.
    assert.deepEqual(taken.slice(0, 3), [5, 11, 17]);
    for (let i = 1; i < taken.length; i++) assert.ok((taken[i] as number) > (taken[i - 1] as number));
  });
});
