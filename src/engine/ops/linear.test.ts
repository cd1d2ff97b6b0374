import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { expectAllClose, expectNoLeak, values, valuesOf } from '../losses/testing.ts';
import { linear, linearTransposedWeight } from './linear.ts';

describe('linear', () => {
  it('is x @ w + b (hand values)', async () => {
    // [[1, 2]] @ [[1, 0, 2], [0, 1, -1]] + [10, 20, 30] = [[11, 22, 30]]
    const out = await values(() => linear(tf.tensor2d([[1, 2]]), tf.tensor2d([[1, 0, 2], [0, 1, -1]]), tf.tensor1d([10, 20, 30])));
    expectAllClose(out, [11, 22, 30]);
  });

  it('has the gradients of tf.matMul + tf.add for x, w and b', async () => {
    const x = tf.randomNormal([5, 3], 0, 1, 'float32', 1);
    const w = tf.randomNormal([3, 4], 0, 1, 'float32', 2);
    const b = tf.randomNormal([4], 0, 1, 'float32', 3);
    const dy = tf.randomNormal([5, 4], 0, 1, 'float32', 4);
    const loss = (f: (x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D) => tf.Tensor) => (xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) =>
      tf.sum(tf.mul(f(xx as tf.Tensor2D, ww as tf.Tensor2D, bb as tf.Tensor1D), dy));
    const ours = await valuesOf(() => tf.grads(loss(linear))([x, w, b]));
    const ref = await valuesOf(() => tf.grads(loss((a, c, d) => tf.add(tf.matMul(a, c), d)))([x, w, b]));
    ours.forEach((g, i) => expectAllClose(g, ref[i], 1e-5, 1e-4));
    tf.dispose([x, w, b, dy]);
  });

  it('sums the bias gradient over rows (hand values)', async () => {
    const [, , gb] = await valuesOf(() =>
      tf.grads((xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) =>
        tf.sum(tf.mul(linear(xx as tf.Tensor2D, ww as tf.Tensor2D, bb as tf.Tensor1D), tf.tensor2d([[1, 2], [3, -4], [0.5, 6]]))),
      )([tf.zeros([3, 2]), tf.zeros([2, 2]), tf.zeros([2])]),
    );
    expectAllClose(gb, [4.5, 4]); // 1 + 3 + 0.5, 2 − 4 + 6
  });

  it('linearTransposedWeight is x @ wᵀ + b, with the gradients of tf.matMul(x, w, false, true) + tf.add', async () => {
    const x = tf.randomNormal([5, 3], 0, 1, 'float32', 5);
    const w = tf.randomNormal([4, 3], 0, 1, 'float32', 6);
    const b = tf.randomNormal([4], 0, 1, 'float32', 7);
    const loss = (f: (x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D) => tf.Tensor) => (xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) =>
      tf.sum(tf.square(f(xx as tf.Tensor2D, ww as tf.Tensor2D, bb as tf.Tensor1D)));
    const ours = await valuesOf(() => [linearTransposedWeight(x as tf.Tensor2D, w as tf.Tensor2D, b as tf.Tensor1D), ...tf.grads(loss(linearTransposedWeight))([x, w, b])]);
    const ref = await valuesOf(() => [tf.add(tf.matMul(x, w, false, true), b), ...tf.grads(loss((a, c, d) => tf.add(tf.matMul(a, c, false, true), d)))([x, w, b])]);
    ours.forEach((g, i) => expectAllClose(g, ref[i], 1e-5, 1e-4));
    tf.dispose([x, w, b]);
  });

  it('refuses mismatched shapes and leaves no tensor behind', () => {
    const [x, w, b] = [tf.zeros([2, 3]) as tf.Tensor2D, tf.zeros([3, 4]) as tf.Tensor2D, tf.zeros([3]) as tf.Tensor1D];
    expect(() => linear(x, w, b)).toThrow(/w \[K, N\], b \[N\]/);
    expectNoLeak(() => tf.grads((a: tf.Tensor, c: tf.Tensor, d: tf.Tensor) => tf.sum(linear(a as tf.Tensor2D, c as tf.Tensor2D, d as tf.Tensor1D)))([x, w, tf.zeros([4])]));
    tf.dispose([x, w, b]);
  });
});
