import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { VENDORED_FACE_MODEL } from '../../../src/model/descriptors/onnx-options.ts';

const dir = join(import.meta.dirname, '..', '..', '..', 'models', 'fr-feature');

test('the vendored face model is the file its provenance names, with its licence beside it', () => {
  const provenance = readFileSync(join(dir, 'PROVENANCE.md'), 'utf8');
  const recorded = /SHA-256 \| `([0-9a-f]{64})`/.exec(provenance)?.[1];
  assert.ok(recorded, 'PROVENANCE.md records a SHA-256');
  const actual = createHash('sha256').update(readFileSync(VENDORED_FACE_MODEL)).digest('hex');
  assert.equal(actual, recorded);
  assert.equal(actual, '87aacdfe57510db2af90c0251df680e8eec88f122ee94712121d09bcaaaf3581');
  assert.match(provenance, /faceplugin-face-recognition-js@0\.0\.1/);
  assert.match(provenance, /model\/fr_feature\.onnx/);
  assert.match(readFileSync(join(dir, 'LICENSE'), 'utf8'), /^MIT License/);
});
