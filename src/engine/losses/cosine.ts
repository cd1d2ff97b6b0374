import * as tf from '@tensorflow/tfjs';
import type { Scalar, Tensor, Tensor1D, Tensor2D, Variable } from '@tensorflow/tfjs';
import { weightedMean } from './weighted_mean.ts';
import { truncatedNormalArray } from '../rng.ts';

/** Guards cos against a zero vector: cos = ⟨a, b⟩ / √max(‖a‖²‖b‖², COSINE_EPS²) (PyTorch's eps = 1e-8). */
export const COSINE_EPS = 1e-8;

/**
 * Hidden-state alignment (DistilBERT's cosine term):
 *   a_p = s_p·W (or s_p when no projection),   ℓ_p = 1 − ⟨a_p, t_p⟩ / (‖a_p‖·‖t_p‖),
 *   cos = Σ_p w_p ℓ_p / max(Σ_p w_p, 1)  ∈ [0, 2]: 0 for parallel, 1 for orthogonal, 2 for opposite vectors.
 * The norms are clamped through the squared product, so the gradient stays finite at a zero vector.
 */
export function cosineLoss(
  studentHidden /* [P, D] */: Tensor2D,
  teacherHidden /* [P, H] */: Tensor2D,
  weights /* [P] */: Tensor1D,
  projection?: Tensor | null /* [D, H] */,
): Scalar {
  const [d, h] = [studentHidden.shape[1], teacherHidden.shape[1]];
  const fits = projection ? projection.rank === 2 && projection.shape[0] === d && projection.shape[1] === h : d === h;
  if (!fits) {
    const w = projection ? `projection [${projection.shape.join(', ')}]` : 'no projection';
    throw new Error(`cosineLoss: student width ${d}, teacher width ${h}, ${w}`);
  }
  const a = projection ? tf.matMul(studentHidden, projection as Tensor2D) : studentHidden; // [P, H]
  const dot = tf.sum(tf.mul(a, teacherHidden), 1); // [P]
  const normProductSq = tf.mul(tf.sum(tf.square(a), 1), tf.sum(tf.square(teacherHidden), 1)); // [P]
  const cos = tf.mul(dot, tf.rsqrt(tf.maximum(normProductSq, COSINE_EPS * COSINE_EPS)));
  return weightedMean(tf.sub(1, cos), weights);
}

/**
 * A trainable projection W [D, H] from the student's hidden width to the teacher's, or null when D = H (the
 * cosine then compares the vectors directly). W ~ N(0, 2/(D + H)) (Glorot normal), seeded; a Gaussian matrix
 * is close to orthogonal up to scale, and the cosine ignores scale. Drawn on the host (±2σ truncated) so every
backend starts from the same matrix. Not part of the exported student.
 */
export function createHiddenProjection(d: number, h: number, seed: number): Variable | null {
  if (d === h) return null;
  return tf.tidy(() => tf.variable(tf.tensor2d(truncatedNormalArray(d * h, 0, Math.sqrt(2 / (d + h)), seed), [d, h]), true));
}
