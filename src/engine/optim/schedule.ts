import type { Schedule } from '../config/config.ts';

export interface ScheduleParams {
  lr: number; // peak learning rate
  warmupSteps: number;
  totalSteps: number;
  schedule: Schedule;
  minLrRatio: number; // lr at the last step = minLrRatio · lr
}

/**
 * Learning rate for 1-based optimiser step `step`: linear warm-up from lr/warmup to lr over warmupSteps, then
 * constant, linear or cosine decay that would reach minLrRatio·lr one step after totalSteps (as Hugging Face's
 * schedules: the last update still moves the weights).
 */
export function learningRate(step: number, p: ScheduleParams): number {
  if (p.warmupSteps > 0 && step <= p.warmupSteps) return (p.lr * step) / p.warmupSteps;
  if (p.schedule === 'constant') return p.lr;
  const decaySteps = Math.max(1, p.totalSteps - p.warmupSteps);
  const progress = Math.min(1, Math.max(0, (step - 1 - p.warmupSteps) / decaySteps));
  const floor = p.lr * p.minLrRatio;
  const shape = p.schedule === 'cosine' ? 0.5 * (1 + Math.cos(Math.PI * progress)) : 1 - progress;
  return floor + (p.lr - floor) * shape;
}
