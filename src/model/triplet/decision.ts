/**
 * Whether a freshly trained head may replace the pretrained descriptor at the kiosk: only when
 * held-out validation measured it at least as good on every figure, including what it does to
 * strangers (people it never trained on). Pure: reads the training metadata, returns a verdict.
 */
import { guardFailures, type GuardFailure } from './fold-eval.ts';
import type { ValidationFigures } from './metrics.ts';
import type { TripletHeadMetadata } from './train.ts';

export interface HeadDecision {
  activate: boolean;
  /** One sentence for the operator. */
  reason: string;
  /** Identity head (= pretrained descriptor) and kept head on held-out faces, mean over folds. */
  pretrained: ValidationFigures | null;
  head: ValidationFigures | null;
  failures: GuardFailure[];
}

const pct = (v: number | null | undefined): string => (v === null || v === undefined ? '–' : `${(v * 100).toFixed(1)}%`);

/** "rank-1 A vs B, open-set TAR@FAR1% C vs D, FAR at equal TAR E vs F" (head first). */
export function compareFigures(head: ValidationFigures | null, pretrained: ValidationFigures | null): string {
  if (!head || !pretrained) return 'no held-out figures';
  const parts = [`rank-1: ${pct(head.rank1)} vs ${pct(pretrained.rank1)}`];
  const o = head.openSet;
  const b = pretrained.openSet;
  if (o && b) {
    parts.push(`open-set TAR@FAR${pct(head.far)}: ${pct(o.tarAtFar)} vs ${pct(b.tarAtFar)}`);
    parts.push(`stranger FAR at equal TAR (${pct(b.targetTar)}): ${pct(o.farAtTar)} vs ${pct(b.farAtTar)}`);
    if (o.atThreshold && b.atThreshold) parts.push(`at threshold ${o.atThreshold.threshold}: TAR ${pct(o.atThreshold.tar)} vs ${pct(b.atThreshold.tar)}, FAR ${pct(o.atThreshold.far)} vs ${pct(b.atThreshold.far)}`);
  }
  return parts.join(', ');
}

export function decideActivation(m: TripletHeadMetadata): HeadDecision {
  const pretrained = m.validation.baseline;
  const base = { pretrained, head: m.validation.best, failures: [] as GuardFailure[] };
  if (!pretrained) {
    return { ...base, activate: false, reason: 'not activated: there were no held-out faces to validate on (validationFraction 0, or too few photos per person)' };
  }
  if (!pretrained.openSet) {
    return { ...base, activate: false, reason: 'not activated: no person could be held out as a stranger (needs 3 or more people), so what the head does to unknown faces was not measured' };
  }
  if (m.bestEpoch === 0) {
    const refused = m.validation.refused;
    const why = refused
      ? `; its best trained epoch (${refused.epoch}) had ${compareFigures(refused.figures, pretrained)} (head vs pretrained) and was refused for: ${refused.failures.map((f) => f.text).join('; ')}`
      : `; the trained epochs never improved the monitored figure (${m.validation.monitor})`;
    return { ...base, activate: false, reason: `not activated: no trained epoch was at least as good as the pretrained descriptor on held-out faces${why}` };
  }
  const failures = guardFailures(m.validation.best ?? pretrained, pretrained);
  if (failures.length > 0) {
    return { ...base, failures, activate: false, reason: `not activated: on held-out faces the head is worse than the pretrained descriptor on ${failures.map((f) => f.text).join('; ')}` };
  }
  return { ...base, activate: true, reason: `activated: on held-out faces (head vs pretrained) ${compareFigures(m.validation.best, pretrained)}` };
}
