import type { Tensor1D, Tensor2D } from '@tensorflow/tfjs';
import type { DistillConfig } from '../../config/config.ts';

/** The knobs a divergence may read: skew_alpha (skew_kl, skew_rkl) and jsd_beta (jsd). */
export type DivergenceParams = Pick<DistillConfig, 'skew_alpha' | 'jsd_beta'>;

/**
 * A divergence D(p ‖ q) per position, from log-probabilities over a common support (see ../align.ts):
 * logP [P, M] the teacher (constant), logQ [P, M] the student (differentiable). Returns [P] in nats.
 */
export type DivergenceFn = (logP: Tensor2D, logQ: Tensor2D, params: DivergenceParams) => Tensor1D;
