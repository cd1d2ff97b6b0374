/**
 * Affine map x [M, K] @ w [K, N] + b [N], the dense layers' and the LM head's op.
 *
 * On wasm it is one op with its gradients written out:
 *   value  = x·w + b, through the FusedMatMul kernel (the bias added in the same pass)
 *   dx     = dy · wᵀ,  dw = xᵀ · dy      (patches/wasm_gemm.ts takes transposed operands as they are)
 *   db     = Σ_rows dy                   (ops/column_sums.ts: one pass down the rows)
 * Why: tf.add differentiates a broadcast bias with a Sum over axis 0, which wasm runs by transposing first
 * (250 ms for the [2048, 8192] LM-head gradient). Without the GEMM patch (XNNPACK serves only untransposed
 * operands) the older form stays: dx through an explicit transpose, [dw; db] = [xᵀ; 1ᵀ] · dy in one product.
 * Other backends use tf.matMul + tf.add (on a GPU a broadcast add and its reduction are cheap). Same values
 * up to float32 summation order.
 */
import * as tf from '@tensorflow/tfjs';
import type { GradSaveFunc, Tensor, Tensor1D, Tensor2D } from '@tensorflow/tfjs';
import { columnSums } from './column_sums.ts';
import { matMul2d, prefersExplicitTranspose } from './matmul.ts';
import { transpose2d } from './transpose_2d.ts';

const linearFused = tf.customGrad((...args: (Tensor | GradSaveFunc)[]) => {
  const [x, w, b, save] = args as [Tensor2D, Tensor2D, Tensor1D, GradSaveFunc];
  save([x, w]);
  return {
    value: tf.fused.matMul({ a: x, b: w, bias: b }),
    gradFunc: (dy: Tensor | Tensor[], saved: Tensor[]) => {
      const g = dy as Tensor2D;
      const [sx, sw] = saved as [Tensor2D, Tensor2D];
      // This engine's wasm GEMM takes transposed operands as they are; the bias gradient is one pass down dy
      if (!prefersExplicitTranspose()) return [tf.matMul(g, sw, false, true), tf.matMul(sx, g, true, false), columnSums(g)];
      const [m, k] = sx.shape;
      const n = sw.shape[1];
      const dx = tf.matMul(g, transpose2d(sw));
      const xT1 = tf.concat2d([transpose2d(sx), tf.ones([1, m])], 0); // [K + 1, M]
      const [dw, db] = tf.split(tf.matMul(xT1, g), [k, 1], 0); // [K, N], [1, N]
      return [dx, dw, tf.reshape(db, [n])];
    },
  };
});

/** x [M, K] @ w [K, N] + b [N] → [M, N]. */
export function linear(x /* [M, K] */: Tensor2D, w /* [K, N] */: Tensor2D, b /* [N] */: Tensor1D): Tensor2D {
  if (x.rank !== 2 || w.rank !== 2 || b.rank !== 1 || x.shape[1] !== w.shape[0] || w.shape[1] !== b.shape[0]) {
    throw new Error(`linear: expected x [M, K], w [K, N], b [N]; got [${x.shape}], [${w.shape}], [${b.shape}]`);
  }
  return tf.getBackend() === 'wasm' ? (linearFused(x, w, b) as Tensor2D) : tf.add(matMul2d(x, w), b);
}

const linearTransposedFused = tf.customGrad((...args: (Tensor | GradSaveFunc)[]) => {
  const [x, w, b, save] = args as [Tensor2D, Tensor2D, Tensor1D, GradSaveFunc];
  save([x, w]);
  return {
    value: prefersExplicitTranspose()
      ? tf.fused.matMul({ a: x, b: transpose2d(w), bias: b }) // inside customGrad: not taped
      : tf.fused.matMul({ a: x, b: w, transposeB: true, bias: b }),
    gradFunc: (dy: Tensor | Tensor[], saved: Tensor[]) => {
      const [sx, sw] = saved as [Tensor2D, Tensor2D];
      if (!prefersExplicitTranspose()) return [tf.matMul(dy as Tensor2D, sw), tf.matMul(dy as Tensor2D, sx, true, false), columnSums(dy as Tensor2D)];
      const gT = transpose2d(dy as Tensor2D); // [N, M]
      return [tf.matMul(dy as Tensor2D, sw), tf.matMul(gT, sx), tf.sum(gT, 1)];
    },
  };
});

/**
 * x [M, K] @ wᵀ + b where w is [N, K] (the tied LM head: hidden @ embeddingsᵀ + bias) → [M, N].
 * On wasm the gradients are dx = dy·w, dw = dyᵀ·x (dy as a transposed operand) and db = Σ_rows dy. Without
 * the GEMM patch dyᵀ is formed once by an explicit transpose (cheaper than XNNPACK packing dy as a right
 * operand), and it makes the bias gradient a last-axis sum.
 */
export function linearTransposedWeight(x /* [M, K] */: Tensor2D, w /* [N, K] */: Tensor2D, b /* [N] */: Tensor1D): Tensor2D {
  if (x.rank !== 2 || w.rank !== 2 || b.rank !== 1 || x.shape[1] !== w.shape[1] || w.shape[0] !== b.shape[0]) {
    throw new Error(`linearTransposedWeight: expected x [M, K], w [N, K], b [N]; got [${x.shape}], [${w.shape}], [${b.shape}]`);
  }
  return tf.getBackend() === 'wasm' ? (linearTransposedFused(x, w, b) as Tensor2D) : tf.add(tf.matMul(x, w, false, true), b);
}
