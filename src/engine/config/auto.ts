/**
 * The 'auto' values of a config, resolved when a run starts (the trainer calls resolveAuto), so that the run's
 * config.json and report.json hold the numbers it actually used and a link or a config file can keep 'auto'.
 *
 * eval_every 'auto' = min(50, max(1, ⌈steps / 20⌉)): about 20 held-out points for a run of up to 1,000 steps
 * (a 60-step run is evaluated every 3 steps, not only at its end), and every 50 steps beyond, as before.
 * Each evaluation is a forward pass over at most eval_max_examples examples, so on a short run 20 points cost
 * roughly as much as a fifth to a third of its steps: set eval_every to a number to trade points for speed.
 */
import type { DistillConfig } from './schema.ts';

/** Held-out points an 'auto' cadence aims for. */
export const AUTO_EVAL_POINTS = 20;
/** The longest 'auto' interval (the fixed default before 'auto'). */
export const AUTO_EVAL_MAX_EVERY = 50;

/** The evaluation interval 'auto' gives a run of `steps` steps. */
export function autoEvalEvery(steps: number): number {
  return Math.min(AUTO_EVAL_MAX_EVERY, Math.max(1, Math.ceil(steps / AUTO_EVAL_POINTS)));
}

/** A config whose 'auto' values are resolved to the numbers the run uses. */
export type ResolvedConfig = Omit<DistillConfig, 'eval_every'> & { eval_every: number };

/** The config with every 'auto' number resolved (the same object's values otherwise), frozen. */
export function resolveAuto(config: Readonly<DistillConfig>): Readonly<ResolvedConfig> {
  const evalEvery = config.eval_every === 'auto' ? autoEvalEvery(config.steps) : config.eval_every;
  return Object.freeze({ ...config, eval_every: evalEvery });
}
