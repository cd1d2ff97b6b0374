import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { addNChunked, concatChunked, stackChunked } from './chunked.ts';

// 17 inputs: more than the 8 storage buffers a default WebGPU device allows one shader.
const scalars = () => Array.from({ length: 17 }, (_, i) => tf.scalar(i + 1));

describe('chunked variadic ops', () => {
  it('addNChunked sums many tensors', async () => {
    const xs = scalars();
    const s = addNChunked(xs);
    expect((await s.data())[0]).toBe(153);
    tf.dispose([...xs, s]);
  });
  it('stackChunked keeps order', async () => {
    const xs = scalars();
    const s = stackChunked(xs);
    expect(s.shape).toEqual([17]);
    expect(Array.from(await s.data())).toEqual(Array.from({ length: 17 }, (_, i) => i + 1));
    tf.dispose([...xs, s]);
  });
  it('concatChunked concatenates along an axis', async () => {
    const xs = Array.from({ length: 9 }, (_, i) => tf.fill([2, 1], i));
    const c = concatChunked(xs, 1);
    expect(c.shape).toEqual([2, 9]);
    expect(Array.from(await c.data()).slice(0, 9)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    tf.dispose([...xs, c]);
  });
  it('leaves no intermediate tensor behind', () => {
    const xs = scalars();
    const before = tf.memory().numTensors;
    const s = addNChunked(xs);
    expect(tf.memory().numTensors).toBe(before + 1);
    tf.dispose([...xs, s]);
  });
});
