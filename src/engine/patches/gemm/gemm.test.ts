import { afterAll, describe, expect, it } from 'vitest';
import { gemmModuleBytes, KC, packedABytes, packedBBytes, relaxedSimdSupported } from './gemm_module.ts';
import { setGemmThreading } from './gemm_pool.ts';
import { gemmFor, type Gemm, type GemmOperands } from './gemm_runtime.ts';
import { spawnNodeGemmWorker } from './spawn_node.ts';
import { makeHeap, threadedGemm } from './testing.ts';

const BYTES = 4;

/** Deterministic values in [-1, 1) (a small LCG: no test depends on Math.random). */
function fill(f32: Float32Array, at: number, count: number, seed: number): void {
  let s = seed >>> 0;
  for (let i = 0; i < count; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    f32[at / BYTES + i] = s / 2 ** 31 - 1;
  }
}

interface Case { m: number; n: number; k: number; tA: boolean; tB: boolean; bias: boolean }

/** Runs one product on `heap` and returns the largest |C − reference| (float64 reference) and the guard value. */
function check(gemm: Gemm, heap: ReturnType<typeof makeHeap>, { m, n, k, tA, tB, bias }: Case, seed = 1): { maxErr: number; guard: number; scale: number } {
  const a = heap.alloc(m * k);
  const b = heap.alloc(k * n);
  const c = heap.alloc(m * n + 16);
  const bi = heap.alloc(n);
  let f = heap.f32();
  fill(f, a, m * k, seed);
  fill(f, b, k * n, seed + 1);
  fill(f, bi, n, seed + 2);
  f.fill(NaN, c / BYTES, c / BYTES + m * n); // every element of C must be written
  f.fill(7, c / BYTES + m * n, c / BYTES + m * n + 16); // nothing past C may be
  const o: GemmOperands = {
    a, aRowStride: tA ? BYTES : k * BYTES, aKStride: tA ? m * BYTES : BYTES,
    b, bKStride: tB ? BYTES : n * BYTES, bColStride: tB ? k * BYTES : BYTES,
    m, n, k, c, bias: bias ? bi : 0,
  };
  gemm.run(o);
  f = heap.f32();
  const A = (r: number, i: number) => f[(a + (tA ? i * m + r : r * k + i) * BYTES) / BYTES];
  const B = (i: number, j: number) => f[(b + (tB ? j * k + i : i * n + j) * BYTES) / BYTES];
  let maxErr = 0;
  for (let r = 0; r < m; r++) {
    for (let j = 0; j < n; j++) {
      let s = bias ? f[bi / BYTES + j] : 0;
      for (let i = 0; i < k; i++) s += A(r, i) * B(i, j);
      const got = f[c / BYTES + r * n + j];
      maxErr = Math.max(maxErr, Number.isNaN(got) ? Infinity : Math.abs(got - s));
    }
  }
  return { maxErr, guard: f[c / BYTES + m * n + 15], scale: Math.sqrt(k) };
}

