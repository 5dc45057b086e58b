/**
 * "Add this photo to the person's samples" with the real arcface model: a stored 112×112 crop
 * (here: a photo of the data set cut to the crop's size, sealed in the store like a punch's
 * evidence photo) is decrypted, embedded by the vendored ONNX model and stored as a 512-d sample.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import sharp from 'sharp';
import { addEvidenceSample } from '../../../src/cli/pipeline/evidence-sample.ts';
import { arcfaceTarget } from '../../../src/cli/reembed.ts';
import { descriptorOptionsSchema, imageOptionsSchema } from '../../../src/model/options.ts';
import { openStore } from '../../../src/store/store.ts';
import { datasetOrSkip } from '../../helpers/dataset.ts';
import { tempDir } from '../../unit/store/helpers.ts';

const data = datasetOrSkip();

describe('add an evidence photo to the samples, real arcface model', { skip: data.skip }, () => {
  test('the sealed crop of a punch becomes a unit 512-d arcface sample of that person, with its crop kept', async (t) => {
    const tmp = tempDir();
    t.after(tmp.cleanup);
    const store = openStore({ dataDir: tmp.dir });
    t.after(() => store.close());
    const chipu = store.people.upsert({ name: 'chipu' }).person.id;
    const r = store.attendance.record({ personId: chipu, ts: Date.now(), kioskId: 'k', similarity: 0.7, evidence: {} }, 0);
    assert.ok(r.logged);
    const jpeg = await sharp(join(data.dir ?? '', 'chipu', '001.jpg')).resize(112, 112, { fit: 'cover' }).jpeg({ quality: 95 }).toBuffer();
    store.people.evidence.put({ kind: 'punch', id: r.punchId }, jpeg, Date.now());
    const stored = store.people.evidence.get({ kind: 'punch', id: r.punchId });
    assert.ok(stored !== null);
    const descriptor = descriptorOptionsSchema.parse({});
    let reloaded = 0;
    const added = await addEvidenceSample(
      { store, openTarget: () => arcfaceTarget(descriptor), image: imageOptionsSchema.parse({}), onAdded: () => void reloaded++ },
      chipu, stored, `punch:${r.punchId}`, 'admin:test',
    );
    assert.deepEqual(added, { added: 1 });
    assert.equal(reloaded, 1);
    const gallery = store.people.loadGallery('arcface');
    assert.equal(gallery.dim, 512);
    assert.deepEqual(gallery.people.map((p) => p.id), [chipu]);
    const norm = Math.hypot(...gallery.descriptors);
    assert.ok(Math.abs(norm - 1) < 1e-3, `unit descriptor (norm ${norm})`);
    assert.deepEqual(store.people.crops.get(chipu, `punch:${r.punchId}`), jpeg);
  });
});
