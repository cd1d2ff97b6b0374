/** Shared by the divergence tests: runs a divergence on probability rows and reads the [P] result. */
import * as tf from '@tensorflow/tfjs';
import { values } from '../testing.ts';
import type { DivergenceFn, DivergenceParams } from './types.ts';

export const PARAMS: DivergenceParams = { skew_alpha: 0.1, jsd_beta: 0.5 };

/** D(p ‖ q) per row, from probability rows p and q (log taken here; p = 0 gives log p = −∞). */
export function divergenceOf(fn: DivergenceFn, p: number[][], q: number[][], params: Partial<DivergenceParams> = {}): Promise<number[]> {
  return values(() => fn(tf.log(tf.tensor2d(p)), tf.log(tf.tensor2d(q)), { ...PARAMS, ...params }));
}

/** The hand-worked pair of the divergence tests: p = [0.5, 0.5] (teacher), q = [0.9, 0.1] (student). */
export const P = [[0.5, 0.5]];
export const Q = [[0.9, 0.1]];
