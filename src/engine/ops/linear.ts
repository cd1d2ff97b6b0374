/**
 * Affine map x [M, K] @ w [K, N] + b [N], the dense layers' and the LM head's op.
 *
 * On wasm it is one op with its gradients written out:
 *   value  = x·w + b, through the FusedMatMul kernel (XNNPACK adds the bias in the same pass)
 *   dx     = dy · wᵀ                     (explicit transpose: XNNPACK serves only untransposed operands)
 *   [dw; db] = [xᵀ; 1ᵀ] · dy             (one product gives the weight and the bias gradient)
 * Why: tf.add differentiates a broadcast bias with a Sum over axis 0, which wasm runs by transposing first
 * (250 ms for the [2048, 8192] LM-head gradient). The bias gradient as a separate 1ᵀ·dy product is no better:
 * XNNPACK packs its right operand on every call, and dy is [M, N] (266 ms for the same shape). Folding the
 * bias into the weight gradient packs dy once for both. Other backends use tf.matMul + tf.add (on a GPU a
 * broadcast add and its reduction are cheap). Same values up to float32 summation order.
 */
import * as tf from '@tensorflow/tfjs';
import type { GradSaveFunc, Tensor, Tensor1D, Tensor2D } from '@tensorflow/tfjs';
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
  return prefersExplicitTranspose() ? (linearFused(x, w, b) as Tensor2D) : tf.add(matMul2d(x, w), b);
}

const linearTransposedFused = tf.customGrad((...args: (Tensor | GradSaveFunc)[]) => {
  const [x, w, b, save] = args as [Tensor2D, Tensor2D, Tensor1D, GradSaveFunc];
  save([x, w]);
  return {
    value: tf.fused.matMul({ a: x, b: transpose2d(w), bias: b }), // inside customGrad: not taped
    gradFunc: (dy: Tensor | Tensor[], saved: Tensor[]) => {
      const [sx, sw] = saved as [Tensor2D, Tensor2D];
      const gT = transpose2d(dy as Tensor2D); // [N, M]
      return [tf.matMul(dy as Tensor2D, sw), tf.matMul(gT, sx), tf.sum(gT, 1)];
    },
  };
});

/**
 * x [M, K] @ wᵀ + b where w is [N, K] (the tied LM head: hidden @ embeddingsᵀ + bias) → [M, N].
 * On wasm the gradients are dx = dy·w, dw = dyᵀ·x and db = Σ_rows dy read off dyᵀ along its last axis: for
 * the LM head dy is [B·L, V], and one explicit transpose of it (≈ 270 ms at 2048 × 8192) is cheaper than
 * letting XNNPACK pack it as a right operand (≈ 370 ms), and it makes the bias gradient a last-axis sum.
 */
export function linearTransposedWeight(x /* [M, K] */: Tensor2D, w /* [N, K] */: Tensor2D, b /* [N] */: Tensor1D): Tensor2D {
  if (x.rank !== 2 || w.rank !== 2 || b.rank !== 1 || x.shape[1] !== w.shape[1] || w.shape[0] !== b.shape[0]) {
    throw new Error(`linearTransposedWeight: expected x [M, K], w [N, K], b [N]; got [${x.shape}], [${w.shape}], [${b.shape}]`);
  }
  return prefersExplicitTranspose() ? (linearTransposedFused(x, w, b) as Tensor2D) : tf.add(tf.matMul(x, w, false, true), b);
}
