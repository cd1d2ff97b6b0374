import * as tf from '@tensorflow/tfjs';
import type { Tensor1D } from '@tensorflow/tfjs';
import type { StudentStats } from './stats.ts';

/**
 * Cross-entropy against hard labels at T = 1, per position: ce_p = log Σ_v exp(s_p,v) − s_p,label_p, from the
 * head statistics (the label logit gathered, the log-sum-exp over the vocabulary chunk by chunk). The objective
 * averages it over labelled positions (label ≠ −100); elsewhere its value is meaningless and weighted 0.
 */
export function hardPerPosition(stats: StudentStats): Tensor1D {
  if (!stats.lse || !stats.labelLogit) throw new Error('hardPerPosition: the head statistics lack the label terms');
  return tf.sub(stats.lse, stats.labelLogit);
}
