import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import type { TeacherBatch } from './teacher.ts';
import { disposeTeacher, expectAllClose, expectNoLeak, GRAD_RTOL, gradCheck, lossTerm, topKOfRows, values } from './testing.ts';

const LOGITS = [
  [1, 2, 3],
  [1, 1, 1],
  [0, 0, 5],
];
const dense = (): TeacherBatch => ({ kind: 'dense', logits: tf.zeros([3, 3]) as tf.Tensor2D });
const topk = (): TeacherBatch => topKOfRows([[0, 1, 2], [2, 1, 0], [0, 0, 1]], [[2, 1], [0, 1], [2, 0]], true);

async function hard(logits: number[][], labels: number[], teacher = dense): Promise<number> {
  const [v] = await values(() => lossTerm('hard', tf.tensor2d(logits), teacher(), { labels }));
  return v;
}

describe('hard: cross-entropy against labels', () => {
  for (const [name, teacher] of [['dense teacher', dense], ['top-k teacher (lse from the tail and the top-k)', topk]] as const) {
    it(`${name}: the mean cross-entropy over labelled positions, matching hand values`, async () => {
      // row 0, label 2: log(e + e² + e³) − 3 = log(1 + e⁻¹ + e⁻²) = 0.4076060
      // row 2, label 0: log(2 + e⁵) − 0 = 5.0133859;  row 1 is −100.  mean = 2.7104959
      expectAllClose([await hard(LOGITS, [2, -100, 0], teacher)], [2.7104959]);
    });
  }
  it('ignores −100 positions whatever their logits', async () => {
    const changed = [LOGITS[0], [50, -50, 7], LOGITS[2]];
    expect(await hard(changed, [2, -100, 0])).toBe(await hard(LOGITS, [2, -100, 0]));
  });
  it('is 0 when no position is labelled', async () => {
    expect(await hard(LOGITS, [-100, -100, -100])).toBe(0);
  });
  it('passes a finite-difference gradient check (dense and top-k teachers, labels inside and outside the top-k)', async () => {
    const x0 = [[0.3, -0.2, 0.8, 0.1, -1], [0, 1, -0.5, 0.7, 0.2]];
    const teachers: TeacherBatch[] = [{ kind: 'dense', logits: tf.zeros([2, 5]) as tf.Tensor2D }, topKOfRows([[0, 1, 2, 3, 4], [4, 3, 2, 1, 0]], [[4, 3], [0, 1]], true)];
    for (const teacher of teachers) {
      expect(await gradCheck((s) => lossTerm('hard', s, teacher, { labels: [3, 2] }), x0)).toBeLessThan(GRAD_RTOL);
    }
    teachers.forEach(disposeTeacher);
  });
  it('leaks no tensor through tf.variableGrads', () => {
    const s = tf.variable(tf.tensor2d(LOGITS));
    for (const make of [dense, topk]) {
      const teacher = make();
      expectNoLeak(() => tf.variableGrads(() => lossTerm('hard', s, teacher, { labels: [2, -100, 0] })));
      disposeTeacher(teacher);
    }
    s.dispose();
  });
});
