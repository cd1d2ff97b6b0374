/**
 * One report window's StepRecords from the values read back in one transfer: `data` holds, per step, the
 * loss vector [total, ...LOSS_NAMES] and the gradient norm (LOSS_SLOTS.length + 1 floats). Time is the
 * window's wall time shared equally by its steps (the values are read back asynchronously, once per window).
 */
import type { LossName } from '../losses/names.ts';
import type { StepRecord } from '../trainer_types.ts';
import { LOSS_SLOTS } from './objective.ts';

export interface PendingStep {
  step: number;
  lr: number;
  /** Non-pad input tokens of the step's batch. */
  tokens: number;
}

export function stepRecords(window: readonly PendingStep[], data: Float32Array, windowMs: number, terms: readonly LossName[]): StepRecord[] {
  const msPerStep = windowMs / window.length;
  const width = LOSS_SLOTS.length + 1;
  return window.map((p, i) => {
    const row = data.subarray(i * width, (i + 1) * width);
    const record: StepRecord = {
      step: p.step,
      total: row[0],
      lr: p.lr,
      grad_norm: row[LOSS_SLOTS.length],
      ms_per_step: msPerStep,
      tokens_per_s: msPerStep > 0 ? (p.tokens * 1000) / msPerStep : 0,
    };
    LOSS_SLOTS.forEach((slot, j) => {
      if (slot !== 'total' && terms.includes(slot)) record[slot] = row[j];
    });
    return record;
  });
}
