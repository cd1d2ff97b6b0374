import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { scaleRowsScatterAdd } from './scale_rows_scatter_add.ts';

describe('scaleRowsScatterAdd (every backend)', () => {
  it('equals x · factor per row + a scatter that sums duplicates', async () => {
    const x = tf.tensor2d([[1, 2, 3, 4, 5], [6, 7, 8, 9, 10], [0, -1, 2, -3, 4]]);
    const factor = tf.tensor1d([2, -1, 0.5]);
    const indices = tf.tensor2d([[0, 4], [2, 0], [0, 4], [1, 1]], [4, 2], 'int32');
    const updates = tf.tensor1d([10, 20, 30, 0.25]);
    expect(await scaleRowsScatterAdd(x, factor, indices, updates).array()).toEqual([
      [2, 4, 6, 8, 10 + 40],
      [-6, -7 + 0.25, -8, -9, -10],
      [0 + 20, -0.5, 1, -1.5, 2],
    ]);
  });
  it('matches tf ops on a chunk-sized case with a short tail of columns', async () => {
    const [p, w, n] = [37, 1027, 500];
    const x = tf.randomNormal([p, w], 0, 1, 'float32', 1) as tf.Tensor2D;
    const factor = tf.randomNormal([p], 0, 1, 'float32', 2) as tf.Tensor1D;
    const rows = tf.randomUniform([n], 0, p, 'int32', 3);
    const cols = tf.randomUniform([n], 0, w, 'int32', 4);
    const indices = tf.stack([rows, cols], 1) as tf.Tensor2D;
    const updates = tf.randomNormal([n], 0, 1, 'float32', 5) as tf.Tensor1D;
    const want = tf.add(tf.mul(x, tf.reshape(factor, [p, 1])), tf.scatterND(indices, updates, [p, w]));
    const err = (await tf.max(tf.abs(tf.sub(scaleRowsScatterAdd(x, factor, indices, updates), want))).data())[0]; // async: webgpu in Node has no readSync
    expect(err).toBeLessThan(1e-5);
  });
});

describe.runIf(tf.getBackend() === 'wasm')('wasm DistillScaleRowsScatterAdd', () => {
  it('refuses an index outside x (it would write past the output)', () => {
    const x = tf.zeros([2, 3]) as tf.Tensor2D;
    const indices = tf.tensor2d([[1, 3]], [1, 2], 'int32');
    expect(() => scaleRowsScatterAdd(x, tf.ones([2]) as tf.Tensor1D, indices, tf.ones([1]) as tf.Tensor1D)).toThrow(/index \(1, 3\) outside \[2, 3\]/);
  });
});
