/**
 * Row-wise reductions for the same module as the GEMM (gemm_module.ts), on row-major float32 matrices in the
 * heap: column sums (a bias gradient) and row maxima (a log-sum-exp's shift). tfjs-backend-wasm reduces axis 0
 * by transposing first, and its Max over the last axis is a scalar loop (23 ms for [2048, 8193]).
 */
import { Code, forUp, locals, type WasmFunction } from './wasm_writer.ts';

/** colSums(a, rows, cols, out): out[j] = Σ_r A[r][j] for a row-major [rows, cols] A, four columns a v128. */
export function colSums(): WasmFunction {
  const L = locals(['a', 'rows', 'cols', 'out'], ['r', 'j', 'cols4', 'row'], []);
  const v = L.at;
  const c = new Code();
  c.get(v.cols).i32(-4).and().set(v.cols4);
  c.i32(0).set(v.j);
  forUp(c, v.j, (c) => c.get(v.cols), 1, () => {
    c.get(v.out).get(v.j).i32(2).shl().add().f32Const0().f32Store(0);
  });
  c.i32(0).set(v.r);
  forUp(c, v.r, (c) => c.get(v.rows), 1, () => {
    c.get(v.a).get(v.r).get(v.cols).mul().i32(2).shl().add().set(v.row);
    c.i32(0).set(v.j);
    forUp(c, v.j, (c) => c.get(v.cols4), 4, () => {
      c.get(v.out).get(v.j).i32(2).shl().add();
      c.get(v.out).get(v.j).i32(2).shl().add().v128Load(0);
      c.get(v.row).get(v.j).i32(2).shl().add().v128Load(0);
      c.f32x4Add().v128Store(0);
    });
    forUp(c, v.j, (c) => c.get(v.cols), 1, () => {
      c.get(v.out).get(v.j).i32(2).shl().add();
      c.get(v.out).get(v.j).i32(2).shl().add().f32Load(0);
      c.get(v.row).get(v.j).i32(2).shl().add().f32Load(0);
      c.f32Add().f32Store(0);
    });
  });
  return L.fn(c, 'colSums');
}

/**
 * rowMax(a, rows, cols, out): out[r] = max_j A[r][j] for cols ≥ 1, four lanes at a time, NaN-propagating
 * (f32x4.max and f32.max return NaN when either side is NaN: a diverged row shows, never hides).
 */
export function rowMax(): WasmFunction {
  const L = locals(['a', 'rows', 'cols', 'out'], ['r', 'j', 'cols4', 'row'], ['m']);
  const v = L.at;
  const c = new Code();
  c.get(v.cols).i32(-4).and().set(v.cols4);
  c.i32(0).set(v.r);
  forUp(c, v.r, (c) => c.get(v.rows), 1, () => {
    c.get(v.a).get(v.r).get(v.cols).mul().i32(2).shl().add().set(v.row);
    c.get(v.row).v128Splat32(0).set(v.m);
    c.i32(0).set(v.j);
    forUp(c, v.j, (c) => c.get(v.cols4), 4, () => {
      c.get(v.m).get(v.row).get(v.j).i32(2).shl().add().v128Load(0).f32x4Max().set(v.m);
    });
    c.get(v.out).get(v.r).i32(2).shl().add(); // the store's address, under the value
    c.get(v.m).f32x4Lane(0).get(v.m).f32x4Lane(1).f32Max().get(v.m).f32x4Lane(2).f32Max().get(v.m).f32x4Lane(3).f32Max();
    c.f32Store(0);
    forUp(c, v.j, (c) => c.get(v.cols), 1, () => {
      c.get(v.out).get(v.r).i32(2).shl().add();
      c.get(v.out).get(v.r).i32(2).shl().add().f32Load(0);
      c.get(v.row).get(v.j).i32(2).shl().add().f32Load(0).f32Max();
      c.f32Store(0);
    });
  });
  return L.fn(c, 'rowMax');
}
