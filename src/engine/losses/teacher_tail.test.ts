import { describe, expect, it } from 'vitest';
import { log1mexp, teacherTail } from './teacher_tail.ts';

describe('log1mexp', () => {
  it('is log(1 − eˣ) accurately on both sides of −ln 2', () => {
    expect(log1mexp(-Math.LN2)).toBeCloseTo(-Math.LN2, 14);
    expect(log1mexp(-1e-10)).toBeCloseTo(Math.log(1e-10), 8); // 1 − e^−1e−10 ≈ 1e−10: −expm1 keeps it
    expect(log1mexp(-40)).toBeCloseTo(-Math.exp(-40), 20); // log1p(−e^−40)
    expect(log1mexp(0)).toBe(-Infinity);
  });
});

describe('teacherTail', () => {
  it('is log Σ_{v ∉ top-k} exp(z_v), from the top-k logits and the full logsumexp, in float64', () => {
    // logits [2, 1, 0, −1]: top-2 = [2, 1]; lse = log(e² + e + 1 + e⁻¹); tail = log(1 + e⁻¹)
    const full = [2, 1, 0, -1];
    const lse = Math.log(full.reduce((s, z) => s + Math.exp(z), 0));
    const [tail] = teacherTail(Float32Array.from([1, 2]), Float32Array.from([lse]), 2);
    expect(tail).toBeCloseTo(Math.log(1 + Math.exp(-1)), 5);
  });
  it('keeps a tail below float32 resolution of lse to the precision its float32 numbers carry', () => {
    // z_top = 0, lse stored as the float32 just above 0: the data say the tail is (ulp-scale) 2^−24-ish, not 0
    const lse = Math.fround(2 ** -23);
    const [tail] = teacherTail(Float32Array.from([0]), Float32Array.from([lse]), 1);
    expect(tail).toBeCloseTo(lse + Math.log(-Math.expm1(-lse)), 4);
    expect(tail).toBeLessThan(-15);
  });
  it('is empty (≈ −1e30) where the logsumexp is not above the top-k (K = V, or rounding)', () => {
    const z = Float32Array.from([0.5, -1]);
    const lse = Math.log(Math.exp(0.5) + Math.exp(-1));
    expect(Array.from(teacherTail(z, Float32Array.from([Math.fround(lse) - 1e-6]), 2))).toEqual([-1e30].map(Math.fround));
  });
});
