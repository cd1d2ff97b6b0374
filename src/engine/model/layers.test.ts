import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { geluErf, geluTanh, layerNorm } from './layers.ts';

/** HF "gelu_new" in float64: ½x(1 + tanh(√(2/π)(x + 0.044715x³))). */
function geluNew(x: number): number {
  return 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3)));
}

/** erf by its Maclaurin series (|x| ≤ 3) or the asymptotic tail, float64: a reference independent of tfjs. */
function erf(x: number): number {
  if (Math.abs(x) > 3) return Math.sign(x) * (1 - Math.exp(-x * x) / (Math.abs(x) * Math.sqrt(Math.PI)) * (1 - 1 / (2 * x * x)));
  let term = x;
  let sum = x;
  for (let n = 1; n < 80; n++) {
    term *= (-x * x) / n;
    sum += term / (2 * n + 1);
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}
const geluExact = (x: number) => 0.5 * x * (1 + erf(x / Math.SQRT2));

const xs = [-12, -4, -1.5, -1, -0.3, 0, 0.2, 1, 2.5, 6, 40];

describe('geluTanh', () => {
  it('is the tanh approximation (gelu_new), including far into both tails', async () => {
    const y = geluTanh(tf.tensor1d(xs));
    const got = Array.from(await y.data());
    got.forEach((v, i) => expect(v).toBeCloseTo(geluNew(xs[i]), 5));
    expect(got[3]).toBeCloseTo(-0.158808, 5); // published value of gelu_new(-1)
    y.dispose();
  });

  it('has the derivative of gelu_new', async () => {
    const g = tf.grad((t: tf.Tensor) => geluTanh(t).sum())(tf.tensor1d(xs));
    const got = Array.from(await g.data());
    const h = 1e-4;
    got.forEach((v, i) => expect(v).toBeCloseTo((geluNew(xs[i] + h) - geluNew(xs[i] - h)) / (2 * h), 3));
    g.dispose();
  });
});

describe('geluErf', () => {
  it('is x·Φ(x) (torch gelu, BERT "gelu") to float32 precision', async () => {
    const y = geluErf(tf.tensor1d(xs));
    const got = Array.from(await y.data());
    got.forEach((v, i) => expect(Math.abs(v - geluExact(xs[i]))).toBeLessThan(2e-6 * Math.max(1, Math.abs(xs[i]))));
    expect(got[3]).toBeCloseTo(-0.158655, 5); // gelu(-1) = −Φ(−1)
    y.dispose();
  });

  it('has the derivative Φ(x) + x·φ(x)', async () => {
    const g = tf.grad((t: tf.Tensor) => geluErf(t).sum())(tf.tensor1d(xs));
    const got = Array.from(await g.data());
    const expected = xs.map((x) => 0.5 * (1 + erf(x / Math.SQRT2)) + (x * Math.exp(-x * x / 2)) / Math.sqrt(2 * Math.PI));
    got.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 4));
    g.dispose();
  });
});

describe('layerNorm', () => {
  it('normalises with the biased variance and the given ε', async () => {
    const x = tf.tensor2d([[1, 2, 3, 4]]);
    const y = layerNorm(x, tf.ones([4]) as tf.Tensor1D, tf.zeros([4]) as tf.Tensor1D, 1e-12);
    const mean = 2.5;
    const sd = Math.sqrt(((1.5 ** 2 + 0.5 ** 2) * 2) / 4);
    Array.from(await y.data()).forEach((v, i) => expect(v).toBeCloseTo((i + 1 - mean) / sd, 5));
    tf.dispose([x, y]);
  });
});
