import * as tf from '@tensorflow/tfjs';
import { linear } from '../ops/linear.ts';
import { LAYER_NORM_EPS } from './spec.ts';

/** LayerNorm over the last axis: (x − μ) / √(σ² + ε) · γ + β. */
export function layerNorm(x: tf.Tensor, gamma: tf.Tensor1D, beta: tf.Tensor1D): tf.Tensor {
  const axis = x.rank - 1;
  const { mean, variance } = tf.moments(x, axis, true);
  return x.sub(mean).mul(tf.rsqrt(variance.add(LAYER_NORM_EPS))).mul(gamma).add(beta);
}

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

/**
 * GELU, tanh approximation (GPT-2 / HF "gelu_new"): ½x(1 + tanh(u)), u = √(2/π)(x + 0.044715x³),
 * computed as x·σ(2u) (the same function: ½(1 + tanh(u)) = σ(2u)). Why: wasm's Sigmoid is XNNPACK's vector
 * kernel and its Tanh a scalar loop (1.3 vs 19 ms at [32, 64, 512]; the GELU with its gradient 34 → 15 ms).
 * x³ is x·x·x: pow's gradient takes more ops (and 12× the time of two multiplies on wasm).
 */
export function gelu(x: tf.Tensor): tf.Tensor {
  const twoU = x.add(x.mul(x).mul(x).mul(0.044715)).mul(2 * SQRT_2_OVER_PI);
  return x.mul(tf.sigmoid(twoU));
}

/** x [..., in] @ w [in, out] + b [out], flattening leading axes into one matmul (ops/linear.ts). */
export function dense(x: tf.Tensor, w: tf.Tensor2D, b: tf.Tensor1D): tf.Tensor {
  const inDim = x.shape[x.rank - 1];
  const lead = x.shape.slice(0, -1);
  const y = linear(x.reshape([-1, inDim]) as tf.Tensor2D, w, b);
  return y.reshape([...lead, w.shape[1]]);
}

/**
 * Additive attention bias [B, 1, Lq, Lk]: 0 where query q may attend key k, −1e9 elsewhere. Keys that are
 * padding are masked; with `causal`, keys after the query too. A fully masked row (a pad query) still softmaxes
 * to a finite uniform distribution, and its output is never distilled.
 */
export function attentionBias(mask: tf.Tensor2D /* [B, L] float 0/1 */, causal: boolean): tf.Tensor4D {
  const [b, l] = mask.shape;
  let allowed: tf.Tensor = mask.reshape([b, 1, 1, l]); // key mask
  if (causal) {
    const lower = tf.linalg.bandPart(tf.ones([l, l]), -1, 0).reshape([1, 1, l, l]); // k <= q
    allowed = allowed.mul(lower);
  }
  return tf.sub(1, allowed).mul(-1e9) as tf.Tensor4D;
}
