import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { exp } from './exp.ts';

describe('exp', () => {
  it('equals eˣ to within 1e-6 relative on log-probabilities, and maps NaN and ±∞ as tf.exp', async () => {
    const xs = Array.from({ length: 2001 }, (_, i) => -80 + i * 0.045); // [−80, 10]
    const got = await exp(tf.tensor1d(xs)).data();
    const ref = (x: number) => Math.exp(Math.fround(x)); // of the float32 input
    const tolerance = tf.getBackend() === 'wasm' ? 1e-6 : 1e-5; // elsewhere the backend's own Exp (SwiftShader's: ≈ 2e-6)
    xs.forEach((x, i) => expect(Math.abs(got[i] - ref(x)) / ref(x)).toBeLessThan(tolerance));
    expect(Array.from(await exp(tf.tensor1d([Number.NaN, -Infinity, Infinity, 0])).data())).toEqual([Number.NaN, 0, Infinity, 1]);
  });
  it('has eˣ as its gradient', async () => {
    const xs = [-20, -3, -0.5, 0, 1.5];
    const g = await tf.grad((x: tf.Tensor) => tf.sum(exp(x)))(tf.tensor1d(xs)).data();
    xs.forEach((x, i) => expect(g[i]).toBeCloseTo(Math.exp(x), 5));
  });
});
