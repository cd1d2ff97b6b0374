/**
 * Differentiable row-wise gather: out[p, k] = x[p, ids[p, k]].
 *
 * tf.gather's gradient needs the UnsortedSegmentSum kernel, which tfjs-backend-wasm 4.22 does not have, so the
 * gradient is written here as a scatter-add (ScatterNd, present on cpu, wasm, webgl and webgpu):
 * ∂L/∂x[p, v] = Σ_k [ids[p, k] = v] · ∂L/∂out[p, k]. Shapes are fixed ([P, K] in, [P, K] out): no variable-length
 * masking, so a GPU backend compiles each shader once.
 */
import * as tf from '@tensorflow/tfjs';
import type { GradSaveFunc, Tensor, Tensor1D, Tensor2D } from '@tensorflow/tfjs';

/** Flat indices p·V + ids[p, k] into x reshaped to [P·V]: int32 [P·K]. */
export function flatRowIndices(ids /* [P, K] int32 */: Tensor2D, width: number): Tensor1D {
  const [rows, k] = ids.shape;
  const rowStart = tf.mul(tf.range(0, rows, 1, 'int32'), tf.scalar(width, 'int32')); // [P]
  return tf.reshape(tf.add(tf.reshape(rowStart, [rows, 1]), tf.cast(ids, 'int32')), [rows * k]);
}

/** gather(xFlat [N], idx [M]) with the scatter-add gradient described above. */
const gatherFlat = tf.customGrad((...args: (Tensor | GradSaveFunc)[]) => {
  const [xFlat, idx, save] = args as [Tensor1D, Tensor1D, GradSaveFunc];
  save([idx]);
  const size = xFlat.shape[0];
  return {
    value: tf.gather(xFlat, idx),
    gradFunc: (dy: Tensor, saved: Tensor[]) => [
      tf.scatterND(tf.reshape(saved[0], [-1, 1]), dy, [size]),
      tf.zerosLike(saved[0]),
    ],
  };
});

/** out [P, K] = x [P, V] at ids [P, K] (int32, each in [0, V)), differentiable with respect to x. */
export function gatherRows(x /* [P, V] */: Tensor2D, ids /* [P, K] int32 */: Tensor2D): Tensor2D {
  const [rows, width] = x.shape;
  if (ids.shape[0] !== rows) throw new Error(`gatherRows: ids have ${ids.shape[0]} rows, x has ${rows}`);
  const flat = gatherFlat(tf.reshape(x, [rows * width]), flatRowIndices(ids, width));
  return tf.reshape(flat, ids.shape);
}
