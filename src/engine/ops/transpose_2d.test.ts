import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { expectAllClose, expectNoLeak, values } from '../losses/testing.ts';
import { transpose2d } from './transpose_2d.ts';

describe('transpose2d', () => {
  it('is xᵀ (hand values)', async () => {
    expectAllClose(await values(() => transpose2d(tf.tensor2d([[1, 2, 3], [4, 5, 6]]))), [1, 4, 2, 5, 3, 6]);
  });

  it('equals tf.transpose across tile edges (shapes not multiples of the tile or of four rows), for float32 and int32', async () => {
    for (const [r, c] of [[1, 1], [65, 3], [130, 129], [7, 200], [258, 131], [3, 2], [4, 9]]) {
      const x = tf.tensor2d(Float32Array.from({ length: r * c }, (_, i) => i * 0.5 - 3), [r, c]);
      expectAllClose(await values(() => transpose2d(x)), await values(() => tf.transpose(x)), 0, 0);
      const xi = tf.cast(x, 'int32') as tf.Tensor2D;
      const t = transpose2d(xi);
      expect(t.dtype).toBe('int32');
      expect(t.shape).toEqual([c, r]);
      expect(Array.from(await t.data())).toEqual(Array.from(await tf.transpose(xi).data()));
      tf.dispose([x, xi, t]);
    }
  });

  it('refuses other ranks and leaves no tensor behind', () => {
    const x = tf.zeros([2, 2, 2]);
    expect(() => transpose2d(x as unknown as tf.Tensor2D)).toThrow(/2-D/);
    expectNoLeak(() => transpose2d(tf.ones([3, 5]) as tf.Tensor2D));
    x.dispose();
  });
});
