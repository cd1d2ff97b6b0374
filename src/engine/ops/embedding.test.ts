import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { expectAllClose, expectNoLeak, values, valuesOf } from '../losses/testing.ts';
import { embeddingLookup } from './embedding.ts';

describe('embeddingLookup', () => {
  const table = () => tf.tensor2d([[1, 2], [3, 4], [5, 6]]);

  it('returns the rows at ids, repeats included', async () => {
    const out = await values(() => embeddingLookup(table(), tf.tensor1d([2, 0, 2], 'int32')));
    expectAllClose(out, [5, 6, 1, 2, 5, 6]);
  });

  it('has the gradient of tf.gather: dy rows summed into their ids, 0 for unused rows (hand values)', async () => {
    const dy = tf.tensor2d([[1, 10], [2, 20], [4, 40]]);
    const loss = (f: (t: tf.Tensor2D, i: tf.Tensor1D) => tf.Tensor) => (t: tf.Tensor) => tf.sum(tf.mul(f(t as tf.Tensor2D, tf.tensor1d([2, 0, 2], 'int32')), dy));
    const [ours, ref] = await valuesOf(() => [tf.grad(loss(embeddingLookup))(table()), tf.grad(loss((t, i) => tf.gather(t, i)))(table())]);
    expectAllClose(ours, [2, 20, 0, 0, 5, 50]); // row 0 ← dy[1]; row 2 ← dy[0] + dy[2]
    expectAllClose(ours, ref);
    dy.dispose();
  });

  it('gathers rows of a wide table at many ids (the row-copy kernel on wasm)', async () => {
    const [v, d, n] = [50, 37, 300];
    const t = tf.tensor2d(Float32Array.from({ length: v * d }, (_, k) => k * 0.25 - 7), [v, d]);
    const ids = tf.tensor1d(Array.from({ length: n }, (_, k) => (k * 17 + 3) % v), 'int32');
    expectAllClose(await values(() => embeddingLookup(t, ids)), await values(() => tf.gather(t, ids)), 0, 0);
    tf.dispose([t, ids]);
  });

  it.runIf(tf.getBackend() === 'wasm')('throws on an id outside the table (wasm kernel)', () => {
    const t = table();
    const ids = tf.tensor1d([0, 3], 'int32');
    expect(() => embeddingLookup(t, ids)).toThrow(/id 3 at position 1 is outside \[0, 3\)/);
    tf.dispose([t, ids]);
  });

  it('refuses float ids and leaves no tensor behind', () => {
    const t = table();
    const ids = tf.tensor1d([0, 1]);
    expect(() => embeddingLookup(t, ids)).toThrow(/int32/);
    expectNoLeak(() => tf.grad((x: tf.Tensor) => tf.sum(embeddingLookup(x as tf.Tensor2D, tf.tensor1d([1, 1], 'int32'))))(t));
    tf.dispose([t, ids]);
  });
});
