/**
 * The GEMM kernels, generated as WebAssembly SIMD128 (wasm_writer.ts): C [M, N] = A [M, K] · B [K, N] (+ bias),
 * float32, on operands that live in the tfjs wasm backend's own heap (the module imports that memory).
 *
 * Layout (GotoBLAS's): B is packed once into panels of 8 columns, Bp[j][k][8] (zero past N); per block of
 * KC = 256 inner indices, A is packed into panels of 4 rows, Ap[i][k][4] (zero past M). One 4 × 8 tile of C is
 * eight v128 accumulators: per k, two loads of B, four splats of A and eight multiply-adds. Column blocks of
 * NB = 32 panels keep 256 KB of Bp in L2 while every row panel of A (4 KB, L1) passes over it. Strided operands
 * (A by (sr, sk), B by (sk, sn), bytes) make a transposed operand a packing detail, not a separate copy.
 *
 * Why not tfjs's XNNPACK: on the 2-core bench machine its wasm GEMM ran the LM head's three products at
 * 13–25 GFLOP/s on two threads, and an operand transposed by flag falls onto a 1.3 GFLOP/s loop. This 4 × 8
 * tile measured ≈ 20–25 GFLOP/s on one thread (V8's code for it: 8 mul + 8 add + 6 loads a k, no spills;
 * larger tiles spill, unrolling k measured slower), and ≈ 30 % more with relaxed SIMD's f32x4.relaxed_madd
 * (8 fused multiply-adds a k), used wherever the engine validates it (Chromium ≥ 114; Node 20 behind
 * --experimental-wasm-relaxed-simd, which node_relaxed_simd.ts turns on).
 *
 * Exports: gemm(a, sr, sk, bp, rows, n, k, c, ldc, bias, ap, scratch), packB(b, sk, sn, k, n, bp), and the
 * row-wise reductions of reductions.ts. Pointers and strides are byte offsets into the heap.
 */
import { colSums, rowMax, scaleRows, scatterAdd } from './reductions.ts';
import { expVec } from './elementwise.ts';
import { Code, forUp, locals, minU, writeModule, type WasmFunction } from './wasm_writer.ts';

export const MR = 4; // rows of a C tile (one A panel)
export const NR = 8; // columns of a C tile (one B panel)
export const KC = 256; // inner indices per packed A block
const NB = 32; // B panels per column block
const F = 4; // bytes per float32

const TILE = 0, PACK_A = 1, COPY = 2; // function indices, in gemmModuleBytes order

/**
 * A 4 × 4 transpose of the float32 rows in `rows` (v128 locals; `tmp`, four more, are overwritten): column u
 * of the block is left on the stack between before(u) and after(u), e.g. an address and a store.
 */
function transpose4(c: Code, rows: readonly number[], tmp: readonly number[], before: (u: number) => void, after: (u: number) => void): void {
  const [r0, r1, r2, r3] = rows;
  const [t0, t1, t2, t3] = tmp;
  c.get(r0).get(r1).shuffle32([0, 4, 1, 5]).set(t0); // r0[0] r1[0] r0[1] r1[1]
  c.get(r2).get(r3).shuffle32([0, 4, 1, 5]).set(t1);
  c.get(r0).get(r1).shuffle32([2, 6, 3, 7]).set(t2); // r0[2] r1[2] r0[3] r1[3]
  c.get(r2).get(r3).shuffle32([2, 6, 3, 7]).set(t3);
  const cols: [number, number, [number, number, number, number]][] = [[t0, t1, [0, 1, 4, 5]], [t0, t1, [2, 3, 6, 7]], [t2, t3, [0, 1, 4, 5]], [t2, t3, [2, 3, 6, 7]]];
  cols.forEach(([x, y, lanes], u) => {
    before(u);
    c.get(x).get(y).shuffle32(lanes);
    after(u);
  });
}

/**
 * tile(ap, bp, kc, c, ldc, src, srcStride, load): the 4 × 8 C tile at c = (load ? tile at src : 0) + Ap·Bp,
 * its multiply-adds relaxed SIMD's f32x4.relaxed_madd when `fma` (one instruction, fused on x86 with FMA3).
 */
