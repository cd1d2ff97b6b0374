import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { gelu } from './layers.ts';

/** HF "gelu_new" in float64: ½x(1 + tanh(√(2/π)(x + 0.044715x³))). */
function geluNew(x: number): number {
  return 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3)));
}

describe('gelu', () => {
  const xs = [-12, -4, -1.5, -1, -0.3, 0, 0.2, 1, 2.5, 6, 40];

  it('is the tanh approximation (gelu_new), including far into both tails', async () => {
    const y = gelu(tf.tensor1d(xs));
    const got = Array.from(await y.data());
    got.forEach((v, i) => expect(v).toBeCloseTo(geluNew(xs[i]), 5));
    expect(got[3]).toBeCloseTo(-0.158808, 5); // published value of gelu_new(-1)
    y.dispose();
  });

  it('has the derivative of gelu_new', async () => {
    const g = tf.grad((t: tf.Tensor) => gelu(t).sum())(tf.tensor1d(xs));
    const got = Array.from(await g.data());
    const h = 1e-4;
    got.forEach((v, i) => expect(v).toBeCloseTo((geluNew(xs[i] + h) - geluNew(xs[i] - h)) / (2 * h), 3));
    g.dispose();
  });
});
