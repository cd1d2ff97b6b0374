import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { expectAllClose, values } from './testing.ts';
import { weightedMean } from './weighted_mean.ts';

describe('weightedMean', () => {
  it('is Σ w·x / max(Σ w, 1)', async () => {
    // (1·2 + 0·100 + 1·4) / 2 = 3
    expectAllClose(await values(() => weightedMean(tf.tensor1d([2, 100, 4]), tf.tensor1d([1, 0, 1]))), [3]);
  });
  it('is 0 when no position is selected', async () => {
    expect(await values(() => weightedMean(tf.tensor1d([2, 3]), tf.tensor1d([0, 0])))).toEqual([0]);
  });
  it('ignores NaN and ∞ at weight-0 positions', async () => {
    expectAllClose(await values(() => weightedMean(tf.tensor1d([NaN, 5, Infinity]), tf.tensor1d([0, 1, 0]))), [5]);
  });
  it('refuses mismatched lengths', () => {
    const [x, w] = [tf.tensor1d([1, 2]), tf.tensor1d([1])];
    expect(() => weightedMean(x, w)).toThrow(/2 values but 1 weights/);
    tf.dispose([x, w]);
  });
});