function tile(fma: boolean): WasmFunction {
  const acc = Array.from({ length: 2 * MR }, (_, i) => `acc${i}`);
  const L = locals(['ap', 'bp', 'kc', 'c', 'ldc', 'src', 'srcStride', 'load'], ['end', 'cc'], [...acc, 'b0', 'b1', 'av']);
  const v = L.at;
  const c = new Code();
  c.get(v.bp).get(v.kc).i32(5).shl().add().set(v.end); // end = bp + kc · 8 floats
  c.get(v.load).if();
  c.get(v.src).set(v.cc);
  for (let r = 0; r < MR; r++) {
    c.get(v.cc).v128Load(0).set(v[`acc${2 * r}`]);
    c.get(v.cc).v128Load(16).set(v[`acc${2 * r + 1}`]);
    c.get(v.cc).get(v.srcStride).add().set(v.cc);
  }
  c.end();
  c.loop();
  c.get(v.bp).v128Load(0).set(v.b0);
  c.get(v.bp).v128Load(16).set(v.b1);
  for (let r = 0; r < MR; r++) {
    c.get(v.ap).v128Splat32(F * r).set(v.av);
    for (const [h, b] of [[0, v.b0], [1, v.b1]] as const) {
      const a = v[`acc${2 * r + h}`];
      if (fma) c.get(v.av).get(b).get(a).f32x4RelaxedMadd().set(a); // acc += av · b, fused where the CPU has FMA
      else c.get(a).get(v.av).get(b).f32x4Mul().f32x4Add().set(a);
    }
  }
  c.get(v.ap).i32(MR * F).add().set(v.ap);
  c.get(v.bp).i32(NR * F).add().tee(v.bp).get(v.end).ltU().brIf(0);
  c.end();
  c.get(v.c).set(v.cc);
  for (let r = 0; r < MR; r++) {
    c.get(v.cc).get(v[`acc${2 * r}`]).v128Store(0);
    c.get(v.cc).get(v[`acc${2 * r + 1}`]).v128Store(16);
    c.get(v.cc).get(v.ldc).add().set(v.cc);
  }
  return L.fn(c);
}

/**
 * packA(a, sr, sk, rows, kc, ap): Ap[i][k][r] = A[(4i + r)·sr + k·sk] for k < kc, 0 for rows past `rows`.
 * Whole panels copy a v128 per k when the 4 rows are adjacent (sr = 4: A transposed), or transpose 4 × 4 blocks
 * when each row is contiguous (sk = 4); the rest goes element by element.
 */
function packA(): WasmFunction {
  const L = locals(['a', 'sr', 'sk', 'rows', 'kc', 'ap'], ['r0', 'k', 'src', 'kc4'], ['v0', 'v1', 'v2', 'v3', 't0', 't1', 't2', 't3']);
  const v = L.at;
  const c = new Code();
  c.get(v.kc).i32(-4).and().set(v.kc4);
  c.i32(0).set(v.r0);
  forUp(c, v.r0, (c) => c.get(v.rows), MR, () => {
    c.i32(0).set(v.k);
    c.get(v.r0).i32(MR).add().get(v.rows).gtU().eqz(); // a whole panel?
    c.get(v.sr).i32(F).ne().eqz().and();
    c.if(); // rows adjacent: one v128 per k
    c.get(v.a).get(v.r0).get(v.sr).mul().add().set(v.src);
    forUp(c, v.k, (c) => c.get(v.kc), 1, () => {
      c.get(v.ap).get(v.src).v128Load(0).v128Store(0);
      c.get(v.src).get(v.sk).add().set(v.src);
      c.get(v.ap).i32(MR * F).add().set(v.ap);
    });
    c.end();
    c.get(v.r0).i32(MR).add().get(v.rows).gtU().eqz();
    c.get(v.sk).i32(F).ne().eqz().and();
    c.if(); // rows contiguous: 4 × 4 transposes, then the k % 4 tail below
    c.get(v.a).get(v.r0).get(v.sr).mul().add().set(v.src);
    forUp(c, v.k, (c) => c.get(v.kc4), 4, () => {
      for (let r = 0; r < 4; r++) c.get(v.src).get(v.sr).i32(r).mul().add().v128Load(0).set(v[`v${r}`]);
      transpose4(c, [v.v0, v.v1, v.v2, v.v3], [v.t0, v.t1, v.t2, v.t3], () => c.get(v.ap), (u) => c.v128Store(16 * u));
      c.get(v.src).i32(4 * F).add().set(v.src);
      c.get(v.ap).i32(4 * MR * F).add().set(v.ap);
    });
    c.end();
    // Element by element: whatever the fast paths left (k from its current value, any strides, short panels).
    forUp(c, v.k, (c) => c.get(v.kc), 1, () => {
      for (let r = 0; r < MR; r++) {
        c.get(v.ap);
        c.get(v.r0).i32(r).add().get(v.rows).ltU().ifF32(); // rows past the last read nothing (a heap end)
        c.get(v.a).get(v.r0).i32(r).add().get(v.sr).mul().add().get(v.k).get(v.sk).mul().add().f32Load(0);
        c.else().f32Const0().end();
        c.f32Store(F * r);
      }
      c.get(v.ap).i32(MR * F).add().set(v.ap);
    });
  });
  return L.fn(c);
}

