import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { maxAbsDiff } from '../losses/testing.ts';
import { batchMatMul } from './batch_matmul.ts';

describe('batchMatMul', () => {
  // [batch…, M, K] × [batch…, K, N] with M, K, N all different so a wrong transpose cannot pass.
  const cases = [
    [false, false],
    [false, true],
    [true, false],
    [true, true],
  ] as const;
  for (const [ta, tb] of cases) {
    it(`equals tf.matMul in value and both gradients (transposeA ${ta}, transposeB ${tb})`, async () => {
      const [m, k, n] = [5, 3, 4];
      const a = tf.randomNormal(ta ? [2, 3, k, m] : [2, 3, m, k], 0, 1, 'float32', 1);
      const b = tf.randomNormal(tb ? [2, 3, n, k] : [2, 3, k, n], 0, 1, 'float32', 2);
      const w = tf.randomNormal([2, 3, m, n], 0, 1, 'float32', 3);
      const before = tf.memory().numTensors;
      const ours = tf.grads((x: tf.Tensor, y: tf.Tensor) => batchMatMul(x, y, ta, tb).mul(w).sum());
      const ref = tf.grads((x: tf.Tensor, y: tf.Tensor) => tf.matMul(x, y, ta, tb).mul(w).sum());
      const [ga, gb] = ours([a, b]);
      const [ra, rb] = ref([a, b]);
      const value = batchMatMul(a, b, ta, tb);
      const refValue = tf.matMul(a, b, ta, tb);
      expect(value.shape).toEqual([2, 3, m, n]);
      expect(await maxAbsDiff(value, refValue)).toBeLessThan(1e-5);
      expect(await maxAbsDiff(ga, ra)).toBeLessThan(1e-5);
      expect(await maxAbsDiff(gb, rb)).toBeLessThan(1e-5);
      tf.dispose([ga, gb, ra, rb, value, refValue]);
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([a, b, w]);
    });
  }

  it('gives zeros for an empty inner axis', async () => {
    const p = batchMatMul(tf.zeros([2, 3, 0]), tf.zeros([2, 0, 4]));
    expect(p.shape).toEqual([2, 3, 4]);
    expect(Array.from(await p.data())).toEqual(new Array(24).fill(0));
    p.dispose();
  });

  it('refuses batch axes that differ', () => {
    const a = tf.zeros([2, 3, 4]);
    const b = tf.zeros([3, 4, 5]);
    const run = () => batchMatMul(a, b);
    expect(run).toThrow(tf.getBackend() === 'wasm' ? /equal batch axes/ : /./);
    tf.dispose([a, b]);
  });
});
