import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { gatherRows } from './gather.ts';
import { expectAllClose, expectNoLeak, GRAD_RTOL, gradCheck, values } from './testing.ts';

describe('gatherRows', () => {
  const x = [
    [0, 1, 2, 3],
    [10, 11, 12, 13],
  ];
  it('picks x[p, ids[p, k]] row by row', async () => {
    const out = await values(() => gatherRows(tf.tensor2d(x), tf.tensor2d([[3, 0], [1, 1]], undefined, 'int32')));
    expect(out).toEqual([3, 0, 11, 11]);
  });
  it('scatters the gradient back (duplicate ids add up): d Σ_k c_k·out[p,k] / dx', async () => {
    // out = [[x03, x00], [x11, x11]], f = 1·x03 + 2·x00 + 3·x11 + 4·x11 → ∂f/∂x00 = 2, ∂f/∂x03 = 1, ∂f/∂x11 = 7.
    const grad = await values(() => {
      const ids = tf.tensor2d([[3, 0], [1, 1]], undefined, 'int32');
      const coeff = tf.tensor2d([[1, 2], [3, 4]]);
      return tf.grad((v: tf.Tensor) => tf.sum(tf.mul(gatherRows(v as tf.Tensor2D, ids), coeff)))(tf.tensor2d(x));
    });
    expectAllClose(grad, [2, 0, 0, 1, 0, 7, 0, 0]);
  });
  it('passes a finite-difference gradient check', async () => {
    const ids = tf.tensor2d([[4, 1], [0, 2]], undefined, 'int32');
    const w = tf.tensor2d([[0.3, -1.2], [2, 0.5]]);
    const err = await gradCheck((v) => tf.sum(tf.mul(tf.square(gatherRows(v, ids)), w)), [[0.1, 0.2, -0.3, 0.4, 0.5], [1, -1, 0.5, 0, 2]]);
    expect(err).toBeLessThan(GRAD_RTOL);
    tf.dispose([ids, w]);
  });
  it('leaks no tensor, forward or backward', () => {
    const ids = tf.tensor2d([[1], [2]], undefined, 'int32');
    const v = tf.variable(tf.tensor2d(x));
    expectNoLeak(() => tf.variableGrads(() => tf.sum(gatherRows(v, ids))));
    tf.dispose([ids, v]);
  });
});
