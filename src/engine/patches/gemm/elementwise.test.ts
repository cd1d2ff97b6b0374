import { afterAll, describe, expect, it } from 'vitest';
import { setGemmThreading } from './gemm_pool.ts';
import { gemmFor } from './gemm_runtime.ts';
import { spawnNodeGemmWorker } from './spawn_node.ts';
import { makeHeap } from './testing.ts';

const BYTES = 4;
const ULP_AT_1 = 2 ** -23;

/** eˣ of xs through the module, at `n` floats (a tail past the last group of four when n % 4 ≠ 0). */
function expOf(xs: readonly number[], heap = makeHeap(64)): Float32Array {
  const gemm = gemmFor(heap);
  const at = heap.alloc(xs.length + 4);
  heap.f32().set(xs, at / BYTES);
  heap.f32().fill(7, at / BYTES + xs.length, at / BYTES + xs.length + 4);
  gemm.exp(at, xs.length, at); // in place, as the kernel allows
  const f = heap.f32();
  expect(Array.from(f.subarray(at / BYTES + xs.length, at / BYTES + xs.length + 4))).toEqual([7, 7, 7, 7]); // nothing past the end
  return f.slice(at / BYTES, at / BYTES + xs.length);
}

/** Relative error against float64 eˣ of the float32 input, in units of float32's epsilon. */
const ulps = (got: number, x: number) => Math.abs(got - Math.exp(Math.fround(x))) / Math.exp(Math.fround(x)) / ULP_AT_1;

describe('expVec', () => {
  it('is within 1 ulp of eˣ over the whole finite range, with a scalar tail', () => {
    const xs = Array.from({ length: 40_011 }, (_, i) => -86.9 + (i * (88.7 + 86.9)) / 40_010); // groups % 4 = 2: the one-vector loop too
    const got = expOf(xs);
    let worst = 0;
    xs.forEach((x, i) => (worst = Math.max(worst, ulps(got[i], x))));
    expect(worst).toBeLessThan(1); // 0.82 measured (Cephes: ≈ 1 ulp)
    // where the dense head spends its time: log-probabilities, and arguments near 0
    const small = Array.from({ length: 4001 }, (_, i) => (i - 2000) * 1e-4);
    const near0 = expOf(small);
    small.forEach((x, i) => expect(ulps(near0[i], x)).toBeLessThan(2));
  });

  it('maps NaN, ±∞ and the ends of the range as float32 eˣ does (flushing below x ≈ −87)', () => {
    const got = Array.from(expOf([Number.NaN, -Infinity, Infinity, 0, 88.72283935546875, 89, 88.7, -87.5, -200, 1, -1]));
    expect(got.slice(0, 4)).toEqual([Number.NaN, 0, Infinity, 1]);
    expect(got[4]).toBe(Infinity); // e^x of the float32 just above ln(FLT_MAX) overflows
    expect(got[5]).toBe(Infinity);
    expect(ulps(got[6], 88.7)).toBeLessThan(2); // 2ⁿ with n = 128 still scales
    expect(got[7]).toBeLessThan(1.2e-38); // below float32's normal range: 0 or the subnormal
    expect(got[8]).toBe(0);
    expect(ulps(got[9], 1)).toBeLessThan(2);
    expect(ulps(got[10], -1)).toBeLessThan(2);
  });
});

describe('expVec on worker threads (a shared heap)', () => {
  afterAll(() => setGemmThreading(undefined, 1));

  it('splits the groups between the caller and a worker with the same values as one thread', async () => {
    setGemmThreading(spawnNodeGemmWorker, 2);
    const heap = makeHeap(64, true, 2);
    const gemm = gemmFor(heap);
    for (let i = 0; i < 200 && gemm.threads < 2; i++) await new Promise((r) => setTimeout(r, 25));
    expect(gemm.threads).toBe(2);
    const xs = Array.from({ length: (1 << 18) + 3 }, (_, i) => Math.sin(i) * 30); // ≥ MIN_THREADED_FLOATS
    const threaded = expOf(xs, heap);
    const alone = expOf(xs);
    expect(threaded).toEqual(alone);
    gemm.dispose();
  });
});
