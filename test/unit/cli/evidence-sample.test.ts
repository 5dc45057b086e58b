import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { addEvidenceSample } from '../../../src/cli/pipeline/evidence-sample.ts';
import { encodeCropJpeg } from '../../../src/model/align/crop-jpeg.ts';
import { imageOptionsSchema } from '../../../src/model/options.ts';
import { openStore } from '../../../src/store/store.ts';
import type { RgbImage } from '../../../src/model/decode.ts';
import { tempDir } from '../store/helpers.ts';

const IMAGE = imageOptionsSchema.parse({});

async function crop(): Promise<Buffer> {
  const pixels = Buffer.alloc(112 * 112 * 3);
  for (let i = 0; i < pixels.length; i++) pixels[i] = (i * 13) % 241;
  return encodeCropJpeg({ width: 112, height: 112, pixels });
}

/** A strict fake embedder: records what it was given, returns a fixed unit descriptor. */
function fakeTarget(out: Float32Array | null) {
  const seen: RgbImage[] = [];
  let closed = 0;
  return {
    seen,
    closed: () => closed,
    open: async () => ({
      kind: 'arcface' as const,
      version: 'arc-test',
      embed: async (crops: readonly RgbImage[]) => {
        seen.push(...crops);
        return out === null ? [] : [out];
      },
      close: async () => void closed++,
    }),
  };
}

describe('add an evidence photo to the person\'s samples', () => {
  test('decodes the stored crop, embeds it, stores the descriptor with the crop, and reloads the gallery', async (t) => {
    const tmp = tempDir();
    t.after(tmp.cleanup);
    const store = openStore({ dataDir: tmp.dir });
    t.after(() => store.close());
    const lan = store.people.upsert({ name: 'Lan' }).person.id;
    const jpeg = await crop();
    const target = fakeTarget(new Float32Array(512).fill(1 / Math.sqrt(512)));
    let reloaded = 0;
    const r = await addEvidenceSample({ store, openTarget: target.open, image: IMAGE, onAdded: () => void reloaded++ }, lan, jpeg, 'punch:7', 'admin:lan');
    assert.deepEqual(r, { added: 1 });
    assert.deepEqual(target.seen.map((c) => [c.width, c.height]), [[112, 112]], 'the aligned crop goes in as is');
    assert.equal(target.closed(), 1);
    assert.equal(reloaded, 1);
    assert.equal(store.people.countSamples({ personId: lan, kind: 'arcface', modelVersion: 'arc-test' }), 1);
    assert.deepEqual(store.people.crops.get(lan, 'punch:7'), jpeg);
    assert.ok(store.audit.list({ limit: 10 }).some((a) => a.action === 'samples.add' && a.actor === 'admin:lan'));
    const again = await addEvidenceSample({ store, openTarget: target.open, image: IMAGE, onAdded: () => void reloaded++ }, lan, jpeg, 'punch:7', 'admin:lan');
    assert.deepEqual(again, { added: 0 }, 'the same photo twice is one sample');
    assert.equal(reloaded, 1);
  });

  test('a model that returns nothing is a one-line error, and the embedder is closed', async (t) => {
    const tmp = tempDir();
    t.after(tmp.cleanup);
    const store = openStore({ dataDir: tmp.dir });
    t.after(() => store.close());
    const lan = store.people.upsert({ name: 'Lan' }).person.id;
    const target = fakeTarget(null);
    await assert.rejects(addEvidenceSample({ store, openTarget: target.open, image: IMAGE, onAdded: () => assert.fail('nothing was added') }, lan, await crop(), 'punch:8', 'admin:lan'), /returned no descriptor/);
    assert.equal(target.closed(), 1);
    assert.equal(store.people.countSamples({ personId: lan }), 0);
  });
});
