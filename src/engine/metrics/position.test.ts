import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { studentStats } from '../losses/stats.ts';
import { disposeTeacher, expectAllClose, expectNoLeak, klRef, softmaxRef, topKOfRows, valuesOf } from '../losses/testing.ts';
import type { TeacherBatch } from '../losses/teacher.ts';
import { positionMetrics } from './position.ts';

const TEACHER = [
  [2.0, 0.5, -1.0, 1.5],
  [-1.0, 3.0, 0.2, 0.1],
  [0.0, 0.0, 4.0, 0.0],
];
const STUDENT = [
  [1.0, 0.0, 0.0, 0.5], // argmax 0 = teacher's
  [0.0, 0.5, 1.0, 0.0], // argmax 2 ≠ teacher's 1
  [0.0, 0.0, 2.0, 0.0], // argmax 2 = teacher's
];

type Fields = 'agree' | 'probLoyalty' | 'kl' | 'labelled' | 'teacherCorrect' | 'studentCorrect';
const FIELDS: Fields[] = ['agree', 'probLoyalty', 'kl', 'labelled', 'teacherCorrect', 'studentCorrect'];

/** The metrics read back by field name (absent fields omitted). */
async function metrics(student: number[][], teacher: () => TeacherBatch, labels?: number[]): Promise<Partial<Record<Fields, number[]>>> {
  let present: Fields[] = [];
  const data = await valuesOf(() => {
    const t = teacher();
    const stats = studentStats({ kind: 'logits', logits: tf.tensor2d(student) }, t, { metrics: true }, { chunkFloats: 2 * student.length });
    const m = positionMetrics(stats, t, labels ? tf.tensor1d(labels, 'int32') : undefined);
    present = FIELDS.filter((f) => m[f] !== undefined);
    return present.map((f) => m[f] as tf.Tensor);
  });
  return Object.fromEntries(present.map((f, i) => [f, data[i]]));
}

const dense = (logits = TEACHER) => (): TeacherBatch => ({ kind: 'dense', logits: tf.tensor2d(logits) });

describe('positionMetrics', () => {
  it('gives agree 1, prob loyalty 1 and KL 0 for a student identical to the teacher', async () => {
    const m = await metrics(TEACHER, dense());
    expect(m.agree).toEqual([1, 1, 1]);
    expectAllClose(m.probLoyalty ?? [], [1, 1, 1], 2e-3); // √ amplifies rounding near JS = 0
    expectAllClose(m.kl ?? [], [0, 0, 0], 1e-6);
  });
  it('gives prob loyalty ≈ 0 when the two put their mass on different outcomes', async () => {
    const m = await metrics([[-50, 50]], dense([[50, -50]]));
    expect(m.agree).toEqual([0]);
    expectAllClose(m.probLoyalty ?? [], [0], 1e-3);
  });
  it('agree compares argmaxes; KL(p ‖ q) is in nats at T = 1', async () => {
    const m = await metrics(STUDENT, dense());
    expect(m.agree).toEqual([1, 0, 1]);
    expectAllClose(m.kl ?? [], TEACHER.map((t, i) => klRef(softmaxRef(t), softmaxRef(STUDENT[i]))));
    expect(m.labelled).toBeUndefined();
    expect(m.teacherCorrect).toBeUndefined();
  });
  it('a trimmed set\'s dropped-token bucket is an outcome for KL but no token for the argmax (both sides)', async () => {
    // the bucket (last column) is each side's most probable outcome; agree compares the best tokens
    const teacher = [[0, 1, 0.5, 9], [1, 0, 3, 9]];
    const student = [[2, 1, 0, 9], [0, 0, 4, 9]];
    const bucketed = (): TeacherBatch => ({ kind: 'dense', logits: tf.tensor2d(teacher), droppedColumn: true });
    const m = await metrics(student, bucketed); // chunks [0, 2) and [2, 4): the bucket shares a chunk
    expect(m.agree).toEqual([0, 1]);
    expectAllClose(m.kl ?? [], teacher.map((t, i) => klRef(softmaxRef(t), softmaxRef(student[i]))));
    expect((await metrics(student, dense(teacher))).agree).toEqual([1, 1]); // as plain tokens the bucket agrees
  });
  it('with labels: labelled mask and per-position correctness of both models (0 where unlabelled)', async () => {
    const m = await metrics(STUDENT, dense(), [0, 1, -100]);
    expect(m.labelled).toEqual([1, 1, 0]);
    expect(m.teacherCorrect).toEqual([1, 1, 0]);
    expect(m.studentCorrect).toEqual([1, 0, 0]);
  });
  it('top-k teacher: teacher argmax is the best of its ids; KL on the K + 1 buckets', async () => {
    const ids = [[3, 0], [2, 1], [2, 3]];
    const teacher = (): TeacherBatch => topKOfRows(TEACHER, ids, true);
    const m = await metrics(STUDENT, teacher, [0, 2, 2]);
    expect(m.agree).toEqual([1, 0, 1]);
    expect(m.teacherCorrect).toEqual([1, 0, 1]);
    const buckets = (row: number[], k: number[]): number[] => {
      const top = k.map((i) => softmaxRef(row)[i]);
      return [...top, 1 - top.reduce((a, b) => a + b, 0)];
    };
    expectAllClose(m.kl ?? [], TEACHER.map((t, i) => klRef(buckets(t, ids[i]), buckets(STUDENT[i], ids[i]))));
  });
  it('leaks no tensor', () => {
    const [s, labels] = [tf.tensor2d(STUDENT), tf.tensor1d([0, 1, -100], 'int32')];
    const teacher = dense()();
    expectNoLeak(() => positionMetrics(studentStats({ kind: 'logits', logits: s }, teacher, { metrics: true }), teacher, labels));
    disposeTeacher(teacher);
    tf.dispose([s, labels]);
  });
});
