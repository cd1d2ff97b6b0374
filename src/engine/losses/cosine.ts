import * as tf from '@tensorflow/tfjs';
import type { Scalar, Tensor, Tensor1D, Tensor2D, Variable } from '@tensorflow/tfjs';
import { weightedMean } from './weighted_mean.ts';
import { truncatedNormalArray } from '../rng.ts';

/** Guards cos against a zero vector: cos = ⟨a, b⟩ / √max(‖a‖²‖b‖², COSINE_EPS²) (PyTorch's eps = 1e-8). */
export const COSINE_EPS = 1e-8;

/** Rows of the teacher whose largest |value| is below this are treated as zero vectors. */
const TINY_ROW_MAX = 1e-30;

/**
 * Hidden-state alignment (DistilBERT's cosine term):
 *   a_p = s_p·W (or s_p when no projection),   ℓ_p = 1 − ⟨a_p, t_p⟩ / (‖a_p‖·‖t_p‖),
 *   cos = Σ_p w_p ℓ_p / max(Σ_p w_p, 1)  ∈ [0, 2]: 0 for parallel, 1 for orthogonal, 2 for opposite vectors.
 * The norms are clamped through the squared product, so the gradient stays finite at a zero vector.
 * Scale-safe in the teacher: each teacher row is divided by its largest |value| first (cos ignores scale), so
 * ‖t‖² ∈ [1, H] — unscaled it overflows float32 once the values pass ~1e19 (an exporter's finite 1e20 made the
 * loss NaN), and underflows to 0 below ~1e-19. The teacher is a constant: no gradient flows through the scale.
 * The student side is a LayerNorm output (times W): O(1) by construction.
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
  const t = tf.div(teacherHidden, tf.maximum(tf.max(tf.abs(teacherHidden), 1, true), TINY_ROW_MAX)); // [P, H], rows in [-1, 1]
  const dot = tf.sum(tf.mul(a, t), 1); // [P]
  const normProductSq = tf.mul(tf.sum(tf.square(a), 1), tf.sum(tf.square(t), 1)); // [P]
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
