/**
 * max(x, floor) elementwise for a scalar floor, with tf.maximum's value and gradient:
 *   value = max(x, floor) (NaN stays NaN, ±∞ as they are), ∂/∂x = dy · [x ≥ floor].
 * One difference on wasm: where x is NaN the gradient is NaN, not tf.maximum's 0 (a NaN in a loss's inputs
 * reaches the gradients, and the optimizer's non-finite guard skips the step).
 *
 * On wasm it is built from vectorised kernels: tfjs-backend-wasm runs Maximum against a scalar, and the
 * GreaterEqual + Cast of its gradient, on a generic broadcasting loop (≈ 77 ms each at [2048, 8192]) where
 * ClipByValue, Step and scalar arithmetic take ≈ 6 ms. Pieces: mask = 1 − step(floor − x) (1 where x ≥ floor,
 * NaN where x is NaN); value = clip(x, floor, +∞) + 0·mask (XNNPACK's clamp turns NaN into the floor; the
 * 0·mask term gives it back). The floors in losses/ (LOG_PROB_FLOOR) run over [P, V] in the dense-teacher path.
 */
import * as tf from '@tensorflow/tfjs';
import type { GradSaveFunc, Tensor } from '@tensorflow/tfjs';

function wasmFloorAt(floor: number) {
  return tf.customGrad((...args: (Tensor | GradSaveFunc)[]) => {
    const [x, save] = args as [Tensor, GradSaveFunc];
    const mask = tf.sub(1, tf.step(tf.sub(floor, x)));
    save([mask]);
    return {
      value: tf.add(tf.clipByValue(x, floor, Infinity), tf.mul(mask, 0)),
      gradFunc: (dy: Tensor | Tensor[], saved: Tensor[]) => tf.mul(dy as Tensor, saved[0]),
    };
  });
}

const byFloor = new Map<number, ReturnType<typeof wasmFloorAt>>();

/** max(x, floor) elementwise; floor is a finite number. */
export function floorAt<T extends Tensor>(x: T, floor: number): T {
  if (!Number.isFinite(floor)) throw new Error(`floorAt: the floor must be finite, got ${floor}`);
  if (tf.getBackend() !== 'wasm' || x.dtype !== 'float32') return tf.maximum(x, floor);
  let op = byFloor.get(floor);
  if (!op) {
    op = wasmFloorAt(floor);
    byFloor.set(floor, op);
  }
  return op(x) as T;
}
