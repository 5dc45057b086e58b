import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { generationOptions, planGallery } from '../../../src/cli/pipeline/gallery-plan.ts';
import { descriptorOptionsSchema, type DescriptorOptions } from '../../../src/model/options.ts';
import type { GalleryGeneration } from '../../../src/store/gallery-generations.ts';

const ARCFACE_B = descriptorOptionsSchema.parse({ kind: 'arcface', onnx: { modelPath: '/models/b.onnx' } });
const ARCFACE_A = descriptorOptionsSchema.parse({ kind: 'arcface', onnx: { modelPath: '/models/a.onnx', mean: 127.5, std: 127.5, channelOrder: 'bgr' } });
const VERSION_A = 'onnx:a.onnx:sha256=aaaa:bgr(x-127.5)/127.5';
const VERSION_B = 'onnx:b.onnx:sha256=bbbb:rgb(x-127)/128';
const FUSED_VERSION = 'human-3.3.6+face-api-1.7.15';

function generation(kind: string, modelVersion: string, options = ''): GalleryGeneration {
  return { kind, modelVersion, options, activatedAt: options === '' ? 0 : 1_700_000_000_000, actor: options === '' ? '' : 'cli' };
}

describe('generationOptions', () => {
  test('a generation from before options were recorded: its kind with the configured rest, flip-averaged (the old default)', () => {
    const o = generationOptions(generation('fused', FUSED_VERSION), ARCFACE_B);
    assert.deepEqual(o, { ...ARCFACE_B, kind: 'fused', flipAverage: true });
  });

  test('recorded options are used as recorded, not the configured ones', () => {
    assert.deepEqual(generationOptions(generation('arcface', VERSION_A, JSON.stringify(ARCFACE_A)), ARCFACE_B), ARCFACE_A);
  });

  const unusable: { name: string; options: string }[] = [
    { name: 'not JSON', options: '{kind: arcface' },
    { name: 'an unknown kind', options: JSON.stringify({ ...ARCFACE_A, kind: 'insightface-r100' }) },
    { name: 'an unknown key (schema is strict)', options: JSON.stringify({ ...ARCFACE_A, extra: 1 }) },
    { name: 'an out-of-range value', options: JSON.stringify({ ...ARCFACE_A, onnx: { ...ARCFACE_A.onnx, std: -1 } }) },
    { name: 'JSON that is not an object', options: '42' },
  ];
  for (const { name, options } of unusable) {
    test(`recorded options that are ${name} give null`, () => {
      assert.equal(generationOptions(generation('arcface', VERSION_A, options), ARCFACE_B), null);
    });
  }
});

describe('planGallery', () => {
  const cases: {
    name: string;
    active: GalleryGeneration | null;
    configured: DescriptorOptions;
    version: string;
    missing: number;
    serve: DescriptorOptions;
    reembed: boolean;
    adopt: boolean;
    reason: RegExp;
  }[] = [
    { name: 'no gallery yet: adopt the configured descriptor', active: null, configured: ARCFACE_B, version: VERSION_B, missing: 0, serve: ARCFACE_B, reembed: false, adopt: true, reason: /adopted/ },
    { name: 'the active set is the configured one', active: generation('arcface', VERSION_B, JSON.stringify(ARCFACE_B)), configured: ARCFACE_B, version: VERSION_B, missing: 0, serve: ARCFACE_B, reembed: false, adopt: false, reason: /matches/ },
    { name: 'same set, but photos enrolled since lack it: fill them in', active: generation('arcface', VERSION_B, JSON.stringify(ARCFACE_B)), configured: ARCFACE_B, version: VERSION_B, missing: 3, serve: ARCFACE_B, reembed: true, adopt: false, reason: /3 photos lack/ },
    { name: 'legacy fused gallery, arcface configured: serve fused as it was made (flip-averaged) and re-embed', active: generation('fused', FUSED_VERSION), configured: ARCFACE_B, version: VERSION_B, missing: 12, serve: { ...ARCFACE_B, kind: 'fused', flipAverage: true }, reembed: true, adopt: false, reason: /serving the active fused set/ },
    { name: 'arcface file A active, file B configured: serve A with its recorded options and re-embed', active: generation('arcface', VERSION_A, JSON.stringify(ARCFACE_A)), configured: ARCFACE_B, version: VERSION_B, missing: 12, serve: ARCFACE_A, reembed: true, adopt: false, reason: /serving the active arcface set/ },
    { name: 'the same file under another normalisation is another version: re-embed', active: generation('arcface', VERSION_B.replace('(x-127)', '(x-127.5)'), JSON.stringify({ ...ARCFACE_B, onnx: { ...ARCFACE_B.onnx, mean: 127.5 } })), configured: ARCFACE_B, version: VERSION_B, missing: 12, serve: { ...ARCFACE_B, onnx: { ...ARCFACE_B.onnx, mean: 127.5 } }, reembed: true, adopt: false, reason: /serving the active/ },
    { name: 'active options not JSON: serve the configured model and re-embed', active: generation('arcface', VERSION_A, 'not json'), configured: ARCFACE_B, version: VERSION_B, missing: 12, serve: ARCFACE_B, reembed: true, adopt: false, reason: /unknown/ },
    { name: 'active options of an unknown shape: serve the configured model and re-embed', active: generation('arcface', VERSION_A, JSON.stringify({ kind: 'magic' })), configured: ARCFACE_B, version: VERSION_B, missing: 12, serve: ARCFACE_B, reembed: true, adopt: false, reason: /unknown/ },
    { name: 'faceres configured over a fused gallery: cannot re-embed, serve configured', active: generation('fused', FUSED_VERSION), configured: descriptorOptionsSchema.parse({ kind: 'faceres' }), version: '', missing: 0, serve: descriptorOptionsSchema.parse({ kind: 'faceres' }), reembed: false, adopt: false, reason: /cannot be re-embedded/ },
    { name: 'fused configured over an arcface gallery: cannot re-embed, serve configured', active: generation('arcface', VERSION_B, JSON.stringify(ARCFACE_B)), configured: descriptorOptionsSchema.parse({ kind: 'fused' }), version: '', missing: 0, serve: descriptorOptionsSchema.parse({ kind: 'fused' }), reembed: false, adopt: false, reason: /must enroll again/ },
  ];
  for (const c of cases) {
    test(c.name, () => {
      const plan = planGallery(c.active, c.configured, c.version, c.missing);
      assert.deepEqual({ serve: plan.serve, reembed: plan.reembed, adopt: plan.adopt }, { serve: c.serve, reembed: c.reembed, adopt: c.adopt });
      assert.match(plan.reason, c.reason);
    });
  }
});
