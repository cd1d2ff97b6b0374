import type { DivergenceFn } from './types.ts';
import { klFromLogs } from './kl.ts';
import { logMix } from '../log_math.ts';

/**
 * Skew reverse KL (DistiLLM, Ko et al. 2024): SRKL_α(p ‖ q) = KL(q ‖ (1 − α)·p + α·q), α = skew_alpha.
 * α = 0 is reverse KL. Mixture taken in log space.
 */
export const skewRkl: DivergenceFn = (logP, logQ, { skew_alpha }) =>
  klFromLogs(logQ, logMix(logP, logQ, 1 - skew_alpha));
