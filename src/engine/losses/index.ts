/** Losses of the distillation objective. Every function is tidy-safe; the loss functions are differentiable. */
export type { TeacherBatch, DenseTeacherBatch, TopKTeacherBatch } from './teacher.ts';
export { alignDistributions, TAIL_MASS_FLOOR, type AlignedDistributions } from './align.ts';
export { DIVERGENCES, klFromLogs, type DivergenceFn, type DivergenceParams } from './divergences/index.ts';
export { kdLoss, type KdOptions } from './kd.ts';
export { hardLoss } from './hard.ts';
export { cosineLoss, createHiddenProjection, COSINE_EPS } from './cosine.ts';
export { mseLoss } from './mse.ts';
export { computeLosses, LOSS_TERMS, type LossInputs, type LossConfig, type LossName, type LossOutputs } from './combine.ts';
export { gatherRows } from './gather.ts';
export { weightedMean } from './weighted_mean.ts';
export { LOSS_NAMES, LOSS_WEIGHT_KEYS, DIVERGENCE_NAMES, type DivergenceName, type LossWeightKey } from './names.ts';
export { logAddExp, logMix, logOneMinusExp, LOG_PROB_FLOOR } from './log_math.ts';
