/**
 * UnsortedSegmentSum for the wasm backend, which tfjs 4.22 does not ship. It is the gradient of tf.gather, so
 * without it no embedding can be trained on wasm. out[s, …] = Σ_{i : segmentIds[i] = s} x[i, …]; ids outside
 * [0, numSegments) are dropped, as in the cpu kernel. A plain loop over the wasm heap: O(size of x).
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { registerWasmKernelOnce } from './register.ts';

interface SegmentSumAttrs {
  numSegments: number;
}

function unsortedSegmentSum(args: { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs?: tf.NamedAttrMap }): tf.TensorInfo {
  const backend = args.backend as BackendWasm;
  const { x, segmentIds } = args.inputs as { x: tf.TensorInfo; segmentIds: tf.TensorInfo };
  const { numSegments } = args.attrs as unknown as SegmentSumAttrs;
  const inner = x.shape.slice(segmentIds.shape.length).reduce((a, b) => a * b, 1);
  const rows = segmentIds.shape.reduce((a, b) => a * b, 1);
  const out = backend.makeOutput([numSegments, ...x.shape.slice(segmentIds.shape.length)], x.dtype);
  const outValues = backend.typedArrayFromHeap(out) as Float32Array | Int32Array;
  outValues.fill(0);
  const xValues = backend.typedArrayFromHeap(x) as Float32Array | Int32Array;
  const ids = backend.typedArrayFromHeap(segmentIds) as Int32Array;
  for (let i = 0; i < rows; i++) {
    const s = ids[i];
    if (s < 0 || s >= numSegments) continue;
    const src = i * inner;
    const dst = s * inner;
    for (let j = 0; j < inner; j++) outValues[dst + j] += xValues[src + j];
  }
  return out;
}

/** Whether tfjs-backend-wasm itself had the kernel when this patch was installed (null: not installed yet). */
let upstreamHad: boolean | null = null;

/** Registers the kernel once (idempotent); a later tfjs that ships its own keeps its own. */
export function registerWasmUnsortedSegmentSum(): void {
  upstreamHad ??= tf.getKernel('UnsortedSegmentSum', 'wasm') !== undefined;
  registerWasmKernelOnce('UnsortedSegmentSum', unsortedSegmentSum);
}

/** Upstream's state: does tfjs-backend-wasm ship UnsortedSegmentSum (before this patch)? */
export function upstreamHasUnsortedSegmentSum(): boolean {
  return upstreamHad ?? tf.getKernel('UnsortedSegmentSum', 'wasm') !== undefined;
}
