import * as tf from '@tensorflow/tfjs';
import type { Tensor, Tensor1D, Tensor2D, Variable } from '@tensorflow/tfjs';
import { truncatedNormalArray } from '../rng.ts';

/**
 * torch.nn.CosineEmbeddingLoss's ε (ATen cosine_embedding_loss, EPSILON = 1e-12): added to each squared norm,
 *   cos = ⟨a, b⟩ / √((‖a‖² + ε)(‖b‖² + ε)),
 * so a zero vector gives cos = 0 (loss 1) with a finite gradient, as in Hugging Face's distiller.
 */
export const COSINE_EPS = 1e-12;

/**
 * Hidden-state alignment (DistilBERT's cosine term) per position:
 *   a_p = s_p·W (or s_p when no projection),   ℓ_p = 1 − ⟨a_p, t_p⟩ / √((‖a_p‖² + ε)(‖t_p‖² + ε))   ∈ [0, 2].
 * The objective averages it over non-pad tokens (the attention mask, as HF's distiller does).
 * Overflow-safe in the teacher without changing that value: with m = max_h |t_p,h| and t' = t/m,
 *   ⟨a, t⟩ / √((‖a‖² + ε)(‖t‖² + ε)) = ⟨a, t'⟩ / √((‖a‖² + ε)(‖t'‖² + ε/m²)),
 * so ‖t'‖² ∈ [1, H] even where ‖t‖² would overflow float32 (an exporter's finite 1e20 made the loss NaN). A
 * teacher row far below √ε (1e-20) is as good as zero, as in torch: cos → 0, the loss 1. The teacher is a
 * constant (no gradient through m); the student side is a LayerNorm output (times W): O(1) by construction.
 */
export function cosinePerPosition(studentHidden /* [P, D] */: Tensor2D, teacherHidden /* [P, H] */: Tensor2D, projection?: Tensor | null /* [D, H] */): Tensor1D {
  const [d, h] = [studentHidden.shape[1], teacherHidden.shape[1]];
  const fits = projection ? projection.rank === 2 && projection.shape[0] === d && projection.shape[1] === h : d === h;
  if (!fits) {
    const w = projection ? `projection [${projection.shape.join(', ')}]` : 'no projection';
    throw new Error(`cosine loss: student width ${d}, teacher width ${h}, ${w}`);
  }
  const a = projection ? tf.matMul(studentHidden, projection as Tensor2D) : studentHidden; // [P, H]
  const m = tf.maximum(tf.max(tf.abs(teacherHidden), 1), 1e-30); // [P] (a zero row: ε/m² = +∞, cos = 0)
  const t = tf.div(teacherHidden, tf.reshape(m, [-1, 1])); // [P, H], rows in [-1, 1]
  const dot = tf.sum(tf.mul(a, t), 1); // [P]
  const teacherSq = tf.add(tf.sum(tf.square(t), 1), tf.div(COSINE_EPS, tf.square(m)));
  const denominator = tf.mul(tf.add(tf.sum(tf.square(a), 1), COSINE_EPS), teacherSq);
  return tf.sub(1, tf.mul(dot, tf.rsqrt(denominator)));
}

/**
 * A trainable projection W [D, H] from the student's hidden width to the teacher's, or null when D = H (the
 * cosine then compares the vectors directly). W ~ N(0, 2/(D + H)) (Glorot normal), seeded; a Gaussian matrix
 * is close to orthogonal up to scale, and the cosine ignores scale. Drawn on the host (±2σ truncated) so every
 * backend starts from the same matrix. Exported with the student as hidden_projection.safetensors (it is
 * trained, and a continued run needs it), but not part of the transformers model.
 */
export function createHiddenProjection(d: number, h: number, seed: number): Variable | null {
  if (d === h) return null;
  return tf.tidy(() => tf.variable(tf.tensor2d(truncatedNormalArray(d * h, 0, Math.sqrt(2 / (d + h)), seed), [d, h]), true));
}
