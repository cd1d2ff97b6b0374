/**
 * The wasm backend's matrix products, BatchMatMul and _FusedMatMul (bias, linear activation), through this
 * folder's own GEMM (gemm/): float32 operands in either orientation, equal batch sizes or one of them 1.
 * Anything else (other dtypes, an activation, PReLU weights, a bias that is not one row of N) goes to the
 * kernel tfjs registered, kept for that. Its Max over the last axis goes to the same module's rowMax (tfjs's
 * is a scalar loop: 23 ms for the LM head's [2048, 8193] logits, ≈ 4 ms here), and its float32 Exp to the
 * module's expVec (again a scalar loop in tfjs; gemm/elementwise.ts).
 *
 * Why: XNNPACK in tfjs-backend-wasm 4.22 ran the headline cell's LM-head products at 13–25 GFLOP/s on two
 * threads and sends a transposed operand to a 1.3 GFLOP/s scalar loop; the GEMM here packs a transposed
 * operand instead and ran the same products at ≈ 25 GFLOP/s a thread (gemm/gemm_module.ts). Values equal
 * tfjs's up to float32 summation order.
 */
import * as tf from '@tensorflow/tfjs';
import { gemmThreads } from './gemm/gemm_pool.ts';
import { gemmFor, type Gemm } from './gemm/gemm_runtime.ts';
import { overrideWasmKernel, registerWasmKernelOnce } from './register.ts';

/** What this uses of the wasm backend, private members included (tfjs-backend-wasm 4.x internals). */
interface WasmInternals {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  dataIdMap: { get(dataId: tf.DataId): { memoryOffset: number } };
  wasm: {
    wasmMemory?: WebAssembly.Memory; // the threaded build's shared heap
    asm?: { memory?: WebAssembly.Memory }; // the single-threaded build's
    _malloc(bytes: number): number;
    _free(ptr: number): void;
  };
}

const BYTES = 4;

/** The GEMM on this backend's heap. */
export function wasmGemm(backend: tf.KernelBackend): Gemm {
  const w = (backend as unknown as WasmInternals).wasm;
  const memory = w.wasmMemory ?? w.asm?.memory;
  if (!(memory instanceof WebAssembly.Memory)) throw new Error('wasm gemm: the backend exposes no WebAssembly.Memory (tfjs-backend-wasm changed?)');
  const shared = typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
  return gemmFor({ memory, malloc: (b) => w._malloc(b), free: (p) => w._free(p), threads: shared ? gemmThreads() : 1 });
}

/** Heap offset of a tensor's data. */
export function heapOffset(backend: tf.KernelBackend, t: tf.TensorInfo): number {
  return (backend as unknown as WasmInternals).dataIdMap.get(t.dataId).memoryOffset;
}

interface MatMulArgs {
  inputs: tf.NamedTensorInfoMap;
  backend: tf.KernelBackend;
  attrs?: tf.NamedAttrMap;
}

const size = (dims: readonly number[]) => dims.reduce((x, y) => x * y, 1);

/** op(a) · op(b) (+ bias) for a, b of rank ≥ 2; undefined when this GEMM does not serve the case. */
function product(args: MatMulArgs, fused: boolean): tf.TensorInfo | undefined {
  const { a, b, bias, preluActivationWeights } = args.inputs as Record<string, tf.TensorInfo | undefined>;
  const attrs = (args.attrs ?? {}) as { transposeA?: boolean; transposeB?: boolean; activation?: string };
  if (!a || !b || a.dtype !== 'float32' || b.dtype !== 'float32' || a.shape.length < 2 || b.shape.length < 2) return undefined;
  if (fused && ((attrs.activation ?? 'linear') !== 'linear' || preluActivationWeights)) return undefined;
  const tA = Boolean(attrs.transposeA);
  const tB = Boolean(attrs.transposeB);
  const [leadA, leadB] = [a.shape.slice(0, -2), b.shape.slice(0, -2)];
  const [ba, bb] = [size(leadA), size(leadB)];
  const [a1, a2] = a.shape.slice(-2);
  const [b1, b2] = b.shape.slice(-2);
  const [m, k] = tA ? [a2, a1] : [a1, a2];
  const [kb, n] = tB ? [b2, b1] : [b1, b2];
  const sameLead = leadA.length === leadB.length && leadA.every((d, i) => d === leadB[i]);
  if (k !== kb || !(sameLead || ba === 1 || bb === 1)) return undefined;
  if (bias && (bias.dtype !== 'float32' || size(bias.shape) !== n || bias.shape.slice(0, -1).some((d) => d !== 1))) return undefined;
  const backend = args.backend;
  const batch = Math.max(ba, bb);
  const lead = tf.backend_util.assertAndGetBroadcastShape(leadA, leadB); // one side's batch is 1, or both equal
  const out = (backend as unknown as WasmInternals).makeOutput([...lead, m, n], 'float32');
  const gemm = wasmGemm(backend);
  const aOff = heapOffset(backend, a);
  const bOff = heapOffset(backend, b);
  const cOff = heapOffset(backend, out);
  const biasOff = bias ? heapOffset(backend, bias) : 0;
  for (let i = 0; i < batch; i++) {
    gemm.run({
      a: aOff + (ba === 1 ? 0 : i * m * k * BYTES),
      aRowStride: tA ? BYTES : k * BYTES,
      aKStride: tA ? m * BYTES : BYTES,
      b: bOff + (bb === 1 ? 0 : i * k * n * BYTES),
      bKStride: tB ? BYTES : n * BYTES,
      bColStride: tB ? k * BYTES : BYTES,
      m, n, k,
      c: cOff + i * m * n * BYTES,
      bias: biasOff,
    });
  }
  return out;
}

