/**
 * 2-D matrix product a [M, K] @ b [K, N] whose gradients avoid tfjs's transposed-operand matmuls on wasm.
 *
 * Why: the gradients of c = a·b are da = dc·bᵀ and db = aᵀ·dc, which tfjs computes with matMul's
 * transposeA/B flags. The wasm backend's XNNPACK path serves only untransposed operands; with a flag set it
 * falls back to a loop measured 4–10× slower than an explicit transpose followed by an untransposed matmul
 * (e.g. [256,128]ᵀ·[256,384]: 11.7 ms vs 1.7 ms). Other backends keep the plain op (a flag is free on GPU), and
 * so does wasm once patches/wasm_gemm.ts serves its products (installPatches): it takes either orientation.
 */
import * as tf from '@tensorflow/tfjs';
import { patchInstalled } from '../patches/index.ts';

// customGrad passes (…inputs, save) through one variadic parameter list.
const matMulExplicitT = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const [a, b, save] = args as [tf.Tensor, tf.Tensor, tf.GradSaveFunc];
  save([a, b]);
  return {
    value: tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D),
    gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
      const [sa, sb] = saved as [tf.Tensor2D, tf.Tensor2D];
      const g = dy as tf.Tensor2D;
      return [tf.matMul(g, sb.transpose()), tf.matMul(sa.transpose(), g)];
    },
  };
});

/**
 * True when the current backend needs explicit transposes to stay on its fast matmul path: wasm without this
 * engine's GEMM (patches/wasm_gemm.ts, which packs a transposed operand at no extra cost).
 */
export function prefersExplicitTranspose(): boolean {
  return tf.getBackend() === 'wasm' && !patchInstalled('gemm');
}

/** a [M, K] @ b [K, N] → [M, N], with wasm-friendly gradients. */
export function matMul2d(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  return prefersExplicitTranspose() ? (matMulExplicitT(a, b) as tf.Tensor2D) : tf.matMul(a, b);
}

/** a [M, K] @ bᵀ where b is [N, K] (the tied LM head: hidden @ embeddingsᵀ) → [M, N]. */
export function matMul2dTransposeB(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  return prefersExplicitTranspose() ? (matMulExplicitT(a, b.transpose()) as tf.Tensor2D) : tf.matMul(a, b, false, true);
}
