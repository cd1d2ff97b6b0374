/** What a set and a config must agree on before a trainer is built (memory: memory/step_estimate.ts). */
import type { DistillConfig } from '../config/config.ts';
import type { DistillSet } from '../types.ts';

/** Refuses configs the data cannot serve, with the reason in one line. */
export function checkCompatible(set: DistillSet, config: Readonly<DistillConfig>): void {
  if (set.seqLen > config.max_len) {
    throw new Error(`the set's sequence length ${set.seqLen} exceeds max_len ${config.max_len}: raise max_len`);
  }
  const hasLabels = set.labels !== undefined || set.task === 'clm';
  if (config.alpha_hard > 0 && !hasLabels) throw new Error('alpha_hard > 0 needs labels, and this set has none');
  if (config.alpha_cos > 0 && !set.teacherHidden) {
    throw new Error('alpha_cos > 0 needs teacher_hidden, and this set has none');
  }
  if (config.distill_positions === 'labelled' && !hasLabels) {
    throw new Error("distill_positions 'labelled' needs labels, and this set has none");
  }
  if (set.n < 2) throw new Error(`the set has ${set.n} example(s); at least 2 are needed (train + held-out)`);
}

/** One example's logits: `positions` rows (L, or 1 for classification) of `width` (V, or C classes). */
export function logitsRow(set: Pick<DistillSet, 'task' | 'numClasses' | 'seqLen' | 'vocabSize'>): { positions: number; width: number } {
  return set.task === 'classification'
    ? { positions: 1, width: set.numClasses ?? 1 }
    : { positions: set.seqLen, width: set.vocabSize };
}
