/** Remaining time of a run from its recent speed (mean ms_per_step of the last records). */
import type { StepRecord } from '../engine/trainer_types.ts';

export function etaSeconds(history: readonly StepRecord[], step: number, totalSteps: number, window = 5): number | null {
  if (history.length === 0 || totalSteps <= step) return totalSteps <= step ? 0 : null;
  const recent = history.slice(-window);
  const msPerStep = recent.reduce((a, r) => a + r.ms_per_step, 0) / recent.length;
  if (!Number.isFinite(msPerStep) || msPerStep <= 0) return null;
  return ((totalSteps - step) * msPerStep) / 1000;
}
