import type { Tensor1D, Tensor2D } from '@tensorflow/tfjs';
import type { DistillConfig } from '../../config/config.ts';

/** The knobs a divergence may read: skew_alpha (skew_kl, skew_rkl) and jsd_beta (jsd). */
export type DivergenceParams = Pick<DistillConfig, 'skew_alpha' | 'jsd_beta'>;

/**
 * One divergence D(p ‖ q) written per outcome, from log-probabilities over a common support (both already
 * floored at LOG_PROB_FLOOR):
 *   f [P, M]  the terms of D: Σ_m f[p, m] = D(p ‖ q)_p
 *   g [P, M]  ∂D/∂log q_m, with log p fixed and log q taken as free coordinates
 * The chain rule through log q = log_softmax(s / T) then gives ∂D/∂s_m = (g_m − q_m·Σ_m' g_m') / T, which the
 * chunked dense head (head/dense.ts) evaluates one vocabulary chunk at a time; rowDivergence (row.ts) wraps the
 * same terms as a differentiable op on small tensors. One definition serves both.
 */
export interface DivergenceTerms {
  f: Tensor2D;
  g: Tensor2D;
}

export type DivergenceDef = (logP: Tensor2D, logQ: Tensor2D, params: DivergenceParams) => DivergenceTerms;

/**
 * A divergence per position: logP [P, M] the teacher (a constant), logQ [P, M] the student (differentiable)
 * → [P] in nats.
 */
export type DivergenceFn = (logP: Tensor2D, logQ: Tensor2D, params: DivergenceParams) => Tensor1D;
