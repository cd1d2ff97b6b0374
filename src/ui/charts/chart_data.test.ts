import { describe, expect, it } from 'vitest';
import { mergeSeries, pointsOf, positiveOnly, smooth, thin } from './chart_data.ts';

describe('chart data', () => {
  it('smooth is a debiased EMA: the first value is kept, constants stay constant', () => {
    expect(smooth([4, 4, 4], 0.9)).toEqual([4, 4, 4].map(() => expect.closeTo(4, 12)));
    const s = smooth([0, 10], 0.5); // s1 = 0; acc2 = 0.5·0 + 0.5·10 = 5 → /(1 − 0.25) = 6.667
    expect(s[0]).toBe(0);
    expect(s[1]).toBeCloseTo(20 / 3, 12);
    expect(smooth([1, 2], 0)).toEqual([1, 2]);
  });
  it('smooth passes NaN through without poisoning later points', () => {
    const s = smooth([1, NaN, 1], 0.5);
    expect(Number.isNaN(s[1])).toBe(true);
    expect(s[2]).toBeCloseTo(1, 12);
  });
  it('thin keeps at most max points, the last included', () => {
    const t = thin(Array.from({ length: 1000 }, (_, i) => i), 100);
    expect(t).toHaveLength(100);
    expect(t.at(-1)).toBe(999);
    expect(thin([1, 2], 10)).toEqual([1, 2]);
  });
  it('mergeSeries aligns series on one step axis', () => {
    expect(mergeSeries({ a: [{ step: 2, value: 1 }, { step: 1, value: 3 }], b: [{ step: 2, value: 5 }] })).toEqual([
      { step: 1, a: 3 },
      { step: 2, a: 1, b: 5 },
    ]);
  });
  it('positiveOnly drops zero, negative and non-finite values', () => {
    expect(positiveOnly([1, 0, -1, Infinity, 2].map((value, step) => ({ step, value })))).toEqual([
      { step: 0, value: 1 },
      { step: 4, value: 2 },
    ]);
  });
  it('pointsOf skips records without the field', () => {
    expect(pointsOf([{ step: 1, x: 2 }, { step: 2 }], (r: { step: number; x?: number }) => r.x)).toEqual([{ step: 1, value: 2 }]);
  });
});
