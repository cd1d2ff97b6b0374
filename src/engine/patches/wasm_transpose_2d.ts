/**
 * A 2-D transpose for the wasm backend, 'DistillTranspose2D': out[j, i] = x[i, j], in 128 × 128 tiles so that
 * both the reads and the writes stay in cache, four source rows at a time. tfjs-backend-wasm's Transpose walks
 * the output with one strided read per element: 114 ms for the [2048, 8192] LM-head gradient, against ≈ 40 ms
 * for a plain tiled loop over the wasm heap and ≈ 25 ms for this one. Used by ops/transpose_2d.ts in gradients only (it has no gradient of its own).
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { registerWasmKernelOnce } from './register.ts';

export const TRANSPOSE_2D = 'DistillTranspose2D';
const TILE = 128;

function transpose2d(args: { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend }): tf.TensorInfo {
  const backend = args.backend as BackendWasm;
  const { x } = args.inputs as { x: tf.TensorInfo };
  const [rows, cols] = x.shape;
  const out = backend.makeOutput([cols, rows], x.dtype);
  const src = backend.typedArrayFromHeap(x);
  const dst = backend.typedArrayFromHeap(out);
  for (let i0 = 0; i0 < rows; i0 += TILE) {
    const i1 = Math.min(i0 + TILE, rows);
    const i4 = i0 + ((i1 - i0) & ~3); // rows of this tile in whole groups of four
    for (let j0 = 0; j0 < cols; j0 += TILE) {
      const j1 = Math.min(j0 + TILE, cols);
      // Four source rows at a time: four sequential read streams, four adjacent writes per output row.
      for (let i = i0; i < i4; i += 4) {
        const r0 = i * cols;
        const r1 = r0 + cols;
        const r2 = r1 + cols;
        const r3 = r2 + cols;
        for (let j = j0; j < j1; j++) {
          const d = j * rows + i;
          dst[d] = src[r0 + j];
          dst[d + 1] = src[r1 + j];
          dst[d + 2] = src[r2 + j];
          dst[d + 3] = src[r3 + j];
        }
      }
      for (let i = i4; i < i1; i++) {
        const r = i * cols;
        for (let j = j0; j < j1; j++) dst[j * rows + i] = src[r + j];
      }
    }
  }
  return out;
}

/** Registers the kernel once (idempotent). */
export function registerWasmTranspose2D(): void {
  registerWasmKernelOnce(TRANSPOSE_2D, transpose2d);
}
