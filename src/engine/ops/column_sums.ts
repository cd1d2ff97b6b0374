/**
 * Σ over the rows of a 2-D tensor, x [M, N] → [N]: a bias gradient. On wasm one pass down the rows
 * (patches/wasm_gemm.ts's DistillColumnSums): tfjs-backend-wasm reduces axis 0 by transposing first (≈ 100 ms
 * for the [2048, 8193] LM-head gradient). For gradient code: the kernel has no gradient of its own.
 */
import * as tf from '@tensorflow/tfjs';
import type { Tensor1D, Tensor2D } from '@tensorflow/tfjs';
import { patchInstalled } from '../patches/index.ts';
import { COLUMN_SUMS } from '../patches/wasm_gemm.ts';

export function columnSums(x /* [M, N] */: Tensor2D): Tensor1D /* [N] */ {
  if (x.rank !== 2) throw new Error(`columnSums: expected a 2-D tensor, got shape [${x.shape.join(', ')}]`);
  if (tf.getBackend() !== 'wasm' || !patchInstalled('gemm') || x.dtype !== 'float32') return tf.sum(x, 0);
  return tf.engine().runKernel(COLUMN_SUMS, { x }) as Tensor1D;
}
