import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { floorAt } from './floor_at.ts';

const xs = [NaN, -Infinity, Infinity, -2e4, -1e4, -9999.5, 3, 0, -1e30, 1e30];

describe('floorAt', () => {
  it('has tf.maximum’s values, NaN and ±∞ included', async () => {
    const x = tf.tensor1d(xs);
    const got = Array.from(await floorAt(x, -1e4).data());
    expect(got).toEqual([NaN, -1e4, Infinity, -1e4, -1e4, -9999.5, 3, 0, -1e4, Math.fround(1e30)]);
    expect(got).toEqual(Array.from(await tf.maximum(x, -1e4).data()));
    x.dispose();
  });

  it('has tf.maximum’s gradient: dy where x ≥ floor (equality included), 0 below', async () => {
    const x = tf.tensor1d(xs);
    const dy = tf.tensor1d(xs.map((_, i) => i + 1));
    const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(floorAt(t, -1e4), dy)))(x);
    const got = Array.from(await g.data());
    // At a NaN input tf.maximum gives 0; the wasm path gives NaN (the non-finite guard then skips the step).
    const atNaN = tf.getBackend() === 'wasm' ? NaN : 0;
    expect(got).toEqual([atNaN, 0, 3, 0, 5, 6, 7, 8, 0, 10]);
    tf.dispose([x, dy, g]);
  });

  it('refuses a floor that is not finite', () => {
    const x = tf.zeros([2]);
    expect(() => floorAt(x, -Infinity)).toThrow(/finite/);
    x.dispose();
  });
});
