/**
 * The names of the objective's terms and of the KD divergences: the one list that the loss registries
 * (combine.ts, divergences/index.ts), the config schema, the step records, the charts and history.csv derive
 * from. No tfjs here: the page's form and charts import it.
 */

/** The terms of total = Σ alpha_i · loss_i, in the order of the trainer's loss vector [total, kd, hard, cos, mse]. */
export const LOSS_NAMES = ['kd', 'hard', 'cos', 'mse'] as const;
export type LossName = (typeof LOSS_NAMES)[number];

/** The config key that weights each term (HF distiller: alpha_ce, alpha_mlm, alpha_cos; alpha_mse). */
export const LOSS_WEIGHT_KEYS = Object.freeze({
  kd: 'alpha_kd',
  hard: 'alpha_hard',
  cos: 'alpha_cos',
  mse: 'alpha_mse',
} as const satisfies Record<LossName, `alpha_${string}`>);
export type LossWeightKey = (typeof LOSS_WEIGHT_KEYS)[LossName];

/** The KD divergences D(teacher ‖ student) the `divergence` key selects (registry: divergences/index.ts). */
export const DIVERGENCE_NAMES = ['kl', 'rkl', 'skew_kl', 'skew_rkl', 'jsd'] as const;
export type DivergenceName = (typeof DIVERGENCE_NAMES)[number];
