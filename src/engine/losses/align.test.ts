import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { gatheredHeadStats } from '../head/gathered.ts';
import { alignTopK, TAIL_MASS_FLOOR } from './align.ts';
import { DIVERGENCES } from './divergences/index.ts';
import type { TopKTeacherBatch } from './teacher.ts';
import { disposeTeacher, expectAllClose, expectNoLeak, GRAD_RTOL, gradCheck, logSumExpRef, softmaxRef, topKOfRows, valuesOf } from './testing.ts';

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

/** alignTopK on the student's chunked head statistics (logits head, chunks of 2). */
function align(student: tf.Tensor2D, teacher: TopKTeacherBatch, temperature: number) {
  const s = gatheredHeadStats({ kind: 'logits', logits: student }, { ids: teacher.ids, exclude: teacher.ids.shape[1] }, { chunkFloats: 2 * student.shape[0] });
  return alignTopK({ topk: s.gathered, tail: s.tail }, teacher, temperature);
}

async function aligned(teacher: () => TopKTeacherBatch, temperature: number, student = STUDENT): Promise<number[][]> {
  return valuesOf(() => {
    const { logP, logQ } = align(tf.tensor2d(student), teacher(), temperature);
    return [tf.exp(logP), tf.exp(logQ)];
  });
}

describe('alignTopK, top-k teacher with logsumexp (K + 1 buckets)', () => {
  it('at T = 1 is exact: [p_id1 … p_idK, 1 − Σ p_k] of the full softmax, same for the student', async () => {
    const [p, q] = await aligned(() => topKOfRows(TEACHER, IDS, true), 1);
    const buckets = (row: number[], ids: number[]): number[] => {
      const top = pick(softmaxRef(row), ids);
      return [...top, 1 - top.reduce((a, b) => a + b, 0)];
    };
    expectAllClose(p, TEACHER.flatMap((r, i) => buckets(r, IDS[i])));
    expectAllClose(q, STUDENT.flatMap((r, i) => buckets(r, IDS[i])));
  });
  it('at T ≠ 1 tempers the bucket logits [z_k…, log-mass of the tail] on both sides', async () => {
    const [p, q] = await aligned(() => topKOfRows(TEACHER, IDS, true), 2);
    const bucketLogits = (row: number[], ids: number[]): number[] => [...pick(row, ids), logSumExpRef(outside(row, ids))];
    expectAllClose(p, TEACHER.flatMap((r, i) => softmaxRef(bucketLogits(r, IDS[i]), 2)));
    expectAllClose(q, STUDENT.flatMap((r, i) => softmaxRef(bucketLogits(r, IDS[i]), 2)));
  });
  it('with K = V equals the dense distribution; both empty tails sit at the floor and add nothing to any divergence', async () => {
    const all = [[5, 0, 2, 1, 4, 3], [0, 1, 2, 3, 4, 5]];
    const [p, q] = await aligned(() => topKOfRows(TEACHER, all, true), 1);
    const expected = (rows: number[][]): number[] => rows.flatMap((r, i) => [...pick(softmaxRef(r), all[i]), TAIL_MASS_FLOOR]);
    expectAllClose(p, expected(TEACHER), 1e-6);
    expectAllClose(q, expected(STUDENT), 1e-6);
  });
  it('floors a tail after tempering, not before: a 1e-20 teacher tail stays tiny at T = 4 instead of becoming the floor^(1/4)', async () => {
    // teacher: two top ids at 0, the tail's T = 1 log-mass −46 (1e−20); at T = 4 its bucket is e^(−46/4) / (2 + …) ≈ 5e−6
    const teacher = (): TopKTeacherBatch => ({ kind: 'topk', ids: tf.tensor2d([[0, 1]], undefined, 'int32'), logits: tf.tensor2d([[0, 0]]), tail: tf.tensor1d([-46]) });
    const [p] = await aligned(teacher, 4, [[0, 0, -3]]);
    const expected = softmaxRef([0, 0, -46], 4);
    expectAllClose(p, expected, 0, 1e-5);
    expect(p[2]).toBeLessThan(1e-5); // the former floor-then-temper rule gave (1e−12)^(1/4) = 1e−3
  });
  it('keeps reverse KL bounded by log(1/ε) when the teacher tail is empty (rounding) and the student puts mass there', async () => {
    const teacher = (): TopKTeacherBatch => ({ kind: 'topk', ids: tf.tensor2d([[0, 1]], undefined, 'int32'), logits: tf.tensor2d([[1, 1]]), tail: tf.tensor1d([-1e30]) });
    const [rkl, logP] = await valuesOf(() => {
      const { logP, logQ } = align(tf.tensor2d([[0, 0, 3]]), teacher(), 2);
      return [DIVERGENCES.rkl(logP, logQ, { skew_alpha: 0.1, jsd_beta: 0.5 }), logP];
    });
    expect(logP.every(Number.isFinite)).toBe(true);
    expectAllClose([logP[2]], [Math.log(TAIL_MASS_FLOOR)], 1e-4);
    expect(rkl[0]).toBeGreaterThan(1);
    expect(rkl[0]).toBeLessThanOrEqual(-Math.log(TAIL_MASS_FLOOR));
  });
  it('gives the student a correct gradient (gathered ids and tail)', async () => {
    const teacher = topKOfRows(TEACHER, IDS, true);
    const c = tf.tensor2d([[0.3, -1, 0.5, 2], [1, 0.2, -0.7, 0.4]]);
    const err = await gradCheck((s) => tf.sum(tf.mul(align(s, teacher, 2).logQ, c)), STUDENT);
    expect(err).toBeLessThan(GRAD_RTOL);
    disposeTeacher(teacher);
    c.dispose();
  });
});

describe('alignTopK, top-k teacher without logsumexp (renormalised)', () => {
  it('is softmax(z/T) and softmax(s_ids/T) over the K ids', async () => {
    const [p, q] = await aligned(() => topKOfRows(TEACHER, IDS, false), 2);
    expectAllClose(p, TEACHER.flatMap((r, i) => softmaxRef(pick(r, IDS[i]), 2)));
    expectAllClose(q, STUDENT.flatMap((r, i) => softmaxRef(pick(r, IDS[i]), 2)));
  });
  it('refuses mismatched shapes and a temperature ≤ 0', () => {
    const teacher = topKOfRows(TEACHER, IDS, true);
    const [topk, tail] = [tf.zeros([2, 2]) as tf.Tensor2D, tf.zeros([2]) as tf.Tensor1D];
    expect(() => alignTopK({ topk, tail }, teacher, 1)).toThrow(/differ in shape/);
    expect(() => alignTopK({ topk, tail }, teacher, 0)).toThrow(/temperature/);
    tf.dispose([topk, tail]);
    disposeTeacher(teacher);
  });
});

describe('alignTopK memory', () => {
  it('leaks no tensor through a gradient of each path', () => {
    const s = tf.variable(tf.tensor2d(STUDENT));
    const teachers = [topKOfRows(TEACHER, IDS, true), topKOfRows(TEACHER, IDS, false)];
    for (const teacher of teachers) expectNoLeak(() => tf.variableGrads(() => tf.sum(align(s, teacher, 2).logQ)));
    teachers.forEach(disposeTeacher);
    s.dispose();
  });
});
