import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import type { Divergence } from '../config/config.ts';
import type { KdOptions } from './stats.ts';
import type { TeacherBatch } from './teacher.ts';
import {
  DIVERGENCE_REFS, disposeTeacher, expectAllClose, expectNoLeak, GRAD_RTOL, gradCheck, klRef, lossTerm, softmaxRef, topKOfRows, values,
} from './testing.ts';

const NAMES: Divergence[] = ['kl', 'rkl', 'skew_kl', 'skew_rkl', 'jsd'];
const options = (divergence: Divergence, temperature: number): KdOptions => ({ divergence, temperature, skew_alpha: 0.1, jsd_beta: 0.3 });
const paramOf = (o: KdOptions): number => (o.divergence === 'jsd' ? o.jsd_beta : o.skew_alpha);

// [2, 5]: tiny on purpose (webgpu is a software GPU here).
const TEACHER = [
  [2.0, 0.5, -1.0, 1.5, 0.0],
  [-1.0, 3.0, 0.2, 0.1, 1.0],
];
const STUDENT = [
  [0.3, -0.2, 0.8, 0.1, -1.0],
  [0.0, 1.0, -0.5, 0.7, 0.2],
];
const IDS = [
  [3, 0],
  [1, 4],
];
const pick = (row: number[], ids: number[]): number[] => ids.map((i) => row[i]);
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

const dense = (teacher = TEACHER): TeacherBatch => ({ kind: 'dense', logits: tf.tensor2d(teacher) });
const topK = (withLse: boolean, ids = IDS): TeacherBatch => topKOfRows(TEACHER, ids, withLse);

function kdLoss(s: tf.Tensor2D, teacher: TeacherBatch, weights: number[], o: KdOptions): tf.Scalar {
  return lossTerm('kd', s, teacher, { weights, config: o });
}

async function kd(teacher: () => TeacherBatch, o: KdOptions, weights = [1, 1], student = STUDENT): Promise<number> {
  const [v] = await values(() => kdLoss(tf.tensor2d(student), teacher(), weights, o));
  return v;
}

describe('kd: T² · D(p_T ‖ q_T)', () => {
  for (const name of NAMES) {
    it(`${name}: equals T² × the mean divergence of the tempered distributions (dense, T = 2)`, async () => {
      const o = options(name, 2);
      const raw = mean(TEACHER.map((t, i) => DIVERGENCE_REFS[name](softmaxRef(t, 2), softmaxRef(STUDENT[i], 2), paramOf(o))));
      expectAllClose([await kd(dense, o)], [4 * raw]);
    });
    it(`${name}: a top-k teacher with K = V and logsumexp gives the dense loss (T = 1)`, async () => {
      const all = [[4, 2, 0, 1, 3], [0, 1, 2, 3, 4]];
      const o = options(name, 1);
      expectAllClose([await kd(() => topK(true, all), o)], [await kd(dense, o)], 1e-5);
    });
  }
  it('top-k with logsumexp at T = 1 is the KL between the K + 1 aggregated buckets of the full distributions', async () => {
    const buckets = (row: number[], ids: number[]): number[] => {
      const top = pick(softmaxRef(row), ids);
      return [...top, 1 - top.reduce((a, b) => a + b, 0)];
    };
    const expected = mean(TEACHER.map((t, i) => klRef(buckets(t, IDS[i]), buckets(STUDENT[i], IDS[i]))));
    expectAllClose([await kd(() => topK(true), options('kl', 1))], [expected]);
  });
  it('top-k without logsumexp is T² × KL of the renormalised top-k distributions', async () => {
    const expected = mean(TEACHER.map((t, i) => klRef(softmaxRef(pick(t, IDS[i]), 2), softmaxRef(pick(STUDENT[i], IDS[i]), 2))));
    expectAllClose([await kd(() => topK(false), options('kl', 2))], [4 * expected]);
  });
  it('weights select positions: a weight-0 position does not change the loss', async () => {
    const o = options('kl', 2);
    const changed = [STUDENT[0], [9, -9, 3, 0, 1]];
    const [a, b] = [await kd(dense, o, [1, 0]), await kd(dense, o, [1, 0], changed)];
    expect(a).toBe(b);
    expectAllClose([a], [4 * klRef(softmaxRef(TEACHER[0], 2), softmaxRef(STUDENT[0], 2))]);
  });
  it('is 0 when no position is distilled, and for a student equal to the teacher', async () => {
    expect(await kd(dense, options('kl', 2), [0, 0])).toBe(0);
    for (const name of NAMES) expectAllClose([await kd(dense, options(name, 2), [1, 1], TEACHER)], [0], 1e-6);
  });
  for (const name of NAMES) {
    it(`${name}: passes a finite-difference gradient check (dense, T = 2)`, async () => {
      const teacher = dense();
      expect(await gradCheck((s) => kdLoss(s, teacher, [1, 0.5], options(name, 2)), STUDENT)).toBeLessThan(GRAD_RTOL);
      disposeTeacher(teacher);
    });
  }
  for (const withLse of [true, false]) {
    it(`passes a finite-difference gradient check (top-k ${withLse ? 'with' : 'without'} logsumexp, jsd, T = 2)`, async () => {
      const teacher = topK(withLse);
      expect(await gradCheck((s) => kdLoss(s, teacher, [1, 1], options('jsd', 2)), STUDENT)).toBeLessThan(GRAD_RTOL);
      disposeTeacher(teacher);
    });
  }
  it('leaks no tensor through tf.variableGrads', () => {
    const s = tf.variable(tf.tensor2d(STUDENT));
    const teachers = [dense(), topK(true), topK(false)];
    for (const teacher of teachers) {
      for (const name of NAMES) expectNoLeak(() => tf.variableGrads(() => kdLoss(s, teacher, [1, 1], options(name, 2))));
    }
    teachers.forEach(disposeTeacher);
    s.dispose();
  });
});