/** copy(src, srcStride, dst, dstStride, rows, cols): a rows × cols float block, strides in bytes. */
function copy(): WasmFunction {
  const L = locals(['src', 'ss', 'dst', 'ds', 'rows', 'cols'], ['r', 'j'], []);
  const v = L.at;
  const c = new Code();
  c.i32(0).set(v.r);
  forUp(c, v.r, (c) => c.get(v.rows), 1, () => {
    c.i32(0).set(v.j);
    forUp(c, v.j, (c) => c.get(v.cols), 1, () => {
      c.get(v.dst).get(v.r).get(v.ds).mul().add().get(v.j).i32(2).shl().add();
      c.get(v.src).get(v.r).get(v.ss).mul().add().get(v.j).i32(2).shl().add().f32Load(0);
      c.f32Store(0);
    });
  });
  return L.fn(c);
}

/**
 * gemm(a, sr, sk, bp, rows, n, k, c, ldc, bias, ap, scratch): C[r][j] = Σ_k A[r][k]·B[k][j] (+ bias[j] when
 * bias ≠ 0, padded to whole panels) for r < rows, j < n. A at a by (sr, sk); Bp from packB; C row-major with
 * ldc bytes a row; ap holds ⌈rows / 4⌉ · KC · 16 bytes of packed A, scratch one 4 × 8 tile (edges).
 */
function gemm(): WasmFunction {
  const params = ['a', 'sr', 'sk', 'bp', 'rows', 'n', 'k', 'c', 'ldc', 'bias', 'ap', 'scratch'];
  const L = locals(params, ['k0', 'kc', 'np', 'j0', 'j1', 'i', 'j', 'apT', 'bpT', 'cT', 'vr', 'vc', 'load'], []);
  const v = L.at;
  const c = new Code();
  c.get(v.n).i32(NR - 1).add().i32(3).shrU().set(v.np);
  c.i32(0).set(v.k0);
  forUp(c, v.k0, (c) => c.get(v.k), KC, () => {
    minU(c, (c) => c.i32(KC), (c) => c.get(v.k).get(v.k0).sub());
    c.set(v.kc);
    c.get(v.a).get(v.k0).get(v.sk).mul().add().get(v.sr).get(v.sk).get(v.rows).get(v.kc).get(v.ap).call(PACK_A);
    // Later k blocks add to C; the first starts from the bias (or from 0)
    c.get(v.k0).get(v.bias).i32(0).ne().get(v.k0).select().i32(0).ne().set(v.load);
    c.i32(0).set(v.j0);
    forUp(c, v.j0, (c) => c.get(v.np), NB, () => {
      minU(c, (c) => c.get(v.j0).i32(NB).add(), (c) => c.get(v.np));
      c.set(v.j1);
      c.i32(0).set(v.i);
      forUp(c, v.i, (c) => c.get(v.rows), MR, () => {
        c.get(v.ap).get(v.i).get(v.kc).mul().i32(2).shl().add().set(v.apT); // ap + (i / 4) · kc · 16
        minU(c, (c) => c.i32(MR), (c) => c.get(v.rows).get(v.i).sub());
        c.set(v.vr);
        c.get(v.j0).set(v.j);
        forUp(c, v.j, (c) => c.get(v.j1), 1, () => {
          c.get(v.c).get(v.i).get(v.ldc).mul().add().get(v.j).i32(5).shl().add().set(v.cT);
          minU(c, (c) => c.i32(NR), (c) => c.get(v.n).get(v.j).i32(3).shl().sub());
          c.set(v.vc);
          c.get(v.bp).get(v.j).get(v.k).mul().get(v.k0).add().i32(5).shl().add().set(v.bpT);
          const source = (dst: number, stride: (c: Code) => void) => {
            c.get(dst).get(v.bias).get(v.j).i32(5).shl().add().get(v.k0).select(); // C so far, or the bias panel
            stride(c); c.i32(0).get(v.k0).select(); // the bias repeats on every row
            c.get(v.load);
          };
          c.get(v.vr).i32(MR).ne().get(v.vc).i32(NR).ne().add().eqz().if();
          c.get(v.apT).get(v.bpT).get(v.kc).get(v.cT).get(v.ldc);
          source(v.cT, (c) => c.get(v.ldc));
          c.call(TILE);
          c.else(); // an edge tile: through scratch, so that nothing past C is read or written
          c.get(v.k0).if().get(v.cT).get(v.ldc).get(v.scratch).i32(NR * F).get(v.vr).get(v.vc).call(COPY).end();
          c.get(v.apT).get(v.bpT).get(v.kc).get(v.scratch).i32(NR * F);
          source(v.scratch, (c) => c.i32(NR * F));
          c.call(TILE);
          c.get(v.scratch).i32(NR * F).get(v.cT).get(v.ldc).get(v.vr).get(v.vc).call(COPY);
          c.end();
        });
      });
    });
  });
  return L.fn(c, 'gemm');
}