describe('gemm module', () => {
  it('is valid WebAssembly, shared and not, with relaxed SIMD where the engine has it (Node: the test setup turns it on)', () => {
    expect(WebAssembly.validate(gemmModuleBytes(false))).toBe(true);
    expect(WebAssembly.validate(gemmModuleBytes(true))).toBe(true);
    expect(relaxedSimdSupported()).toBe(true);
    expect(WebAssembly.validate(gemmModuleBytes(true, true))).toBe(true);
  });

  it('the fused multiply-add tile and the plain one agree (the runtime uses the first here)', () => {
    const h = makeHeap(64);
    const [m, n, k] = [13, 21, 300];
    const [a, b, bp, ap, scratch, c1, c2] = [h.alloc(m * k), h.alloc(k * n), h.malloc(packedBBytes(k, n)), h.malloc(packedABytes(m)), h.alloc(32), h.alloc(m * n), h.alloc(m * n)];
    fill(h.f32(), a, m * k, 21);
    fill(h.f32(), b, k * n, 22);
    const run = (fma: boolean, c: number) => {
      const ex = new WebAssembly.Instance(new WebAssembly.Module(gemmModuleBytes(false, fma)), { env: { memory: h.memory } }).exports as Record<string, (...x: number[]) => void>;
      ex.packB(b, n * BYTES, BYTES, k, n, bp);
      ex.gemm(a, k * BYTES, BYTES, bp, m, n, k, c, n * BYTES, 0, ap, scratch);
    };
    run(true, c1);
    run(false, c2);
    const f = h.f32();
    for (let i = 0; i < m * n; i++) expect(Math.abs(f[c1 / BYTES + i] - f[c2 / BYTES + i])).toBeLessThan(1e-5);
  });

  const heap = makeHeap(64);
  const gemm = gemmFor(heap);
  // Edges: M not a multiple of 4, N not of 8, K across packed blocks (KC) and not a multiple of 4.
  const shapes: [number, number, number][] = [[1, 1, 1], [3, 5, 2], [4, 8, 4], [5, 9, 3], [7, 13, KC + 3], [9, 17, 2 * KC + 1], [16, 24, 33], [6, 263, 40]]; // 263 columns: a second block of 32 panels
  for (const [m, n, k] of shapes) {
    for (const tA of [false, true]) {
      for (const tB of [false, true]) {
        const bias = (m + n) % 2 === 1;
        it(`[${m}, ${k}]${tA ? 'ᵀ' : ''} · [${k}, ${n}]${tB ? 'ᵀ' : ''}${bias ? ' + bias' : ''} equals a float64 reference`, () => {
          const { maxErr, guard, scale } = check(gemm, heap, { m, n, k, tA, tB, bias });
          expect(maxErr).toBeLessThan(1e-6 * scale * 8);
          expect(guard).toBe(7);
        });
      }
    }
  }

  it('an empty inner dimension gives the bias (or zeros)', () => {
    const c = heap.alloc(6);
    const bias = heap.alloc(3);
    heap.f32().set([1, 2, 3], bias / BYTES);
    heap.f32().fill(NaN, c / BYTES, c / BYTES + 6);
    gemm.run({ a: 0, aRowStride: 0, aKStride: 4, b: 0, bKStride: 12, bColStride: 4, m: 2, n: 3, k: 0, c, bias });
    expect([...heap.f32().subarray(c / BYTES, c / BYTES + 6)]).toEqual([1, 2, 3, 1, 2, 3]);
  });

  it('column sums equal a float64 reference (a tail past the last group of four)', () => {
    const [rows, cols] = [37, 23];
    const a = heap.alloc(rows * cols);
    const out = heap.alloc(cols);
    fill(heap.f32(), a, rows * cols, 9);
    gemm.colSums(a, rows, cols, out);
    const f = heap.f32();
    for (let j = 0; j < cols; j++) {
      let s = 0;
      for (let r = 0; r < rows; r++) s += f[a / BYTES + r * cols + j];
      expect(f[out / BYTES + j]).toBeCloseTo(s, 5);
    }
  });

  it('row maxima: tails past the last group of four, short rows, NaN propagates', () => {
    for (const [rows, cols] of [[5, 1], [3, 3], [4, 17], [2, 64]]) {
      const a = heap.alloc(rows * cols);
      const out = heap.alloc(rows);
      fill(heap.f32(), a, rows * cols, rows + cols);
      heap.f32()[a / BYTES + cols - 1] = 5; // the first row's maximum in its last column (a tail, when any)
      gemm.rowMax(a, rows, cols, out);
      const f = heap.f32();
      for (let r = 0; r < rows; r++) expect(f[out / BYTES + r]).toBe(Math.max(...f.subarray(a / BYTES + r * cols, a / BYTES + (r + 1) * cols)));
      expect(f[out / BYTES]).toBe(5);
    }
    const a = heap.alloc(8);
    const out = heap.alloc(1);
    heap.f32().set([1, 2, NaN, 3, 4, 5, 6, 7], a / BYTES);
    gemm.rowMax(a, 1, 8, out);
    expect(heap.f32()[out / BYTES]).toBeNaN();
  });
});

