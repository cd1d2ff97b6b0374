import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { values } from '../losses/testing.ts';
import { studentArgmax, teacherArgmax } from './argmax.ts';

describe('argmax', () => {
  it('student: over the full output space, first index on ties', async () => {
    expect(await values(() => studentArgmax(tf.tensor2d([[0, 3, 1], [2, 2, 0]])))).toEqual([1, 0]);
  });
  it('dense teacher: argmax of its logits', async () => {
    expect(await values(() => teacherArgmax({ kind: 'dense', logits: tf.tensor2d([[0, 3, 1], [5, 2, 0]]) }))).toEqual([1, 0]);
  });
  it('top-k teacher: the id with the largest logit among the K, whatever the order of the ids', async () => {
    const top = await values(() =>
      teacherArgmax({ kind: 'topk', ids: tf.tensor2d([[7, 2, 9], [4, 1, 0]], undefined, 'int32'), logits: tf.tensor2d([[1, 3, 2], [5, 4, 3]]) }),
    );
    expect(top).toEqual([2, 4]);
  });
});
