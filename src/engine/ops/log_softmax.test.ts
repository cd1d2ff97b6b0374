import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { expectAllClose, expectNoLeak, gradCheck, GRAD_RTOL, logSumExpRef, values } from '../losses/testing.ts';
import { logSoftmaxRows, logSumExpRows } from './log_softmax.ts';

const ROWS = [
  [0.5, -1, 2, 0],
  [1000, 999, 998, 1000], // large: naive exp overflows
  [3, 3, 3, 3], // ties
  [-2, -Infinity, 1, -Infinity], // −∞ entries have probability 0
];

describe('logSumExpRows', () => {
  it('is log Σ exp(x) per row, in float64 reference terms, for large, tied and −∞ entries', async () => {
    const out = await values(() => logSumExpRows(tf.tensor2d(ROWS)));
    expectAllClose(out, ROWS.map(logSumExpRef), 1e-4, 1e-6);
  });

  it('has the gradient softmax(x)·dy, as tf.logSumExp, and passes a finite-difference check', async () => {
    const x = [[0.3, -1.2, 2.1], [0.0, 0.5, -0.5]];
    const w = tf.tensor1d([0.7, -1.3]);
    const ours = await values(() => tf.grad((t: tf.Tensor) => tf.sum(tf.mul(logSumExpRows(t as tf.Tensor2D), w)))(tf.tensor2d(x)));
    const ref = await values(() => tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.logSumExp(t, 1), w)))(tf.tensor2d(x)));
    expectAllClose(ours, ref, 1e-6, 1e-5);
    expect(await gradCheck((t) => tf.sum(tf.mul(logSumExpRows(t), w)), x)).toBeLessThan(GRAD_RTOL);
    w.dispose();
  });

  it('gives −∞ entries a zero gradient', async () => {
    const g = await values(() => tf.grad((t: tf.Tensor) => tf.sum(logSumExpRows(t as tf.Tensor2D)))(tf.tensor2d([[0, -Infinity]])));
    expectAllClose(g, [1, 0]);
  });

  it('is not finite for a row of only −∞ (NaN, or −∞ on webgpu), as tf.logSumExp', async () => {
    const [ours] = await values(() => logSumExpRows(tf.tensor2d([[-Infinity, -Infinity]])));
    const [ref] = await values(() => tf.logSumExp(tf.tensor2d([[-Infinity, -Infinity]]), 1));
    expect(Number.isFinite(ours)).toBe(false);
    expect(Number.isFinite(ref)).toBe(false);
  });

  it('shares one result between calls on the same tensor, with the gradient of both uses', async () => {
    const x = tf.tensor2d([[0.3, -1.2, 2.1], [0.0, 0.5, -0.5]]);
    const a = logSumExpRows(x);
    expect(logSumExpRows(x)).toBe(a);
    a.dispose();
    const b = logSumExpRows(x); // the first result is gone: computed again
    expect(b.isDisposed).toBe(false);
    b.dispose();
    // d/dx [2·lse(x) + lse(x)·w] through the shared node = (2 + w)·softmax(x)
    const w = tf.tensor1d([0.5, -1]);
    const g = await values(() => tf.grad((t: tf.Tensor) => tf.add(tf.sum(tf.mul(logSumExpRows(t as tf.Tensor2D), 2)), tf.sum(tf.mul(logSumExpRows(t as tf.Tensor2D), w))))(x));
    const ref = await values(() => tf.mul(tf.softmax(x), tf.reshape(tf.add(w, 2), [-1, 1])));
    expectAllClose(g, ref, 1e-6, 1e-5);
    // A result computed outside the tape (still alive) is not reused inside it: the gradient stays complete.
    const outside = logSumExpRows(x);
    const g2 = await values(() => tf.grad((t: tf.Tensor) => tf.sum(logSumExpRows(t as tf.Tensor2D)))(x));
    expectAllClose(g2, await values(() => tf.softmax(x)), 1e-6, 1e-5);
    tf.dispose([x, w, outside]);
  });

  it('refuses a tensor that is not 2-D', () => {
    const x = tf.tensor1d([1, 2]);
    expect(() => logSumExpRows(x as unknown as tf.Tensor2D)).toThrow(/2-D/);
    x.dispose();
  });
});

describe('logSoftmaxRows', () => {
  it('is x − logsumexp(x) per row, for large, tied and −∞ entries', async () => {
    const out = await values(() => logSoftmaxRows(tf.tensor2d(ROWS)));
    const expected = ROWS.flatMap((row) => row.map((v) => v - logSumExpRef(row)));
    const infinite = expected.map((v, i) => (v === -Infinity ? i : -1)).filter((i) => i >= 0);
    expect(infinite.map((i) => out[i])).toEqual(infinite.map(() => -Infinity));
    expectAllClose(out.filter((_, i) => !infinite.includes(i)), expected.filter((_, i) => !infinite.includes(i)), 1e-4, 1e-6);
  });

  it('has the gradient of tf.logSoftmax and passes a finite-difference check', async () => {
    const x = [[0.3, -1.2, 2.1], [0.0, 0.5, -0.5]];
    const w = tf.tensor2d([[1, -2, 0.5], [0.25, 3, -1]]);
    const ours = await values(() => tf.grad((t: tf.Tensor) => tf.sum(tf.mul(logSoftmaxRows(t as tf.Tensor2D), w)))(tf.tensor2d(x)));
    const ref = await values(() => tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.logSoftmax(t), w)))(tf.tensor2d(x)));
    expectAllClose(ours, ref, 1e-6, 1e-5);
    expect(await gradCheck((t) => tf.sum(tf.mul(logSoftmaxRows(t), w)), x)).toBeLessThan(GRAD_RTOL);
    w.dispose();
  });

  it('leaves no tensor behind, forward or backward', () => {
    expectNoLeak(() => tf.grad((t: tf.Tensor) => tf.sum(logSoftmaxRows(t as tf.Tensor2D)))(tf.tensor2d([[1, 2], [3, 4]])));
    expectNoLeak(() => tf.grad((t: tf.Tensor) => tf.sum(logSumExpRows(t as tf.Tensor2D)))(tf.tensor2d([[1, 2], [3, 4]])));
  });
});
