/**
 * Row gather for the wasm backend, 'DistillTakeRows': out[i, :] = table[ids[i], :] for a 2-D table [V, D] and
 * int32 ids [N] — the embedding lookup. One typed-array copy per row (copyWithin on the wasm heap).
 * Why: tfjs-backend-wasm's GatherV2 is a general strided gather, ≈ 10 ms for 2048 rows of 128 floats (1 MiB),
 * where row copies take well under 1 ms. An id outside [0, V) throws (the data contract forbids them; tf.gather
 * would read out of bounds or write zeros depending on the backend).
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { registerWasmKernelOnce } from './register.ts';

export const TAKE_ROWS = 'DistillTakeRows';

function takeRows(args: { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend }): tf.TensorInfo {
  const backend = args.backend as BackendWasm;
  const { table, ids } = args.inputs as { table: tf.TensorInfo; ids: tf.TensorInfo };
  const [rows, width] = table.shape;
  const n = ids.shape[0];
  const out = backend.makeOutput([n, width], table.dtype);
  const src = backend.typedArrayFromHeap(table) as Float32Array | Int32Array;
  const dst = backend.typedArrayFromHeap(out) as Float32Array | Int32Array;
  const index = backend.typedArrayFromHeap(ids) as Int32Array;
  for (let i = 0; i < n; i++) {
    const row = index[i];
    if (!(row >= 0 && row < rows)) throw new Error(`${TAKE_ROWS}: id ${row} at position ${i} is outside [0, ${rows})`);
    dst.set(src.subarray(row * width, (row + 1) * width), i * width);
  }
  return out;
}

/** Registers the kernel once (idempotent). */
export function registerWasmTakeRows(): void {
  registerWasmKernelOnce(TAKE_ROWS, takeRows);
}
