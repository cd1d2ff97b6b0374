/**
 * Batched matrix product c[i] = op(a[i]) · op(b[i]) over equal leading batch axes (attention's [B, H, L, ·]
 * products), op = transpose of the last two axes when its flag is set. tf.matMul on every backend; on wasm it
 * needs this engine's GEMM (patches/wasm_gemm.ts: tfjs-backend-wasm's own BatchMatMul runs a batched or
 * transposed product on a scalar loop, ≈ 4× slower for [128, 64, 32] × [128, 32, 64]), and so do its
 * gradients, which tfjs writes with the same flags.
 */
import * as tf from '@tensorflow/tfjs';
import type { Tensor } from '@tensorflow/tfjs';
import { requirePatch } from '../patches/index.ts';

/** a [..., M, K] (or [..., K, M] with transposeA) @ b [..., K, N] (or [..., N, K]) → [..., M, N]. */
export function batchMatMul(a: Tensor, b: Tensor, transposeA = false, transposeB = false): Tensor {
  if (a.rank >= 3 && (a.rank !== b.rank || a.shape.slice(0, -2).some((d, i) => d !== b.shape[i]))) {
    throw new Error(`batchMatMul: equal batch axes expected, got [${a.shape.join(', ')}] and [${b.shape.join(', ')}]`);
  }
  if (tf.getBackend() === 'wasm') requirePatch('gemm');
  return tf.matMul(a, b, transposeA, transposeB);
}
