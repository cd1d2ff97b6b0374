/** Losses of the distillation objective. Every function is tidy-safe; the loss functions are differentiable. */
export type { TeacherBatch, DenseTeacherBatch, TopKTeacherBatch } from './teacher.ts';
export { topKTeacherBatch, teacherTensors } from './teacher.ts';
export { teacherTail, log1mexp } from './teacher_tail.ts';
export { alignTopK, TAIL_MASS_FLOOR, type AlignedDistributions, type StudentTopK } from './align.ts';
export { DIVERGENCES, DIVERGENCE_TERMS, type DivergenceFn, type DivergenceParams, type DivergenceDef } from './divergences/index.ts';
export { studentStats, type StudentStats, type StatsNeeds, type KdOptions } from './stats.ts';
export { kdPerPosition } from './kd.ts';
export { hardPerPosition } from './hard.ts';
export { cosinePerPosition, createHiddenProjection, COSINE_EPS } from './cosine.ts';
export { msePerPosition } from './mse.ts';
export { computeLosses, weightedTerms, LOSS_TERMS, type LossInputs, type LossConfig, type LossOutputs, type TermValues } from './combine.ts';
export { LOSS_NAMES, LOSS_WEIGHT_KEYS, DIVERGENCE_NAMES, type LossName, type LossWeightKey, type DivergenceName } from './names.ts';
export { gatherRows } from './gather.ts';
export { weightedMean } from './weighted_mean.ts';
export { logAddExp, logMix, LOG_PROB_FLOOR } from './log_math.ts';
