import { describe, expect, it } from 'vitest';
import { createMetricsAccumulator, type PositionMetricArrays } from './accumulator.ts';

const f32 = (xs: number[]): Float32Array => Float32Array.from(xs);

function batch(agree: number[], probLoyalty: number[], kl: number[], correct?: { teacher: number[]; student: number[] }): PositionMetricArrays {
  return {
    agree: f32(agree),
    probLoyalty: f32(probLoyalty),
    kl: f32(kl),
    teacherCorrect: correct ? f32(correct.teacher) : undefined,
    studentCorrect: correct ? f32(correct.student) : undefined,
  };
}

describe('createMetricsAccumulator', () => {
  it('averages over positions with weight > 0 and has null accuracies without labels', () => {
    const acc = createMetricsAccumulator();
    // position 2 has weight 0: its values (even NaN) are ignored
    acc.add(batch([1, 0, 1], [0.5, 0.7, NaN], [0.2, 0.4, NaN]), f32([1, 1, 0]));
    const m = acc.summarize();
    expect(m.label_loyalty).toBeCloseTo(0.5, 6);
    expect(m.prob_loyalty).toBeCloseTo(0.6, 6);
    expect(m.kl).toBeCloseTo(0.3, 6);
    expect(m.teacher_accuracy).toBeNull();
    expect(m.student_accuracy).toBeNull();
    expect(m.n_positions).toBe(2);
    expect(m.per_lang).toBeUndefined();
  });
  it('accumulates across batches', () => {
    const acc = createMetricsAccumulator();
    acc.add(batch([1], [1], [0]), f32([1]));
    acc.add(batch([0, 0, 0], [0, 0, 0], [3, 3, 3]), f32([1, 1, 1]));
    const m = acc.summarize();
    expect([m.label_loyalty, m.prob_loyalty, m.kl, m.n_positions]).toEqual([0.25, 0.25, 2.25, 4]);
  });
  it('computes accuracies over labelled positions only', () => {
    const acc = createMetricsAccumulator();
    const correct = { teacher: [1, 1, 0, 0], student: [0, 1, 0, 0] };
    acc.add(batch([1, 1, 1, 1], [1, 1, 1, 1], [0, 0, 0, 0], correct), f32([1, 1, 1, 1]), undefined, f32([1, 1, 0, 0]));
    const m = acc.summarize();
    expect([m.teacher_accuracy, m.student_accuracy, m.n_positions]).toEqual([1, 0.5, 4]);
  });
  it('counts every weighted position as labelled when no labelled mask is given', () => {
    const acc = createMetricsAccumulator();
    acc.add(batch([1, 1], [1, 1], [0, 0], { teacher: [1, 0], student: [1, 1] }), f32([1, 1]));
    expect([acc.summarize().teacher_accuracy, acc.summarize().student_accuracy]).toEqual([0.5, 1]);
  });
  it('aggregates per language; positions without a language count in the total only', () => {
    const acc = createMetricsAccumulator();
    const correct = { teacher: [1, 0, 1, 1], student: [1, 0, 0, 1] };
    acc.add(batch([1, 0, 1, 0], [0.9, 0.1, 0.8, 0.5], [0.1, 2, 0.2, 1], correct), f32([1, 1, 1, 1]), ['en', 'fr', 'en', undefined]);
    const m = acc.summarize();
    expect(m.n_positions).toBe(4);
    expect(Object.keys(m.per_lang ?? {})).toEqual(['en', 'fr']);
    const en = m.per_lang?.en;
    expect(en?.n_positions).toBe(2);
    expect(en?.label_loyalty).toBe(1);
    expect(en?.prob_loyalty).toBeCloseTo(0.85, 6);
    expect(en?.kl).toBeCloseTo(0.15, 6);
    expect([en?.teacher_accuracy, en?.student_accuracy]).toEqual([1, 0.5]);
    expect(m.per_lang?.fr).toEqual({ label_loyalty: 0, prob_loyalty: expect.closeTo(0.1, 6), kl: 2, teacher_accuracy: 0, student_accuracy: 0, n_positions: 1 });
  });
  it('summarises an empty accumulator to zeros with n_positions 0, and reset() empties it', () => {
    const acc = createMetricsAccumulator();
    const empty = { label_loyalty: 0, prob_loyalty: 0, kl: 0, teacher_accuracy: null, student_accuracy: null, n_positions: 0 };
    expect(acc.summarize()).toEqual(empty);
    acc.add(batch([1], [1], [1]), f32([1]), ['en']);
    acc.reset();
    expect(acc.summarize()).toEqual(empty);
  });
  it('refuses arrays whose length differs from the weights', () => {
    const acc = createMetricsAccumulator();
    expect(() => acc.add(batch([1, 1], [1, 1], [1]), f32([1, 1]))).toThrow(/"kl" has 1 positions/);
    expect(() => acc.add(batch([1], [1], [1]), f32([1]), ['en', 'fr'])).toThrow(/langs/);
  });
  it('with `masked`, also averages loyalty over the labelled positions alone (weighted), per language too', () => {
    const acc = createMetricsAccumulator({ masked: true });
    const correct = { teacher: [1, 1, 1, 1, 1], student: [1, 1, 0, 1, 1] };
    // positions 0-1 copied through (agree), 2-3 masked (labelled): one agrees; position 4 is padding (w = 0)
    acc.add(batch([1, 1, 0, 1, 1], [0.9, 0.9, 0.2, 0.6, 1], [0, 0, 0, 0, 0], correct), f32([1, 1, 1, 1, 0]), ['en', 'en', 'en', 'fr', 'fr'], f32([0, 0, 1, 1, 1]));
    const m = acc.summarize();
    expect(m.label_loyalty).toBeCloseTo(0.75, 6); // 3 of 4 weighted positions
    expect(m.masked_label_loyalty).toBeCloseTo(0.5, 6); // 1 of the 2 labelled ones
    expect(m.masked_prob_loyalty).toBeCloseTo(0.4, 6); // (0.2 + 0.6) / 2
    expect(m.per_lang?.en.masked_label_loyalty).toBe(0);
    expect(m.per_lang?.fr.masked_prob_loyalty).toBeCloseTo(0.6, 6);
  });
  it('leaves the masked loyalties out without `masked`, without a labelled mask, or with no labelled position', () => {
    const plain = createMetricsAccumulator();
    plain.add(batch([1], [1], [0], { teacher: [1], student: [1] }), f32([1]), undefined, f32([1]));
    expect(plain.summarize()).not.toHaveProperty('masked_label_loyalty');
    const noMask = createMetricsAccumulator({ masked: true });
    noMask.add(batch([1], [1], [0]), f32([1]));
    expect(noMask.summarize()).not.toHaveProperty('masked_label_loyalty');
    const none = createMetricsAccumulator({ masked: true });
    none.add(batch([1], [1], [0], { teacher: [1], student: [1] }), f32([1]), undefined, f32([0]));
    expect(none.summarize()).not.toHaveProperty('masked_prob_loyalty');
  });
});
