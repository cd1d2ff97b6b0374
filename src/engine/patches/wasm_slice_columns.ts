/**
 * A column slice of a 2-D tensor for the wasm backend, 'DistillSliceColumns': out[i, 0:C] = x[i, start:start + C],
 * and with `fill` set one more column out[i, C] = fill — the chunked LM head's "extended" chunk (head/chunks.ts),
 * in one pass. One typed-array copy per row on the wasm heap.
 * Why: tfjs-backend-wasm's Slice of a non-contiguous region walks it element by element in JS: ≈ 90 ms for a
 * [2048, 2048] chunk of the dense teacher's [2048, 8192] logits (twelve of them a step at the benchmark's dense
 * cell: about a fifth of the step), where row copies take ≈ 2 ms; the −BIG column then cost a Concat pass more.
 * Used by ops/slice_columns.ts (no gradient: forward code of the chunked ops and gradient code only).
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { overrideWasmKernel, registerWasmKernelOnce } from './register.ts';

export const SLICE_COLUMNS = 'DistillSliceColumns';

export interface SliceColumnsAttrs {
  start: number;
  size: number;
  /** Appends one column of this value (absent: no extra column). */
  fill?: number;
}

function sliceColumns(args: { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs: tf.NamedAttrMap }): tf.TensorInfo {
  const backend = args.backend as BackendWasm;
  const { x } = args.inputs as { x: tf.TensorInfo };
  const { start, size, fill } = args.attrs as unknown as SliceColumnsAttrs;
  const [rows, cols] = x.shape;
  if (!(start >= 0 && size >= 0 && start + size <= cols)) throw new Error(`${SLICE_COLUMNS}: columns [${start}, ${start + size}) outside [0, ${cols})`);
  const width = size + (fill === undefined ? 0 : 1);
  const out = backend.makeOutput([rows, width], x.dtype);
  const src = backend.typedArrayFromHeap(x) as Float32Array | Int32Array;
  const dst = backend.typedArrayFromHeap(out) as Float32Array | Int32Array;
  for (let i = 0; i < rows; i++) {
    dst.set(src.subarray(i * cols + start, i * cols + start + size), i * width);
    if (fill !== undefined) dst[i * width + size] = fill;
  }
  return out;
}

/**
 * tfjs's SplitV along the last axis by the same row copies (attention's q, k, v out of one [B·L, 3D]
 * projection: tfjs-backend-wasm slices each part element by element in JS, ≈ 9 ms for [2048, 384] into three).
 * Its gradient stays tfjs's (a Concat). Other axes and dtypes: tfjs's own kernel.
 */
function splitLastAxis(args: { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs: tf.NamedAttrMap }): tf.TensorInfo[] | undefined {
  const backend = args.backend as BackendWasm;
  const { x } = args.inputs as { x: tf.TensorInfo };
  const { numOrSizeSplits, axis } = args.attrs as unknown as { numOrSizeSplits: number | number[]; axis: number };
  const rank = x.shape.length;
  if (rank < 2 || (x.dtype !== 'float32' && x.dtype !== 'int32') || (axis < 0 ? axis + rank : axis) !== rank - 1) return undefined;
  const cols = x.shape[rank - 1];
  const sizes = tf.backend_util.prepareSplitSize(x as unknown as tf.Tensor, numOrSizeSplits, rank - 1);
  const outer = x.shape.slice(0, -1);
  const rows = outer.reduce((a, b) => a * b, 1);
  let start = 0;
  return sizes.map((size) => {
    const out = backend.makeOutput([...outer, size], x.dtype);
    const src = backend.typedArrayFromHeap(x) as Float32Array | Int32Array; // after makeOutput: it may grow the heap
    const dst = backend.typedArrayFromHeap(out) as Float32Array | Int32Array;
    for (let i = 0; i < rows; i++) dst.set(src.subarray(i * cols + start, i * cols + start + size), i * size);
    start += size;
    return out;
  });
}

/** Registers the kernel and the SplitV override once (idempotent). */
export function registerWasmSliceColumns(): void {
  registerWasmKernelOnce(SLICE_COLUMNS, sliceColumns);
  overrideWasmKernel(tf.SplitV, splitLastAxis);
}
