import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { logAddExp, logMix } from './log_math.ts';
import { expectAllClose, values, valuesOf } from './testing.ts';

describe('logAddExp', () => {
  it('is log(e^a + e^b), stable for large and −∞ arguments', async () => {
    const out = await values(() => logAddExp(tf.tensor1d([0, 1000, -Infinity, Math.log(0.3)]), tf.tensor1d([0, 1000, 2, Math.log(0.7)])));
    expectAllClose(out, [Math.LN2, 1000 + Math.LN2, 2, 0], 1e-5);
  });
  it('splits the gradient ½/½ at a tie (the max-shift path contributes 0)', async () => {
    const [ga, gb] = await valuesOf(() => tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.sum(logAddExp(a, b)))([tf.tensor1d([0.25]), tf.tensor1d([0.25])]));
    expectAllClose([...ga, ...gb], [0.5, 0.5]);
  });
});

describe('logMix', () => {
  it('is log(w·p + (1−w)·q) and returns the inputs at w = 0 and w = 1', async () => {
    // 0.1·[0.5, 0.5] + 0.9·[0.9, 0.1] = [0.86, 0.14]
    const mix = await values(() => tf.exp(logMix(tf.log(tf.tensor1d([0.5, 0.5])), tf.log(tf.tensor1d([0.9, 0.1])), 0.1)));
    expectAllClose(mix, [0.86, 0.14]);
    const [logP, logQ] = [tf.tensor1d([-1, -2]), tf.tensor1d([-3, -4])];
    expect(logMix(logP, logQ, 0)).toBe(logQ);
    expect(logMix(logP, logQ, 1)).toBe(logP);
    expect(() => logMix(logP, logQ, 1.5)).toThrow(/\[0, 1\]/);
    tf.dispose([logP, logQ]);
  });
});

describe('logMix at log 0', () => {
  it('is finite (≈ the floor) where both distributions give 0, not NaN', async () => {
    const out = await values(() => logMix(tf.tensor1d([0, -Infinity]), tf.tensor1d([0, -Infinity]), 0.5));
    expect(out[0]).toBeCloseTo(0, 6);
    expect(Number.isFinite(out[1]) && out[1] < -9000).toBe(true);
  });
});