export const COLUMN_SUMS = 'DistillColumnSums';

/** 'DistillColumnSums': out [N] = Σ_r x[r, :] for a float32 [M, N] x, one pass down the rows (a bias gradient). */
function columnSums(args: MatMulArgs): tf.TensorInfo {
  const { x } = args.inputs as { x: tf.TensorInfo };
  if (x.dtype !== 'float32' || x.shape.length !== 2) throw new Error(`${COLUMN_SUMS}: a float32 [M, N] tensor expected, got ${x.dtype} [${x.shape}]`);
  const [m, n] = x.shape;
  const backend = args.backend;
  const out = (backend as unknown as WasmInternals).makeOutput([n], 'float32');
  if (n > 0) wasmGemm(backend).colSums(heapOffset(backend, x), m, n, heapOffset(backend, out));
  return out;
}

/** Max over the last axis of a float32 tensor (a log-sum-exp's shift), NaN-propagating; else undefined. */
function lastAxisMax(args: MatMulArgs): tf.TensorInfo | undefined {
  const { x } = args.inputs as { x?: tf.TensorInfo };
  const attrs = (args.attrs ?? {}) as { reductionIndices?: number | number[]; keepDims?: boolean };
  if (!x || x.dtype !== 'float32' || x.shape.length === 0) return undefined;
  const rank = x.shape.length;
  const axes = [attrs.reductionIndices ?? []].flat().map((a) => (a < 0 ? a + rank : a));
  const cols = x.shape[rank - 1];
  if (axes.length !== 1 || axes[0] !== rank - 1 || cols === 0) return undefined;
  const backend = args.backend;
  const outer = x.shape.slice(0, -1);
  const out = (backend as unknown as WasmInternals).makeOutput(attrs.keepDims ? [...outer, 1] : outer, 'float32');
  const rows = size(outer);
  if (rows > 0) wasmGemm(backend).rowMax(heapOffset(backend, x), rows, cols, heapOffset(backend, out));
  return out;
}

/** eˣ of a float32 tensor through the module's expVec (gemm/elementwise.ts; tfjs's Exp is a scalar loop); else undefined. */
function elementwiseExp(args: MatMulArgs): tf.TensorInfo | undefined {
  const { x } = args.inputs as { x?: tf.TensorInfo };
  if (!x || x.dtype !== 'float32') return undefined;
  const backend = args.backend;
  const out = (backend as unknown as WasmInternals).makeOutput([...x.shape], 'float32');
  const n = size(x.shape);
  if (n > 0) wasmGemm(backend).exp(heapOffset(backend, x), n, heapOffset(backend, out));
  return out;
}

export const SCALE_ROWS_SCATTER_ADD = 'DistillScaleRowsScatterAdd';

/**
 * 'DistillScaleRowsScatterAdd': out [P, W] = x ⊙ factor[:, None] + scatterND(indices, updates, [P, W]), for
 * float32 x [P, W], factor [P], updates [N] and int32 (row, column) indices [N, 2], duplicates summed. One
 * pass over x where tfjs takes three (Multiply, a dense ScatterNd, Add: ≈ 15 ms each at [2048, 8193]).
 */
function scaleRowsScatterAdd(args: MatMulArgs): tf.TensorInfo {
  const { x, factor, indices, updates } = args.inputs as Record<string, tf.TensorInfo>;
  const [p, w] = x.shape;
  const n = updates.shape[0];
  const ok = x.dtype === 'float32' && factor.dtype === 'float32' && updates.dtype === 'float32' && indices.dtype === 'int32'
    && x.shape.length === 2 && factor.shape.join() === `${p}` && updates.shape.length === 1 && indices.shape.join() === `${n},2`;
  if (!ok) throw new Error(`${SCALE_ROWS_SCATTER_ADD}: expected float32 x [P, W], factor [P], updates [N], int32 indices [N, 2]; got ${[x, factor, indices, updates].map((t) => `${t.dtype} [${t.shape}]`).join(', ')}`);
  const backend = args.backend;
  const pairs = (backend as unknown as { typedArrayFromHeap(t: tf.TensorInfo): Int32Array }).typedArrayFromHeap(indices);
  for (let i = 0; i < n; i++) {
    const [r, c] = [pairs[2 * i], pairs[2 * i + 1]];
    if (!(r >= 0 && r < p && c >= 0 && c < w)) throw new Error(`${SCALE_ROWS_SCATTER_ADD}: index (${r}, ${c}) outside [${p}, ${w}]`);
  }
  const out = (backend as unknown as WasmInternals).makeOutput([p, w], 'float32');
  if (p > 0 && w > 0) {
    const at = (t: tf.TensorInfo) => heapOffset(backend, t);
    wasmGemm(backend).scaleRowsScatterAdd(at(x), p, w, at(factor), at(out), at(indices), at(updates), n);
  }
  return out;
}

/**
 * Sends the wasm backend's BatchMatMul and _FusedMatMul through the GEMM, its last-axis Max through
 * rowMax and its float32 Exp through expVec, and adds DistillColumnSums and DistillScaleRowsScatterAdd (idempotent).
 */
export function registerWasmGemm(): void {
  overrideWasmKernel<MatMulArgs>(tf.BatchMatMul, (args) => product(args, false));
  overrideWasmKernel<MatMulArgs>(tf._FusedMatMul, (args) => product(args, true));
  overrideWasmKernel<MatMulArgs>(tf.Max, lastAxisMax);
  overrideWasmKernel<MatMulArgs>(tf.Exp, elementwiseExp);
  registerWasmKernelOnce(COLUMN_SUMS, columnSums);
  registerWasmKernelOnce(SCALE_ROWS_SCATTER_ADD, scaleRowsScatterAdd);
}
