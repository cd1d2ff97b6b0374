/**
 * Row-wise kernels for the same module as the GEMM (gemm_module.ts), on row-major float32 matrices in the
 * heap: column sums (a bias gradient), row maxima (a log-sum-exp's shift), rows scaled by a factor each and a
 * scatter-add (the LM head's gradient in one pass). tfjs-backend-wasm reduces axis 0 by transposing first,
 * its Max over the last axis is a scalar loop (23 ms for [2048, 8193]), and a passes over [P, V] cost ≈ 15 ms
 * each on the bench machine's memory (4.4 GB/s a thread, 8.3 on two).
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

/** scaleRows(a, rows, cols, factor, out): out[r][j] = A[r][j] · factor[r] (out may be a), four lanes at a time. */
export function scaleRows(): WasmFunction {
  const L = locals(['a', 'rows', 'cols', 'factor', 'out'], ['r', 'j', 'cols4', 'row', 'dst'], ['f']);
  const v = L.at;
  const c = new Code();
  c.get(v.cols).i32(-4).and().set(v.cols4);
  c.i32(0).set(v.r);
  forUp(c, v.r, (c) => c.get(v.rows), 1, () => {
    c.get(v.r).get(v.cols).mul().i32(2).shl().set(v.row);
    c.get(v.out).get(v.row).add().set(v.dst);
    c.get(v.a).get(v.row).add().set(v.row);
    c.get(v.factor).get(v.r).i32(2).shl().add().v128Splat32(0).set(v.f);
    c.i32(0).set(v.j);
    forUp(c, v.j, (c) => c.get(v.cols4), 4, () => {
      c.get(v.dst).get(v.j).i32(2).shl().add();
      c.get(v.row).get(v.j).i32(2).shl().add().v128Load(0).get(v.f).f32x4Mul();
      c.v128Store(0);
    });
    forUp(c, v.j, (c) => c.get(v.cols), 1, () => {
      c.get(v.dst).get(v.j).i32(2).shl().add();
      c.get(v.row).get(v.j).i32(2).shl().add().f32Load(0).get(v.factor).get(v.r).i32(2).shl().add().f32Load(0).f32Mul();
      c.f32Store(0);
    });
  });
  return L.fn(c, 'scaleRows');
}

/**
 * scatterAdd(out, cols, pairs, values, n): out[row_i][col_i] += values[i] for i < n, (row, col) int32 pairs,
 * in order (duplicates add up, as tf.scatterND's do). The caller keeps every pair inside out.
 */
export function scatterAdd(): WasmFunction {
  const L = locals(['out', 'cols', 'pairs', 'values', 'n'], ['i', 'at'], []);
  const v = L.at;
  const c = new Code();
  c.i32(0).set(v.i);
  forUp(c, v.i, (c) => c.get(v.n), 1, () => {
    c.get(v.pairs).get(v.i).i32(3).shl().add().set(v.at); // pairs + 8i
    c.get(v.out);
    c.get(v.at).i32Load(0).get(v.cols).mul().get(v.at).i32Load(4).add().i32(2).shl().add().set(v.at); // &out[row][col]
    c.get(v.at).get(v.at).f32Load(0).get(v.values).get(v.i).i32(2).shl().add().f32Load(0).f32Add().f32Store(0);
  });
  return L.fn(c, 'scatterAdd');
}
