import { describe, expect, it } from 'vitest';
import { logSumExp, teacherClasses, teacherTopK, topIndices } from './teacher_topk.ts';
import { tinyClassificationSet, tinyMlmSet } from '../testing/tiny_sets.ts';
import type { DistillSet } from '../types.ts';

describe('topIndices', () => {
  it('returns the k largest, sorted descending, ties by lower index', () => {
    expect(topIndices([1, 5, 3, 5, 0], 0, 5, 3)).toEqual([1, 3, 2]);
    expect(topIndices([9, 9, 1, 2, 3, 7], 2, 4, 2)).toEqual([3, 2]); // row [1, 2, 3, 7] at offset 2
  });
  it('k larger than the row gives the whole row in order', () => {
    expect(topIndices([0.1, 0.3, 0.2], 0, 3, 5)).toEqual([1, 2, 0]);
  });
});

describe('logSumExp', () => {
  it('matches log Σ exp for ordinary and huge logits (no overflow)', () => {
    expect(logSumExp([0, Math.log(3)], 0, 2)).toBeCloseTo(Math.log(4), 12);
    expect(logSumExp([1000, 1000], 0, 2)).toBeCloseTo(1000 + Math.log(2), 9);
  });
});

const denseTokenSet = (): DistillSet => ({
  ...tinyMlmSet({ n: 2, seqLen: 2 }),
  // V = 3: softmax([0, ln 2, ln 5]) = [1/8, 2/8, 5/8]
  teacher: { kind: 'dense', width: 3, logits: new Float32Array([0, Math.log(2), Math.log(5), 0, 0, 0, 1, 1, 1, 3, 2, 1]) },
});

describe('teacherTopK', () => {
  it('dense: softmax over the full width, worked by hand', () => {
    const top = teacherTopK(denseTokenSet(), 0, 2);
    expect(top.positions).toBe(2);
    expect(Array.from(top.ids.subarray(0, 2))).toEqual([2, 1]);
    expect(top.probs[0]).toBeCloseTo(5 / 8, 6);
    expect(top.probs[1]).toBeCloseTo(2 / 8, 6);
    expect(top.probs[2]).toBeCloseTo(1 / 3, 6); // uniform row, first index wins the tie
  });
  it('top-k with logsumexp: exact probabilities exp(logit − lse)', () => {
    const set = tinyMlmSet({ n: 3, seqLen: 4, k: 4 });
    const top = teacherTopK(set, 1, 2);
    const row = 1 * 4; // example 1, position 0
    if (set.teacher.kind !== 'topk' || !set.teacher.logsumexp) throw new Error('fixture');
    expect(top.ids[0]).toBe(set.teacher.ids[row * 4]);
    expect(top.probs[0]).toBeCloseTo(Math.exp(set.teacher.logits[row * 4] - set.teacher.logsumexp[row]), 6);
    // the kept mass is below 1: the rest of the vocabulary holds the remainder
    expect(top.probs[0] + top.probs[1]).toBeLessThan(1);
  });
  it('top-k without logsumexp renormalises over the kept k', () => {
    const set = tinyMlmSet({ n: 2, seqLen: 3, k: 4 });
    if (set.teacher.kind !== 'topk') throw new Error('fixture');
    set.teacher.logsumexp = undefined;
    const top = teacherTopK(set, 0, 4);
    expect(top.probs[0] + top.probs[1] + top.probs[2] + top.probs[3]).toBeCloseTo(1, 6);
  });
  it('classification: one position over C classes', () => {
    const set = tinyClassificationSet({ n: 4 });
    const top = teacherTopK(set, 2, 5);
    expect(top.positions).toBe(1);
    expect(top.k).toBe(3);
    expect(top.ids[0]).toBe(set.labels![2]);
  });
  it('refuses an example out of range', () => {
    expect(() => teacherTopK(tinyMlmSet({ n: 2 }), 2, 5)).toThrow(/out of range/);
  });
});

describe('teacherClasses', () => {
  it('argmax per example of a dense classification teacher', () => {
    const set = tinyClassificationSet({ n: 6 });
    expect(Array.from(teacherClasses(set, [0, 3, 5]))).toEqual([set.labels![0], set.labels![3], set.labels![5]]);
  });
});
