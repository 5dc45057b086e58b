/**
 * `kiosk reembed`: compute the configured descriptor for every enrollment photo from its stored
 * aligned crop, then switch the gallery to the new set (audited). Safe to interrupt and re-run.
 */
import { OnnxTemplateModel } from '../model/descriptors/onnx-template.ts';
import { resolveOnnxOptions } from '../model/descriptors/onnx-options.ts';
import type { DescriptorOptions } from '../model/options.ts';
import type { CliContext } from './context.ts';
import { progressBar } from './progress.ts';
import { checkReembeddable, reembedGallery, type ReembedResult, type ReembedTarget } from './pipeline/reembed.ts';
import { cliActor } from '../ops/cli-actor.ts';

/** The configured arcface model as a re-embedding target; `close` releases its session. */
export async function arcfaceTarget(descriptor: DescriptorOptions): Promise<ReembedTarget & { close(): Promise<void> }> {
  checkReembeddable(descriptor.kind);
  const model = await OnnxTemplateModel.load(resolveOnnxOptions(descriptor.onnx));
  return {
    kind: model.kind,
    version: model.version,
    options: JSON.stringify(descriptor),
    embed: (crops) => model.embed(crops, descriptor.flipAverage),
    close: () => model.close(),
  };
}

export async function runReembed(ctx: CliContext): Promise<ReembedResult & { version: string }> {
  const target = await arcfaceTarget(ctx.config.model.descriptor);
  const store = ctx.store();
  let bar: ReturnType<typeof progressBar> | null = null;
  try {
    const result = await reembedGallery({
      store,
      target,
      image: ctx.config.model.image,
      actor: cliActor(),
      clock: Date.now,
      logger: ctx.log,
      onProgress: (done, total) => {
        bar ??= progressBar(total, 're-embedding');
        bar.update(done);
      },
    });
    return { ...result, version: target.version };
  } finally {
    (bar as ReturnType<typeof progressBar> | null)?.stop();
    await target.close();
  }
}

export function formatReembed(r: ReembedResult & { version: string }): string {
  const lines = [
    r.alreadyActive
      ? `the gallery already uses ${r.version}: nothing to re-embed`
      : `re-embedded ${r.embedded} photos into ${r.version}; ${r.activated ? 'the new set is now active (audited)' : 'the old set stays active until every photo is done (run again)'}`,
  ];
  for (const f of r.failed) lines.push(`  failed: person ${f.personId}, ${f.sourceKey}: ${f.error}`);
  if (r.needReenrollment.length > 0) {
    lines.push(`${r.needReenrollment.length} people have no stored face crop (enrolled before crops were kept) and must enroll again: ${r.needReenrollment.map((p) => `${p.name} (#${p.id})`).join(', ')}`);
  }
  return lines.join('\n');
}
