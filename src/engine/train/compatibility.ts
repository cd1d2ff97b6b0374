/** What a set and a config must agree on before a trainer is built (memory: memory/step_estimate.ts). */
import type { DistillConfig } from '../config/config.ts';
import { IGNORE_INDEX, type DistillSet } from '../types.ts';

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
  if (!hasLabelledPosition(set)) {
    if (config.distill_positions === 'labelled') {
      throw new Error("distill_positions 'labelled' but the set has no labelled position (every label is -100): nothing would be distilled; use distill_positions 'all'");
    }
    if (config.alpha_hard > 0 && config.alpha_kd === 0 && config.alpha_mse === 0 && config.alpha_cos === 0) {
      throw new Error('alpha_hard is the only loss but the set has no labelled position (every label is -100): nothing to learn from');
    }
  }
}

/** A position with a label: a given label other than −100 (what the batcher weighs), or (clm without labels) a next token. */
function hasLabelledPosition(set: DistillSet): boolean {
  const { labels, attentionMask: mask } = set;
  if (set.task === 'classification') return labels !== undefined;
  if (labels) return labels.some((y) => y !== IGNORE_INDEX);
  if (set.task !== 'clm') return false;
  for (let i = 0; i + 1 < mask.length; i++) if (mask[i] === 1 && mask[i + 1] === 1 && (i + 1) % set.seqLen !== 0) return true;
  return false;
}

/** One example's logits: `positions` rows (L, or 1 for classification) of `width` (V, or C classes). */
export function logitsRow(set: Pick<DistillSet, 'task' | 'numClasses' | 'seqLen' | 'vocabSize'>): { positions: number; width: number } {
  return set.task === 'classification'
    ? { positions: 1, width: set.numClasses ?? 1 }
    : { positions: set.seqLen, width: set.vocabSize };
}
