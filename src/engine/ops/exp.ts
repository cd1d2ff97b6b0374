/**
 * eˣ elementwise, fast on wasm. With the GEMM patch installed, tf.exp is fast there: the patch's Exp kernel
 * is SIMD and threaded (patches/gemm/elementwise.ts, ≈ 1 ulp). Without it, on wasm it is σ(x) / σ(−x)
 * (= eˣ for every x: σ(x) = 1 / (1 + e⁻ˣ)), two of XNNPACK's vectorised sigmoids and a divide, where
 * tfjs-backend-wasm's Exp is a scalar loop: ≈ 23 against ≈ 58 ms on [2048, 2049] (one dense-head chunk; the
 * dense-teacher step takes sixteen). Relative error ≤ 4e-7 on log-probabilities in [−30, 10] (float32's own
 * exp: ≈ 1e-7); NaN and ±∞ map as tf.exp maps them; results below float32's normal range (x < −87) may flush
 * to 0. Differentiable (the composite's gradient is eˣ). Elsewhere it is tf.exp.
 */
import * as tf from '@tensorflow/tfjs';
import type { Tensor } from '@tensorflow/tfjs';
import { patchInstalled } from '../patches/index.ts';

export function exp<T extends Tensor>(x: T): T {
  if (tf.getBackend() !== 'wasm' || x.dtype !== 'float32' || patchInstalled('gemm')) return tf.exp(x);
  // tidy: only the result outlives the call (the chunked ops' step estimate counts one tensor per eˣ); a tape
  // still has what it saved (tfjs keeps its own references)
  return tf.tidy(() => tf.div(tf.sigmoid(x), tf.sigmoid(tf.neg(x))));
}
