import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { maxAbsDiff } from '../losses/testing.ts';
import { matMul2d, matMul2dTransposeB } from './matmul.ts';

describe('matMul2d', () => {
  it('equals tf.matMul in value and in both gradients', async () => {
    const a = tf.randomNormal([5, 3], 0, 1, 'float32', 1) as tf.Tensor2D;
    const b = tf.randomNormal([3, 4], 0, 1, 'float32', 2) as tf.Tensor2D;
    const w = tf.randomNormal([5, 4], 0, 1, 'float32', 3);
    const ours = tf.grads((x: tf.Tensor, y: tf.Tensor) => matMul2d(x as tf.Tensor2D, y as tf.Tensor2D).mul(w).sum());
    const ref = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.matMul(x as tf.Tensor2D, y as tf.Tensor2D).mul(w).sum());
    const [ga, gb] = ours([a, b]);
    const [ra, rb] = ref([a, b]);
    expect(await maxAbsDiff(matMul2d(a, b), tf.matMul(a, b))).toBeLessThan(1e-5);
    expect(await maxAbsDiff(ga, ra)).toBeLessThan(1e-5);
    expect(await maxAbsDiff(gb, rb)).toBeLessThan(1e-5);
    tf.dispose([a, b, w, ga, gb, ra, rb]);
  });

  it('matMul2dTransposeB equals a @ bᵀ with gradients', async () => {
    const a = tf.randomNormal([5, 3], 0, 1, 'float32', 4) as tf.Tensor2D;
    const b = tf.randomNormal([7, 3], 0, 1, 'float32', 5) as tf.Tensor2D;
    const ours = tf.grads((x: tf.Tensor, y: tf.Tensor) => matMul2dTransposeB(x as tf.Tensor2D, y as tf.Tensor2D).square().sum());
    const ref = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.matMul(x as tf.Tensor2D, y as tf.Tensor2D, false, true).square().sum());
    const [ga, gb] = ours([a, b]);
    const [ra, rb] = ref([a, b]);
    expect(await maxAbsDiff(ga, ra)).toBeLessThan(1e-4);
    expect(await maxAbsDiff(gb, rb)).toBeLessThan(1e-4);
    tf.dispose([a, b, ga, gb, ra, rb]);
  });
});
