/**
 * A 2-D transpose for the wasm backend, 'DistillTranspose2D': out[j, i] = x[i, j], in 64 × 64 tiles so that
 * both the reads and the writes stay in cache. tfjs-backend-wasm's Transpose walks the output with one strided
 * read per element: 114 ms for the [2048, 8192] LM-head gradient, against ≈ 40 ms for this loop over the wasm
 * heap. Used by ops/transpose_2d.ts in gradients only (it has no gradient of its own).
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';

export const TRANSPOSE_2D = 'DistillTranspose2D';
const TILE = 64;

function transpose2d(args: { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend }): tf.TensorInfo {
  const backend = args.backend as BackendWasm;
  const { x } = args.inputs as { x: tf.TensorInfo };
  const [rows, cols] = x.shape;
  const out = backend.makeOutput([cols, rows], x.dtype);
  const src = backend.typedArrayFromHeap(x);
  const dst = backend.typedArrayFromHeap(out);
  for (let j0 = 0; j0 < cols; j0 += TILE) {
    const j1 = Math.min(j0 + TILE, cols);
    for (let i0 = 0; i0 < rows; i0 += TILE) {
      const i1 = Math.min(i0 + TILE, rows);
      for (let j = j0; j < j1; j++) {
        const base = j * rows;
        for (let i = i0; i < i1; i++) dst[base + i] = src[i * cols + j];
      }
    }
  }
  return out;
}

let registered = false;

/** Registers the kernel once (idempotent). */
export function registerWasmTranspose2D(): void {
  if (registered || tf.getKernel(TRANSPOSE_2D, 'wasm')) return;
  tf.registerKernel({ kernelName: TRANSPOSE_2D, backendName: 'wasm', kernelFunc: transpose2d as tf.KernelFunc });
  registered = true;
}
