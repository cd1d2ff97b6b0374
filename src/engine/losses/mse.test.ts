import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import type { TeacherBatch } from './teacher.ts';
import { disposeTeacher, expectAllClose, expectNoLeak, GRAD_RTOL, gradCheck, lossTerm, values } from './testing.ts';

async function mse(student: number[][], teacher: () => TeacherBatch, weights: number[]): Promise<number> {
  const [v] = await values(() => lossTerm('mse', tf.tensor2d(student), teacher(), { weights }));
  return v;
}

describe('mse: logit matching', () => {
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
    const [s, t] = [tf.zeros([1, 3]) as tf.Tensor2D, tf.zeros([1, 4]) as tf.Tensor2D];
    expect(() => lossTerm('mse', s, { kind: 'dense', logits: t }, { weights: [1] })).toThrow(/do not match the head/);
    tf.dispose([s, t]);
  });
  it('passes finite-difference gradient checks (dense and top-k)', async () => {
    const x0 = [[0.3, -0.2, 0.8, 0.1, -1], [0, 1, -0.5, 0.7, 0.2]];
    const dense: TeacherBatch = { kind: 'dense', logits: tf.tensor2d([[1, 0, 0, 2, -1], [0.5, 0.5, 0, 0, 1]]) };
    const topk: TeacherBatch = { kind: 'topk', ids: tf.tensor2d([[4, 1], [0, 3]], undefined, 'int32'), logits: tf.tensor2d([[2, 1], [0.5, -1]]) };
    expect(await gradCheck((s) => lossTerm('mse', s, dense, { weights: [1, 0.5] }), x0)).toBeLessThan(GRAD_RTOL);
    expect(await gradCheck((s) => lossTerm('mse', s, topk, { weights: [1, 0.5] }), x0)).toBeLessThan(GRAD_RTOL);
    [dense, topk].forEach(disposeTeacher);
  });
  it('leaks no tensor through tf.variableGrads', () => {
    const s = tf.variable(tf.tensor2d([[1, 2, 3]]));
    const teacher: TeacherBatch = { kind: 'topk', ids: tf.tensor2d([[2, 0]], undefined, 'int32'), logits: tf.tensor2d([[1, 1]]) };
    expectNoLeak(() => tf.variableGrads(() => lossTerm('mse', s, teacher, { weights: [1] })));
    disposeTeacher(teacher);
    s.dispose();
  });
});
