import type { DivergenceFn } from './types.ts';
import { klFromLogs } from './kl.ts';
import { logMix } from '../log_math.ts';

/**
 * Skew KL (DistiLLM, Ko et al. 2024): SKL_α(p ‖ q) = KL(p ‖ α·p + (1 − α)·q), α = skew_alpha.
 * α = 0 is forward KL; the α·p share bounds the log-ratio by log(1/α) where q → 0. The mixture is taken in log
 * space (logAddExp) for stability.
 */
export const skewKl: DivergenceFn = (logP, logQ, { skew_alpha }) =>
  klFromLogs(logP, logMix(logP, logQ, skew_alpha), true);
