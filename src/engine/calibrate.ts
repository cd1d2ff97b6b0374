import * as tf from '@tensorflow/tfjs';
import type { CalibrationRecord, ConcreteBackend } from './backend_rule.ts';
import type { DistillConfig } from './config/config.ts';
import { mergeConfig } from './config/merge.ts';
import { createTrainer } from './trainer.ts';
import type { DistillSet } from './types.ts';

export interface CalibrationOptions {
  /** Untimed steps first: kernel compilation (WebGPU shaders), wasm JIT, first allocations. */
  warmupSteps?: number;
  /** Steps timed after the warm-up; their mean is the ms/step. */
  timedSteps?: number;
}

/** Timed steps per backend by default: the median of three ignores one slow step, and is short next to a run. */
export const CALIBRATION_STEPS = 3;

/**
 * Times the real student on the real set on the *current* tfjs backend: a throwaway trainer runs
 * `warmupSteps` untimed steps, then `timedSteps` steps timed one by one (each `step(1)` ends with a read-back,
 * so the device work is inside its time); the median is the ms/step. No evaluation runs. The trainer is disposed before returning, and the
 * tensor count is back where it was. A failure (e.g. out of memory) is returned as `error`, not thrown.
 */
export async function calibrateStudent(
  set: DistillSet,
  config: Readonly<DistillConfig>,
  options: CalibrationOptions = {},
): Promise<CalibrationRecord> {
  const warmupSteps = options.warmupSteps ?? 1;
  const timedSteps = options.timedSteps ?? CALIBRATION_STEPS;
  const name = tf.getBackend() as ConcreteBackend;
  // Enough steps that the run does not end inside the calibration; evaluation off (it is not step time).
  const probeConfig = mergeConfig(config, { steps: Math.max(config.steps, warmupSteps + timedSteps), eval_every: 0 });
  let trainer: Awaited<ReturnType<typeof createTrainer>> | null = null;
  try {
    trainer = await createTrainer(set, probeConfig);
    const t0 = performance.now();
    if (warmupSteps > 0) await trainer.step(warmupSteps);
    const warmupMs = performance.now() - t0;
    const times: number[] = [];
    for (let i = 0; i < timedSteps; i++) {
      const t = performance.now();
      await trainer.step(1);
      times.push(performance.now() - t);
    }
    return { name, ms_per_step: median(times), warmup_ms: warmupMs, steps: timedSteps, step_ms: times };
  } catch (err) {
    return { name, steps: timedSteps, error: (err instanceof Error ? err.message : String(err)).split('\n')[0] };
  } finally {
    trainer?.dispose();
  }
}

/** The middle value (mean of the two middle ones for an even count): one slow step (a GC pause) does not count. */
function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
