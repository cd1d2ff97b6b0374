/**
 * out [P, W] = x ⊙ factor[:, None] + scatterND(indices, updates, [P, W]) (duplicate indices summed): the
 * top-k head's chunk gradient, the tail's softmax term plus the gathered ids' terms (head/gathered.ts). On wasm
 * one pass (patches/wasm_gemm.ts's DistillScaleRowsScatterAdd, its rows split over the GEMM's threads); elsewhere
 * tf.mul + tf.scatterND + tf.add. For gradient code: no gradient of its own.
 */
import * as tf from '@tensorflow/tfjs';
import type { Tensor1D, Tensor2D } from '@tensorflow/tfjs';
import { patchInstalled } from '../patches/index.ts';
import { SCALE_ROWS_SCATTER_ADD } from '../patches/wasm_gemm.ts';

export function scaleRowsScatterAdd(x /* [P, W] */: Tensor2D, factor /* [P] */: Tensor1D, indices /* [N, 2] int32 */: Tensor2D, updates /* [N] */: Tensor1D): Tensor2D {
  if (tf.getBackend() === 'wasm' && patchInstalled('gemm')) {
    return tf.engine().runKernel(SCALE_ROWS_SCATTER_ADD, { x, factor, indices, updates }) as Tensor2D;
  }
  return tf.add(tf.mul(x, tf.reshape(factor, [-1, 1])), tf.scatterND(indices, updates, x.shape)) as Tensor2D;
}