describe('gemm on worker threads (a shared heap)', () => {
  afterAll(() => setGemmThreading(undefined, 1));

  it('splits rows between the caller and a worker with the same result as one thread', async () => {
    const { heap, gemm } = await threadedGemm(256);
    expect(gemm.threads).toBe(2);
    // Large enough to be split (MIN_THREADED_FLOPS), odd sizes so that both shares have edges.
    for (const shape of [{ m: 203, n: 77, k: 301, tA: false, tB: true, bias: true }, { m: 130, n: 64, k: 600, tA: true, tB: false, bias: false }]) {
      const { maxErr, guard, scale } = check(gemm, heap, shape, 5);
      expect(maxErr).toBeLessThan(1e-6 * scale * 8);
      expect(guard).toBe(7);
    }
    gemm.dispose();
  });

  it('row passes split over the worker too: row maxima and scaled rows plus a scatter-add', async () => {
    const { heap, gemm } = await threadedGemm(256);
    const [rows, cols] = [301, 1001]; // ≥ MIN_THREADED_FLOATS, odd sizes
    const [a, out, factor, maxes] = [heap.alloc(rows * cols), heap.alloc(rows * cols), heap.alloc(rows), heap.alloc(rows)];
    const [pairs, values] = [heap.alloc(6), heap.alloc(3)];
    fill(heap.f32(), a, rows * cols, 11);
    fill(heap.f32(), factor, rows, 12);
    new Int32Array(heap.memory.buffer, pairs, 6).set([300, 1000, 0, 0, 300, 1000]);
    heap.f32().set([1, 2, 3], values / BYTES);
    gemm.rowMax(a, rows, cols, maxes);
    gemm.scaleRowsScatterAdd(a, rows, cols, factor, out, pairs, values, 3);
    const f = heap.f32();
    const A = (r: number, j: number) => f[a / BYTES + r * cols + j];
    for (const r of [0, 150, 151, 300]) {
      let m = -Infinity;
      for (let j = 0; j < cols; j++) m = Math.max(m, A(r, j));
      expect(f[maxes / BYTES + r]).toBe(m);
      for (const j of [1, 500, 999]) expect(f[out / BYTES + r * cols + j]).toBe(Math.fround(A(r, j) * f[factor / BYTES + r]));
    }
    expect(f[out / BYTES]).toBeCloseTo(A(0, 0) * f[factor / BYTES] + 2, 5);
    expect(f[out / BYTES + rows * cols - 1]).toBeCloseTo(A(300, 1000) * f[factor / BYTES + 300] + 4, 5);
    gemm.dispose();
  });

  it('a worker that traps makes the call throw instead of hanging, and the next call runs clean', async () => {
    setGemmThreading(spawnNodeGemmWorker, 2);
    // A heap that cannot grow (64 pages), whose allocator rewinds on free: scratch never moves C's bound.
    const memory = new WebAssembly.Memory({ initial: 64, maximum: 64, shared: true });
    let top = 64;
    const heap = {
      memory, threads: 2,
      malloc: (bytes: number) => ((top += Math.ceil(bytes / 64) * 64), top - Math.ceil(bytes / 64) * 64),
      free: (p: number) => void (top = Math.min(top, p)),
      f32: () => new Float32Array(memory.buffer),
      alloc: (floats: number) => heap.malloc(floats * BYTES),
    };
    const gemm = gemmFor(heap);
    for (let i = 0; i < 200 && gemm.threads < 2; i++) await new Promise((r) => setTimeout(r, 25));
    expect(gemm.threads).toBe(2);
    const a = heap.alloc(256 * 256);
    // Rows [0, 128) of C (the caller's share) end exactly at the heap's end; the worker's rows [128, 256) lie past it.
    const c = memory.buffer.byteLength - 128 * 256 * BYTES;
    expect(() => gemm.run({ a, aRowStride: 1024, aKStride: 4, b: a, bKStride: 1024, bColStride: 4, m: 256, n: 256, k: 256, c, bias: 0 })).toThrow(/a worker trapped/);
    // Both shares trapping: the caller's own error is thrown, and the worker's flag must not outlive the call.
    expect(() => gemm.run({ a, aRowStride: 1024, aKStride: 4, b: a, bKStride: 1024, bColStride: 4, m: 256, n: 256, k: 256, c: 2 ** 30, bias: 0 })).toThrow(/out of bounds/);
    // The next threaded product (≥ MIN_THREADED_FLOPS) succeeds: the trap flag was cleared.
    const { maxErr } = check(gemm, heap, { m: 256, n: 64, k: 300, tA: false, tB: true, bias: true }, 3);
    expect(maxErr).toBeLessThan(1e-4);
    gemm.dispose();
  });
});
