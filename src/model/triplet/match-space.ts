/**
 * The head's input space. A head is trained on rows as the matcher compares them: fused rows with
 * their fusion weight applied (stored samples keep the raw concatenation). The weight is recorded
 * in the head's metadata, so the same rows reach it at the kiosk as in training.
 */
import { KioskError } from '../../errors.ts';
import { applyFusionWeight } from '../descriptors/fuse.ts';
import type { DescriptorKind } from '../types.ts';

/** A copy of raw rows (flat, any count) in match space. */
export function toHeadInput(kind: DescriptorKind, raw: Float32Array, fusedWeight: number | null): Float32Array {
  const rows = raw.slice();
  if (kind !== 'fused') return rows;
  if (fusedWeight === null) throw new KioskError('CONFIG_INVALID', 'fused descriptors need a fusion weight', { hint: 'set model.descriptor.fusedWeight' });
  return applyFusionWeight(rows, fusedWeight);
}
