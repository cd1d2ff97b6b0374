/** What a set and a config must agree on before a trainer is built, and how big one step's logits are. */
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
  const logitsBytes = estimateLogitsBytes(set, config);
  if (logitsBytes > MAX_STEP_LOGITS_BYTES) {
    throw new Error(
      `one step would hold about ${(logitsBytes / 2 ** 30).toFixed(1)} GiB of logits (batch ${config.batch_size} × ` +
        `${set.task === 'classification' ? 1 : set.seqLen} positions × ${set.vocabSize} vocabulary × 4 copies); ` +
        `lower batch_size (limit ${MAX_STEP_LOGITS_BYTES / 2 ** 30} GiB)`,
    );
  }
}

/** Largest logits working set a step may need: bigger ones exhaust a browser tab or GPU long before step 1. */
export const MAX_STEP_LOGITS_BYTES = 2 * 2 ** 30;

/**
 * Bytes of the step's vocabulary-sized tensors: logits, their softmax / log-softmax, and their gradient —
 * about 4 float32 copies of [B·L, V] (B·C for classification). The dominant memory cost for large vocabularies.
 */
export function estimateLogitsBytes(set: DistillSet, config: Readonly<Pick<DistillConfig, 'batch_size'>>): number {
  return 4 * 4 * stepLogitsFloats(set, config);
}

/** One example's logits: `positions` rows (L, or 1 for classification) of `width` (V, or C classes). */
export function logitsRow(set: DistillSet): { positions: number; width: number } {
  return set.task === 'classification'
    ? { positions: 1, width: set.numClasses ?? 1 }
    : { positions: set.seqLen, width: set.vocabSize };
}

/** Floats in one step's logits: [B·L, V] for token tasks, [B, C] for classification. */
export function stepLogitsFloats(set: DistillSet, config: Readonly<Pick<DistillConfig, 'batch_size'>>): number {
  const { positions, width } = logitsRow(set);
  return config.batch_size * positions * width;
}
