import * as tf from '@tensorflow/tfjs';
import { batchMatMul } from '../ops/batch_matmul.ts';
import { linear } from '../ops/linear.ts';

/** LayerNorm over the last axis: (x − μ) / √(σ² + ε) · γ + β (biased variance, as torch.nn.LayerNorm). */
export function layerNorm(x: tf.Tensor, gamma: tf.Tensor1D, beta: tf.Tensor1D, eps: number): tf.Tensor {
  const axis = x.rank - 1;
  const { mean, variance } = tf.moments(x, axis, true);
  return x.sub(mean).mul(tf.rsqrt(variance.add(eps))).mul(gamma).add(beta);
}

const SQRT_2_OVER_PI = Math.sqrt(2 / Math.PI);

/**
 * GELU, tanh approximation (GPT-2 / HF "gelu_new"): ½x(1 + tanh(u)), u = √(2/π)(x + 0.044715x³),
 * computed as x·σ(2u) (the same function: ½(1 + tanh(u)) = σ(2u)). Why: wasm's Sigmoid is XNNPACK's vector
 * kernel and its Tanh a scalar loop (1.3 vs 19 ms at [32, 64, 512]; the GELU with its gradient 34 → 15 ms).
 * x³ is x·x·x: pow's gradient takes more ops (and 12× the time of two multiplies on wasm).
 */
export function geluTanh(x: tf.Tensor): tf.Tensor {
  const twoU = x.add(x.mul(x).mul(x).mul(0.044715)).mul(2 * SQRT_2_OVER_PI);
  return x.mul(tf.sigmoid(twoU));
}

/**
 * GELU, exact (BERT / DistilBERT, HF "gelu" = torch.nn.functional.gelu): x·Φ(x) = ½x(1 + erf(x/√2)).
 * tfjs's Erf is the Abramowitz–Stegun 7.1.26 rational approximation on every backend (|error| ≤ 1.5e-7);
 * its gradient, 2/√π·exp(−z²), is exact.
 */
export function geluErf(x: tf.Tensor): tf.Tensor {
  return x.mul(tf.erf(x.mul(Math.SQRT1_2)).add(1)).mul(0.5);
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
 * padding are masked; with `causal`, keys after the query too. −1e9 underflows exp to exactly 0, as torch's
 * finfo.min does, so masked keys get weight 0 either way. A fully masked row (a pad query) still softmaxes
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

/**
 * Scaled dot-product attention over projected q | k | v: qkv [B, L, 3D] (columns [q | k | v], each head-major
 * [H, dh]) → the heads' context merged back to [B, L, D] (before the output projection):
 *   context_h = softmax(q_h k_hᵀ / √dh + bias) v_h.
 * Three 4-D transposes, not one 5-D one: wasm's generic 5-D transpose took ~140 ms a layer at B = 32, L = 64,
 * D = 128, the split + 4-D path ~10 ms.
 */
export function attend(qkv: tf.Tensor3D, bias: tf.Tensor4D, nHeads: number): tf.Tensor3D {
  const [b, l, threeD] = qkv.shape;
  const d = threeD / 3;
  const dh = d / nHeads;
  const [q, k, v] = tf.split(qkv.reshape([b * l, threeD]), 3, 1).map((t) =>
    t.reshape([b, l, nHeads, dh]).transpose([0, 2, 1, 3]),
  ) as tf.Tensor4D[]; // each [B, H, L, dh]
  const scores = batchMatMul(q, k, false, true).mul(1 / Math.sqrt(dh)).add(bias); // [B, H, L, L]
  const context = batchMatMul(tf.softmax(scores), v); // [B, H, L, dh]
  return context.transpose([0, 2, 1, 3]).reshape([b, l, d]) as tf.Tensor3D;
}
