import { describe, expect, it } from 'vitest';
import { learningRate } from './schedule.ts';

const p = { lr: 1, warmupSteps: 10, totalSteps: 110, minLrRatio: 0 };

describe('learningRate', () => {
  it('warms up linearly to the peak', () => {
    expect(learningRate(1, { ...p, schedule: 'linear' })).toBeCloseTo(0.1);
    expect(learningRate(10, { ...p, schedule: 'linear' })).toBeCloseTo(1);
  });
  it('decays linearly from the peak right after warm-up to the floor one step past the end', () => {
    expect(learningRate(11, { ...p, schedule: 'linear' })).toBeCloseTo(1);
    expect(learningRate(61, { ...p, schedule: 'linear' })).toBeCloseTo(0.5);
    expect(learningRate(110, { ...p, schedule: 'linear' })).toBeCloseTo(0.01); // the last step still learns
    expect(learningRate(111, { ...p, schedule: 'linear' })).toBeCloseTo(0);
    expect(learningRate(111, { ...p, schedule: 'linear', minLrRatio: 0.1 })).toBeCloseTo(0.1);
  });
  it('follows a half cosine', () => {
    expect(learningRate(61, { ...p, schedule: 'cosine' })).toBeCloseTo(0.5);
    expect(learningRate(36, { ...p, schedule: 'cosine' })).toBeCloseTo(0.5 * (1 + Math.cos(Math.PI / 4)));
  });
  it('stays at the peak when constant', () => {
    expect(learningRate(100, { ...p, schedule: 'constant' })).toBe(1);
  });
  it('has no warm-up when warmupSteps is 0', () => {
    expect(learningRate(1, { ...p, warmupSteps: 0, schedule: 'constant' })).toBe(1);
  });
});
