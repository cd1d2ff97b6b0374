import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { upstreamHasUnsortedSegmentSum } from './wasm_unsorted_segment_sum.ts';

describe('upstream (tfjs-backend-wasm 4.22): is the UnsortedSegmentSum kernel still needed?', () => {
  it('tfjs-backend-wasm still ships none (true: drop this patch, tfjs has its own)', () => {
    expect(upstreamHasUnsortedSegmentSum()).toBe(false);
  });
});

describe.runIf(tf.getBackend() === 'wasm')('wasm UnsortedSegmentSum', () => {
  it('sums rows into their segments and drops ids outside [0, numSegments) (hand values)', async () => {
    const x = tf.tensor2d([[1, 2], [3, 4], [5, 6], [7, 8]]);
    const ids = tf.tensor1d([2, 0, 2, 5], 'int32');
    const out = tf.unsortedSegmentSum(x, ids, 3);
    expect(Array.from(await out.data())).toEqual([3, 4, 0, 0, 6, 8]);
    tf.dispose([x, ids, out]);
  });
});
