import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { FrameAssembler } from '../../../src/capture/frame-assembler.ts';

/** `count` frames of `size` bytes where every byte of frame i is i+1 and the stream is continuous. */
function stream(size: number, count: number): Buffer {
  const buf = Buffer.alloc(size * count);
  for (let i = 0; i < count; i++) buf.fill(i + 1, i * size, (i + 1) * size);
  return buf;
}

function chunked(buf: Buffer, sizes: number[]): Buffer[] {
  const out: Buffer[] = [];
  let off = 0;
  let k = 0;
  while (off < buf.length) {
    const n = sizes[k++ % sizes.length] as number;
    out.push(buf.subarray(off, off + n));
    off += n;
  }
  return out;
}

describe('FrameAssembler', () => {
  for (const sizes of [[1], [7], [12], [13], [5, 31, 2], [100], [36]]) {
    test(`reassembles exact frames from chunks of ${sizes.join('/')} bytes`, () => {
      const size = 12;
      const asm = new FrameAssembler(size);
      const frames: Buffer[] = [];
      for (const chunk of chunked(stream(size, 5), sizes)) {
        asm.push(chunk);
        for (let f = asm.next(); f; f = asm.next()) frames.push(f);
      }
      assert.equal(frames.length, 5);
      frames.forEach((f, i) => {
        assert.equal(f.length, size);
        assert.ok(f.every((b) => b === i + 1), `frame ${i} has the bytes of frame ${i}`);
      });
      assert.equal(asm.bufferedBytes, 0);
      assert.equal(asm.partialBytes, 0);
    });
  }

  test('a frame inside one chunk is a view, not a copy; a frame across chunks is copied', () => {
    const asm = new FrameAssembler(4);
    const chunk = Buffer.from([1, 1, 1, 1, 2, 2]);
    asm.push(chunk);
    const first = asm.next();
    assert.ok(first);
    chunk[0] = 9;
    assert.equal(first[0], 9, 'the view shares memory with the chunk');
    const tail = Buffer.from([2, 2]);
    asm.push(tail);
    const second = asm.next();
    assert.ok(second);
    chunk[4] = 7;
    tail[1] = 7;
    assert.deepEqual([...second], [2, 2, 2, 2], 'a frame built across chunks owns its bytes');
  });

  test('skip() drops a whole frame and the next frame is intact', () => {
    const asm = new FrameAssembler(3);
    for (const chunk of chunked(stream(3, 3), [2])) asm.push(chunk);
    assert.equal(asm.completeFrames, 3);
    assert.equal(asm.skip(), true);
    assert.equal(asm.skip(), true);
    assert.deepEqual([...(asm.next() ?? [])], [3, 3, 3]);
    assert.equal(asm.skip(), false);
  });

  test('reports the bytes of an incomplete trailing frame and reset() forgets them', () => {
    const asm = new FrameAssembler(10);
    asm.push(Buffer.alloc(25));
    assert.equal(asm.completeFrames, 2);
    assert.equal(asm.partialBytes, 5);
    asm.next();
    asm.next();
    assert.equal(asm.next(), null);
    assert.equal(asm.partialBytes, 5);
    asm.reset();
    assert.equal(asm.bufferedBytes, 0);
  });

  test('rejects a non-positive frame size', () => {
    assert.throws(() => new FrameAssembler(0), RangeError);
  });
});