/** packB(b, sk, sn, k, n, bp): Bp[j][k][c] = B[k·sk + (8j + c)·sn], 0 past column n (strides in bytes). */
function packB(): WasmFunction {
  const L = locals(['b', 'sk', 'sn', 'k', 'n', 'bp'], ['j', 'kk', 'src', 'np', 'k4'], ['v0', 'v1', 'v2', 'v3', 'v4', 'v5', 'v6', 'v7', 't0', 't1', 't2', 't3']);
  const v = L.at;
  const c = new Code();
  c.get(v.n).i32(NR - 1).add().i32(3).shrU().set(v.np);
  c.get(v.k).i32(-4).and().set(v.k4);
  c.i32(0).set(v.j);
  forUp(c, v.j, (c) => c.get(v.np), 1, () => {
    c.i32(0).set(v.kk);
    c.get(v.j).i32(3).shl().i32(NR).add().get(v.n).gtU().eqz().get(v.sn).i32(F).ne().eqz().and();
    c.if(); // a whole panel of contiguous columns: two v128 a k
    c.get(v.b).get(v.j).i32(5).shl().add().set(v.src);
    forUp(c, v.kk, (c) => c.get(v.k), 1, () => {
      c.get(v.bp).get(v.src).v128Load(0).v128Store(0);
      c.get(v.bp).get(v.src).v128Load(16).v128Store(16);
      c.get(v.src).get(v.sk).add().set(v.src);
      c.get(v.bp).i32(NR * F).add().set(v.bp);
    });
    c.end();
    c.get(v.j).i32(3).shl().i32(NR).add().get(v.n).gtU().eqz().get(v.sk).i32(F).ne().eqz().and();
    c.if(); // a whole panel of a transposed B (each column contiguous): 4 × 4 transposes, 4 k at a time
    c.get(v.b).get(v.j).i32(3).shl().get(v.sn).mul().add().set(v.src);
    forUp(c, v.kk, (c) => c.get(v.k4), 4, () => {
      for (let col = 0; col < NR; col++) c.get(v.src).get(v.sn).i32(col).mul().add().v128Load(0).set(v[`v${col}`]);
      for (const half of [0, 1]) {
        const rows = [0, 1, 2, 3].map((i) => v[`v${4 * half + i}`]);
        transpose4(c, rows, [v.t0, v.t1, v.t2, v.t3], () => c.get(v.bp), (u) => c.v128Store(NR * F * u + 16 * half));
      }
      c.get(v.src).i32(4 * F).add().set(v.src);
      c.get(v.bp).i32(4 * NR * F).add().set(v.bp);
    });
    c.end();
    forUp(c, v.kk, (c) => c.get(v.k), 1, () => {
      for (let col = 0; col < NR; col++) {
        c.get(v.bp);
        c.get(v.j).i32(3).shl().i32(col).add().get(v.n).ltU().ifF32();
        c.get(v.b).get(v.kk).get(v.sk).mul().add().get(v.j).i32(3).shl().i32(col).add().get(v.sn).mul().add().f32Load(0);
        c.else().f32Const0().end();
        c.f32Store(F * col);
      }
      c.get(v.bp).i32(NR * F).add().set(v.bp);
    });
  });
  return L.fn(c, 'packB');
}

/**
 * The module's bytes; `shared` when the heap it imports is a shared memory (tfjs's threaded build), `fma` to use
 * relaxed SIMD's multiply-add (relaxedSimdSupported()).
 */
export function gemmModuleBytes(shared: boolean, fma = false): Uint8Array<ArrayBuffer> {
  const functions = [tile(fma), packA(), copy(), gemm(), packB(), colSums(), rowMax(), scaleRows(), scatterAdd(), expVec(fma)];
  return writeModule(functions, shared);
}

/** Whether this engine accepts relaxed SIMD now (a one-instruction module, validated afresh). */
export function probeRelaxedSimd(): boolean {
  const probe = new Code().get(0).get(0).get(0).f32x4RelaxedMadd().set(0);
  return WebAssembly.validate(writeModule([{ params: 0, locals: { i32: 0, v128: 1 }, code: probe }], false));
}

/** probeRelaxedSimd() as first asked by a module build (the kernels of one process stay one variant). */
export function relaxedSimdSupported(): boolean {
  relaxed ??= probeRelaxedSimd();
  return relaxed;
}
let relaxed: boolean | undefined;

/** Bytes of packed A one call of gemm needs for `rows` rows. */
export function packedABytes(rows: number): number {
  return Math.ceil(rows / MR) * KC * MR * F;
}

/** Bytes of packed B for a [k, n] operand. */
export function packedBBytes(k: number, n: number): number {
  return Math.ceil(n / NR) * k * NR * F;
}
