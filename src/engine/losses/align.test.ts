import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { alignDistributions, TAIL_MASS_FLOOR } from './align.ts';
import type { TeacherBatch, TopKTeacherBatch } from './teacher.ts';
import { disposeTeacher, expectAllClose, expectNoLeak, GRAD_RTOL, gradCheck, logSumExpRef, softmaxRef, valuesOf } from './testing.ts';

// Two positions over V = 6. The teacher's top-3 ids are listed out of order on purpose.
const TEACHER = [
  [2.0, 0.5, -1.0, 1.5, 0.0, -0.5],
  [-1.0, 3.0, 0.2, 0.1, 1.0, -2.0],
];
const STUDENT = [
  [0.3, -0.2, 0.8, 0.1, -1.0, 0.4],
  [0.0, 1.0, -0.5, 0.7, 0.2, 0.3],
];
const IDS = [
  [3, 0, 1],
  [1, 4, 2],
];
const pick = (row: number[], ids: number[]): number[] => ids.map((i) => row[i]);
const outside = (row: number[], ids: number[]): number[] => row.filter((_, v) => !ids.includes(v));

function topK(withLse: boolean, ids = IDS, teacher = TEACHER): TopKTeacherBatch {
  return {
    kind: 'topk',
    ids: tf.tensor2d(ids, undefined, 'int32'),
    logits: tf.tensor2d(teacher.map((row, p) => pick(row, ids[p]))),
    logsumexp: withLse ? tf.tensor1d(teacher.map(logSumExpRef)) : undefined,
  };
}

/** exp(logP), exp(logQ) of alignDistributions, flattened. */
async function aligned(teacher: () => TeacherBatch, temperature: number, student = STUDENT): Promise<number[][]> {
  return valuesOf(() => {
    const { logP, logQ } = alignDistributions(tf.tensor2d(student), teacher(), temperature);
    return [tf.exp(logP), tf.exp(logQ)];
  });
}

describe('alignDistributions, dense teacher', () => {
  it('is softmax(t/T), softmax(s/T) over V', async () => {
    const [p, q] = await aligned(() => ({ kind: 'dense', logits: tf.tensor2d(TEACHER) }), 2);
    expectAllClose(p, TEACHER.flatMap((r) => softmaxRef(r, 2)));
    expectAllClose(q, STUDENT.flatMap((r) => softmaxRef(r, 2)));
  });
  it('refuses a teacher of another width', () => {
    const [s, t] = [tf.tensor2d(STUDENT), tf.zeros([2, 5]) as tf.Tensor2D];
    expect(() => alignDistributions(s, { kind: 'dense', logits: t }, 1)).toThrow(/differ in shape/);
    expect(() => alignDistributions(s, { kind: 'dense', logits: t }, 0)).toThrow(/temperature/);
    tf.dispose([s, t]);
  });
});

