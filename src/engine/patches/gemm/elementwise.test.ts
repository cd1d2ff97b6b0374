import { afterAll, describe, expect, it } from 'vitest';
import { setGemmThreading } from './gemm_pool.ts';
import { gemmModuleBytes } from './gemm_module.ts';
import { gemmFor } from './gemm_runtime.ts';
import { makeHeap, threadedGemm } from './testing.ts';

const BYTES = 4;
const ULP_AT_1 = 2 ** -23;

/**
 * eˣ of xs through the runtime (in place, as the kernel allows, when `inPlace`), with guards after the output
 * (a tail past the last group of four when the length is not a multiple of 4).
 */
function expOf(xs: readonly number[], heap = makeHeap(64), inPlace = false): Float32Array {
  const gemm = gemmFor(heap);
  const at = heap.alloc(xs.length);
  const out = inPlace ? at : heap.alloc(xs.length + 4);
  heap.f32().set(xs, at / BYTES);
  heap.f32().fill(7, out / BYTES + xs.length, out / BYTES + xs.length + 4);
  gemm.exp(at, xs.length, out);
  const f = heap.f32();
  if (!inPlace) expect(Array.from(f.subarray(at / BYTES, at / BYTES + xs.length))).toEqual(xs.map(Math.fround)); // the input is left alone
  expect(Array.from(f.subarray(out / BYTES + xs.length, out / BYTES + xs.length + 4))).toEqual([7, 7, 7, 7]); // nothing past the end
  return f.slice(out / BYTES, out / BYTES + xs.length);
}

/** Relative error against float64 eˣ of the float32 input, in units of float32's epsilon. */
const ulps = (got: number, x: number) => Math.abs(got - Math.exp(Math.fround(x))) / Math.exp(Math.fround(x)) / ULP_AT_1;

describe('expVec', () => {
  it('is within 1 ulp of eˣ over the whole normal range, in place, with a scalar tail', () => {
    const xs = Array.from({ length: 40_011 }, (_, i) => -87.3 + (i * (88.7 + 87.3)) / 40_010); // groups % 4 = 2: the one-vector loop too
    const got = expOf(xs, undefined, true);
    let worst = 0;
    xs.forEach((x, i) => (worst = Math.max(worst, ulps(got[i], x))));
    expect(worst).toBeLessThan(1); // 0.66 measured (Cephes: ≈ 1 ulp)
    // where the dense head spends its time: log-probabilities, and arguments near 0
    const small = Array.from({ length: 4001 }, (_, i) => (i - 2000) * 1e-4);
    const near0 = expOf(small);
    small.forEach((x, i) => expect(ulps(near0[i], x)).toBeLessThan(2));
  });

  it('maps NaN, ±∞ and the ends of the range as float32 eˣ does, subnormal results included', () => {
    const got = Array.from(expOf([Number.NaN, -Infinity, Infinity, 0, 88.72283935546875, 89, 88.7, -104, -200, 1, -1]));
    expect(got.slice(0, 4)).toEqual([Number.NaN, 0, Infinity, 1]);
    expect(got[4]).toBe(Infinity); // e^x of the float32 just above ln(FLT_MAX) overflows
    expect(got[5]).toBe(Infinity);
    expect(ulps(got[6], 88.7)).toBeLessThan(1); // 2ⁿ with n = 128 still scales
    expect(got.slice(7, 9)).toEqual([0, 0]); // below 2⁻¹⁵⁰
    expect(ulps(got[9], 1)).toBeLessThan(1);
    expect(ulps(got[10], -1)).toBeLessThan(1);
    // below float32's normal range (x < −87.34): the subnormals float32's own eˣ gives, to one unit of 2⁻¹⁴⁹
    const tiny = Array.from({ length: 1001 }, (_, i) => -103.9 + i * 0.0165);
    const sub = expOf(tiny);
    tiny.forEach((x, i) => expect(Math.abs(sub[i] - Math.fround(Math.exp(Math.fround(x))))).toBeLessThanOrEqual(Math.max(2 ** -149, 2 * ULP_AT_1 * Math.exp(x))));
    expect(sub[0]).toBeGreaterThan(0);
  });

  it('the plain multiply-add variant (browsers without relaxed SIMD) is within 1 ulp too', () => {
    const memory = new WebAssembly.Memory({ initial: 16 });
    const ex = new WebAssembly.Instance(new WebAssembly.Module(gemmModuleBytes(false, false)), { env: { memory } }).exports as { expVec(a: number, groups: number, out: number): void };
    const xs = Array.from({ length: 4 * 4099 }, (_, i) => -103 + (i * 191) / (4 * 4099)); // groups % 4 = 3
    const f = new Float32Array(memory.buffer);
    f.set(xs, 16);
    ex.expVec(64, xs.length / 4, 64 + 4 * xs.length);
    xs.forEach((x, i) => {
      const want = Math.exp(Math.fround(x));
      if (want > 2 ** -126) expect(ulps(f[16 + xs.length + i], x)).toBeLessThan(1);
      else expect(Math.abs(f[16 + xs.length + i] - want)).toBeLessThanOrEqual(2 ** -149);
    });
  });
});

describe('expVec on worker threads (a shared heap)', () => {
  afterAll(() => setGemmThreading(undefined, 1));

  it('splits the groups between the caller and a worker with the same values as one thread', async () => {
    const { heap, gemm } = await threadedGemm(64);
    expect(gemm.threads).toBe(2);
    const xs = Array.from({ length: (1 << 18) + 3 }, (_, i) => Math.sin(i) * 30); // ≥ MIN_THREADED_FLOATS
    const threaded = expOf(xs, heap);
    const alone = expOf(xs);
    expect(threaded).toEqual(alone);
    gemm.dispose();
  });
});
