import type { DivergenceFn } from './types.ts';
import { klFromLogs } from './kl.ts';

/** Reverse KL(q ‖ p) = Σ q (log q − log p): mode-seeking (MiniLLM, GKD's β → 1 end). */
export const rkl: DivergenceFn = (logP, logQ) => klFromLogs(logQ, logP);
