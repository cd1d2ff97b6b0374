import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { mseLoss } from './mse.ts';
import type { TeacherBatch } from './teacher.ts';
import { disposeTeacher, expectAllClose, expectNoLeak, GRAD_RTOL, gradCheck, values } from './testing.ts';

async function mse(student: number[][], teacher: () => TeacherBatch, weights: number[]): Promise<number> {
  const [v] = await values(() => mseLoss(tf.tensor2d(student), teacher(), tf.tensor1d(weights)));
  return v;
}

describe('mseLoss', () => {
  it('dense: mean over V of (s − t)², then the weighted mean over positions', async () => {
    // row 0: (0 + 4 + 9) / 3 = 13/3; row 1 has weight 0
    const teacher = (): TeacherBatch => ({ kind: 'dense', logits: tf.tensor2d([[1, 0, 0], [0, 0, 0]]) });
    expectAllClose([await mse([[1, 2, 3], [7, 7, 7]], teacher, [1, 0])], [13 / 3]);
  });
  it('top-k: on the student logits gathered at the teacher ids', async () => {
    // s at ids [2, 0] = [3, 1] vs z = [1, 1]: (4 + 0) / 2 = 2
    const teacher = (): TeacherBatch => ({ kind: 'topk', ids: tf.tensor2d([[2, 0]], undefined, 'int32'), logits: tf.tensor2d([[1, 1]]) });
    expectAllClose([await mse([[1, 2, 3]], teacher, [1])], [2]);
  });
  it('refuses a dense teacher of another width', () => {
    const [s, t, w] = [tf.zeros([1, 3]) as tf.Tensor2D, tf.zeros([1, 4]) as tf.Tensor2D, tf.ones([1]) as tf.Tensor1D];
    expect(() => mseLoss(s, { kind: 'dense', logits: t }, w)).toThrow(/mseLoss/);
    tf.dispose([s, t, w]);
  });
  it('passes finite-difference gradient checks (dense and top-k)', async () => {
    const x0 = [[0.3, -0.2, 0.8, 0.1, -1], [0, 1, -0.5, 0.7, 0.2]];
    const w = tf.tensor1d([1, 0.5]);
    const dense: TeacherBatch = { kind: 'dense', logits: tf.tensor2d([[1, 0, 0, 2, -1], [0.5, 0.5, 0, 0, 1]]) };
    const topk: TeacherBatch = { kind: 'topk', ids: tf.tensor2d([[4, 1], [0, 3]], undefined, 'int32'), logits: tf.tensor2d([[2, 1], [0.5, -1]]) };
    expect(await gradCheck((s) => mseLoss(s, dense, w), x0)).toBeLessThan(GRAD_RTOL);
    expect(await gradCheck((s) => mseLoss(s, topk, w), x0)).toBeLessThan(GRAD_RTOL);
    [dense, topk].forEach(disposeTeacher);
    w.dispose();
  });
  it('leaks no tensor through tf.variableGrads', () => {
    const s = tf.variable(tf.tensor2d([[1, 2, 3]]));
    const teacher: TeacherBatch = { kind: 'topk', ids: tf.tensor2d([[2, 0]], undefined, 'int32'), logits: tf.tensor2d([[1, 1]]) };
    const w = tf.tensor1d([1]);
    expectNoLeak(() => tf.variableGrads(() => mseLoss(s, teacher, w)));
    disposeTeacher(teacher);
    tf.dispose([s, w]);
  });
});
