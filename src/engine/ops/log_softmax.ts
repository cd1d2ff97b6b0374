/**
 * Row-wise logSumExp and logSoftmax of a 2-D tensor [P, M], with their gradients written out, computed
 * through the backend's Softmax kernel.
 *
 *   s = softmax(x)                       (the kernel subtracts the row max itself)
 *   lse = max(x) − log(max(s))           (max(s) = 1 / Σ exp(x − max x): the same number, rounded once more)
 *   ∂lse/∂x = s                      →   dx = dy[:, None] · s
 *   logSoftmax(x) = x − lse          →   dx = dy − s · Σ_m dy
 *
 * Why: tf.logSumExp and tf.logSoftmax are built from max → sub → exp → sum → log and differentiate each step.
 * On wasm that is slow where M is a vocabulary: max's gradient is an Equal of [P, V] against a broadcast [P, 1]
 * (3.4 s for 2048 × 8192, each of the two per step), and the Exp kernel is scalar (≈ 235 ms) while Softmax is
 * XNNPACK-vectorised (≈ 31 ms). Same values up to float32 rounding on every backend; −∞ entries get
 * probability 0 and gradient 0, a row of only −∞ (or any NaN / +∞) gives NaN, as with tf.logSumExp.
 */
import * as tf from '@tensorflow/tfjs';
import type { GradSaveFunc, Tensor, Tensor1D, Tensor2D } from '@tensorflow/tfjs';
import { recordingTape } from '../patches/tape.ts';

function check(x: Tensor, name: string): void {
  if (x.rank !== 2) throw new Error(`${name}: expected a 2-D tensor [P, M], got shape [${x.shape.join(', ')}]`);
}

/** lse [P] from x [P, M] and s = softmax(x). */
function lseFromSoftmax(x: Tensor2D, s: Tensor2D): Tensor1D {
  return tf.sub(tf.max(x, 1), tf.log(tf.max(s, 1)));
}

const logSumExpOp = tf.customGrad((...args: (Tensor | GradSaveFunc)[]) => {
  const [x, save] = args as [Tensor2D, GradSaveFunc];
  const s = tf.softmax(x);
  save([s]);
  return {
    value: lseFromSoftmax(x, s),
    gradFunc: (dy: Tensor | Tensor[], saved: Tensor[]) => tf.mul(tf.reshape(dy as Tensor, [-1, 1]), saved[0]),
  };
});

const logSoftmaxOp = tf.customGrad((...args: (Tensor | GradSaveFunc)[]) => {
  const [x, save] = args as [Tensor2D, GradSaveFunc];
  const s = tf.softmax(x);
  save([s]);
  return {
    value: tf.sub(x, tf.reshape(lseFromSoftmax(x, s), [-1, 1])),
    gradFunc: (dy: Tensor | Tensor[], saved: Tensor[]) => {
      const g = dy as Tensor2D;
      return tf.sub(g, tf.mul(saved[0], tf.sum(g, 1, true)));
    },
  };
});

/**
 * One result per input tensor and gradient tape: the CE term and the KD tail bucket both take log Σ_v exp(s_v)
 * of the same student logits, and the second call gets the first's tensor (one node on the tape, whose backward
 * pass then receives both upstream gradients, summed). Saves a Softmax and two Max passes over [P, V] a step
 * (≈ 4 % of a wasm step at V = 8192). Not shared: a result disposed since (the first caller's tf.tidy ended), or
 * one computed while another tape (or none) was recording — reusing it would drop its gradient. The tape is
 * read from tfjs's private state: patches/tape.ts.
 */
const lseOf = new WeakMap<Tensor, { lse: Tensor1D; tape: unknown }>();

/** log Σ_m exp(x[p, m]) for each row: x [P, M] → [P]. Repeated calls on the same tensor share one result. */
export function logSumExpRows(x /* [P, M] */: Tensor2D): Tensor1D {
  check(x, 'logSumExpRows');
  const tape = recordingTape();
  const known = lseOf.get(x);
  if (known && !known.lse.isDisposed && known.tape === tape) return known.lse;
  const lse = logSumExpOp(x) as Tensor1D;
  lseOf.set(x, { lse, tape });
  return lse;
}

/** x[p, m] − log Σ_m' exp(x[p, m']): x [P, M] → [P, M]. */
export function logSoftmaxRows(x /* [P, M] */: Tensor2D): Tensor2D {
  check(x, 'logSoftmaxRows');
  return logSoftmaxOp(x) as Tensor2D;
}
