import * as tf from '@tensorflow/tfjs';
import type { DivergenceFn } from './types.ts';
import { klFromLogs } from './kl.ts';
import { logMix } from '../log_math.ts';

/**
 * Generalized Jensen–Shannon divergence (GKD, Agarwal et al. 2024), with p the teacher and q the student:
 *   JSD_β(p ‖ q) = β·KL(p ‖ m) + (1 − β)·KL(q ‖ m),   m = β·p + (1 − β)·q,   β = jsd_beta ∈ (0, 1).
 * This is the paper's D_JSD(β)(P ‖ Q) with P = teacher, and TRL's GKDTrainer (mixture β·teacher + (1−β)·student):
 * as β → 0 its gradient approaches β·(forward KL), as β → 1 (1 − β)·(reverse KL). β = ½ is the symmetric
 * Jensen–Shannon divergence, bounded by ln 2 nats.
 */
export const jsd: DivergenceFn = (logP, logQ, { jsd_beta }) => {
  if (!(jsd_beta > 0 && jsd_beta < 1)) throw new Error(`jsd_beta must be in (0, 1), got ${jsd_beta}`);
  const logM = logMix(logP, logQ, jsd_beta);
  return tf.add(tf.mul(klFromLogs(logP, logM, true), jsd_beta), tf.mul(klFromLogs(logQ, logM), 1 - jsd_beta));
};
