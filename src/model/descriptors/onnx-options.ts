/** The arcface descriptor's options with the model path resolved (empty = the vendored model). */
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { OnnxDescriptorOptions } from '../options.ts';
import type { OnnxTemplateOptions } from './onnx-template.ts';

/** The model file that ships in the repository (see models/fr-feature/PROVENANCE.md). */
export const VENDORED_FACE_MODEL = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'models', 'fr-feature', 'fr_feature.onnx');

export function resolveOnnxOptions(o: OnnxDescriptorOptions): OnnxTemplateOptions {
  return {
    modelPath: o.modelPath === '' ? VENDORED_FACE_MODEL : resolve(o.modelPath),
    mean: o.mean,
    std: o.std,
    channelOrder: o.channelOrder,
    threads: o.threads,
    executionProvider: o.executionProvider,
  };
}