describe('alignDistributions, top-k teacher with logsumexp (K + 1 buckets)', () => {
  it('at T = 1 is exact: [p_id1 … p_idK, 1 − Σ p_k] of the full softmax, same for the student', async () => {
    const [p, q] = await aligned(() => topK(true), 1);
    const buckets = (row: number[], ids: number[]): number[] => {
      const full = softmaxRef(row);
      const top = pick(full, ids);
      return [...top, 1 - top.reduce((a, b) => a + b, 0)];
    };
    expectAllClose(p, TEACHER.flatMap((r, i) => buckets(r, IDS[i])));
    expectAllClose(q, STUDENT.flatMap((r, i) => buckets(r, IDS[i])));
  });
  it('at T ≠ 1 tempers the bucket logits [z_k…, log-mass of the tail] on both sides', async () => {
    const [p, q] = await aligned(() => topK(true), 2);
    const bucketLogits = (row: number[], ids: number[]): number[] => [...pick(row, ids), logSumExpRef(outside(row, ids))];
    expectAllClose(p, TEACHER.flatMap((r, i) => softmaxRef(bucketLogits(r, IDS[i]), 2)));
    expectAllClose(q, STUDENT.flatMap((r, i) => softmaxRef(bucketLogits(r, IDS[i]), 2)));
  });
  it('with K = V equals the dense distribution, the tail bucket ≈ 0', async () => {
    const all = [[5, 0, 2, 1, 4, 3], [0, 1, 2, 3, 4, 5]];
    const [p, q] = await aligned(() => topK(true, all), 1);
    const expected = (rows: number[][]): number[] => rows.flatMap((r, i) => [...pick(softmaxRef(r), all[i]), 0]);
    expectAllClose(p, expected(TEACHER), 1e-6);
    expectAllClose(q, expected(STUDENT), 1e-6);
  });
  it('stays finite when rounding leaves the teacher tail ≤ 0 (lse below logsumexp of the top-k)', async () => {
    const [logP] = await valuesOf(() => {
      const teacher: TeacherBatch = {
        kind: 'topk',
        ids: tf.tensor2d([[0, 1]], undefined, 'int32'),
        logits: tf.tensor2d([[1, 1]]),
        logsumexp: tf.tensor1d([1 + Math.LN2 - 1e-4]), // p_tail = 1 − e^{1e−4} < 0 → floored
      };
      return [alignDistributions(tf.tensor2d([[0, 0, 0]]), teacher, 2).logP];
    });
    expect(logP.every(Number.isFinite)).toBe(true);
    // tail logit = lse + log(1e−12); after /T and normalisation its log-prob is ≈ log(1e−12)/2 − log 2·… < −13
    expect(logP[2]).toBeLessThan(Math.log(TAIL_MASS_FLOOR) / 2 + 1);
  });
  it('gives the student a correct gradient (gathered ids and tail logsumexp)', async () => {
    const teacher = topK(true);
    const c = tf.tensor2d([[0.3, -1, 0.5, 2], [1, 0.2, -0.7, 0.4]]);
    const err = await gradCheck((s) => tf.sum(tf.mul(alignDistributions(s, teacher, 2).logQ, c)), STUDENT);
    expect(err).toBeLessThan(GRAD_RTOL);
    disposeTeacher(teacher);
    c.dispose();
  });
});

describe('alignDistributions, top-k teacher without logsumexp (renormalised)', () => {
  it('is softmax(z/T) and softmax(s_ids/T) over the K ids', async () => {
    const [p, q] = await aligned(() => topK(false), 2);
    expectAllClose(p, TEACHER.flatMap((r, i) => softmaxRef(pick(r, IDS[i]), 2)));
    expectAllClose(q, STUDENT.flatMap((r, i) => softmaxRef(pick(r, IDS[i]), 2)));
  });
  it('refuses mismatched shapes and non-integer ids', () => {
    const s = tf.tensor2d(STUDENT);
    const bad: TeacherBatch = { kind: 'topk', ids: tf.zeros([3, 2], 'int32') as tf.Tensor2D, logits: tf.zeros([3, 2]) as tf.Tensor2D };
    expect(() => alignDistributions(s, bad, 1)).toThrow(/do not match/);
    const floatIds: TeacherBatch = { kind: 'topk', ids: tf.zeros([2, 2]) as tf.Tensor2D, logits: tf.zeros([2, 2]) as tf.Tensor2D };
    expect(() => alignDistributions(s, floatIds, 1)).toThrow(/int32/);
    tf.dispose([s, bad.ids, bad.logits, floatIds.ids, floatIds.logits]);
  });
});

describe('alignDistributions memory', () => {
  it('leaks no tensor through a gradient of each path', () => {
    const s = tf.variable(tf.tensor2d(STUDENT));
    const teachers: TeacherBatch[] = [{ kind: 'dense', logits: tf.tensor2d(TEACHER) }, topK(true), topK(false)];
    for (const teacher of teachers) expectNoLeak(() => tf.variableGrads(() => tf.sum(alignDistributions(s, teacher, 2).logQ)));
    teachers.forEach(disposeTeacher);
    s.dispose();
  });
});
