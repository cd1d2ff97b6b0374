/**
 * A batched matrix product for the wasm backend, 'DistillBatchMatMul': out[i] = op(a[i]) · op(b[i]) for every
 * batch index i, where op transposes the last two axes when transposeA / transposeB is set.
 *
 * Why: tfjs-backend-wasm sends a product to XNNPACK only when both batch sizes are 1 and neither operand is
 * transposed; every attention product ([B·H, L, dh] × [B·H, dh, L] and back) falls to a scalar blocked loop,
 * ≈ 15 ms each at B = 32, H = 4, L = 64, dh = 32 (12 of them a training step). This kernel calls the same
 * exported XNNPACK entry point once per batch index on views of the operands: tensor ids registered at offsets
 * inside the inputs' and output's buffers (no copies), and a transposed operand is first transposed into a
 * scratch buffer by a JS loop. Measured 2.5–3.6 ms for the same products.
 *
 * Views are registered with the backend's C++ side only (never with its JS data map), so disposing them
 * frees nothing; the XNNPACK operator tfjs caches per right-operand id is deleted with that id.
 * Equal batch sizes only (no broadcasting); float32 only.
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { registerWasmKernelOnce } from './register.ts';

export const BATCH_MATMUL = 'DistillBatchMatMul';

export interface BatchMatMulAttrs {
  transposeA: boolean;
  transposeB: boolean;
}

type CwrapBatchMatMul = (
  aId: number, aShape: Uint8Array, aRank: number,
  bId: number, bShape: Uint8Array, bRank: number,
  transposeA: number, transposeB: number, outId: number,
) => void;

/** What this kernel uses of the wasm backend, private members included (tfjs-backend-wasm 4.x internals). */
interface WasmInternals {
  makeOutput: BackendWasm['makeOutput'];
  dataIdNextNumber: number;
  dataIdMap: { get(dataId: tf.DataId): { memoryOffset: number } };
  wasm: {
    HEAPU8: Uint8Array;
    tfjs: BackendWasm['wasm']['tfjs'];
    cwrap(name: string, ret: null, args: string[]): CwrapBatchMatMul;
    _malloc(bytes: number): number;
    _free(ptr: number): void;
  };
}

const BYTES = 4; // float32
const fnCache = new WeakMap<object, CwrapBatchMatMul>();

function shapeBytes(shape: number[]): Uint8Array {
  return new Uint8Array(new Int32Array(shape).buffer);
}

/** Transposes the [rows, cols] matrix at heap float index src into dst (both float indices into heap). */
function transposeInto(heap: Float32Array, src: number, rows: number, cols: number, dst: number): void {
  for (let r = 0; r < rows; r++) {
    const row = src + r * cols;
    for (let c = 0; c < cols; c++) heap[dst + c * rows + r] = heap[row + c];
  }
}

function batchMatMul(args: { inputs: tf.NamedTensorInfoMap; backend: tf.KernelBackend; attrs?: tf.NamedAttrMap }): tf.TensorInfo {
  const backend = args.backend as unknown as WasmInternals;
  const { a, b } = args.inputs as { a: tf.TensorInfo; b: tf.TensorInfo };
  const { transposeA, transposeB } = args.attrs as unknown as BatchMatMulAttrs;
  if (a.dtype !== 'float32' || b.dtype !== 'float32') throw new Error(`${BATCH_MATMUL}: float32 only`);
  const ra = a.shape.length;
  const rb = b.shape.length;
  const batchShape = a.shape.slice(0, -2);
  const batch = batchShape.reduce((x, y) => x * y, 1);
  if (ra < 3 || ra !== rb || b.shape.slice(0, -2).some((d, i) => d !== batchShape[i])) {
    throw new Error(`${BATCH_MATMUL}: equal batch shapes of rank ≥ 3 expected, got [${a.shape}] and [${b.shape}]`);
  }
  const [m, k] = transposeA ? [a.shape[ra - 1], a.shape[ra - 2]] : [a.shape[ra - 2], a.shape[ra - 1]];
  const [kb, n] = transposeB ? [b.shape[rb - 1], b.shape[rb - 2]] : [b.shape[rb - 2], b.shape[rb - 1]];
  if (k !== kb) throw new Error(`${BATCH_MATMUL}: inner sizes differ (${k} vs ${kb}) for [${a.shape}] and [${b.shape}]`);

  const out = backend.makeOutput([...batchShape, m, n], 'float32');
  if (batch === 0 || m === 0 || n === 0) return out;
  if (k === 0) {
    (backend as unknown as BackendWasm).typedArrayFromHeap(out).fill(0); // an empty sum
    return out;
  }
  const wasm = backend.wasm;
  let call = fnCache.get(wasm);
  if (!call) {
    call = wasm.cwrap('BatchMatMul', null, ['number', 'array', 'number', 'number', 'array', 'number', 'number', 'number', 'number']);
    fnCache.set(wasm, call);
  }
  // Scratch for one transposed slice of each operand; malloc may grow the heap, so views are taken after.
  const scratchA = transposeA ? wasm._malloc(m * k * BYTES) >>> 0 : 0;
  const scratchB = transposeB ? wasm._malloc(k * n * BYTES) >>> 0 : 0;
  try {
    let heap = new Float32Array(wasm.HEAPU8.buffer);
    const aOff = backend.dataIdMap.get(a.dataId).memoryOffset;
    const bOff = backend.dataIdMap.get(b.dataId).memoryOffset;
    const outOff = backend.dataIdMap.get(out.dataId).memoryOffset;
    const aShape = shapeBytes([1, m, k]);
    const bShape = shapeBytes([1, k, n]);
    for (let i = 0; i < batch; i++) {
      // XNNPACK allocates as it packs; a grown heap detaches the previous view.
      if (heap.buffer !== wasm.HEAPU8.buffer) heap = new Float32Array(wasm.HEAPU8.buffer);
      let aPtr = aOff + i * m * k * BYTES;
      let bPtr = bOff + i * k * n * BYTES;
      if (transposeA) {
        transposeInto(heap, aPtr / BYTES, k, m, scratchA / BYTES);
        aPtr = scratchA;
      }
      if (transposeB) {
        transposeInto(heap, bPtr / BYTES, n, k, scratchB / BYTES);
        bPtr = scratchB;
      }
      const aId = backend.dataIdNextNumber++;
      const bId = backend.dataIdNextNumber++;
      const outId = backend.dataIdNextNumber++;
      wasm.tfjs.registerTensor(aId, m * k, aPtr);
      wasm.tfjs.registerTensor(bId, k * n, bPtr);
      wasm.tfjs.registerTensor(outId, m * n, outOff + i * m * n * BYTES);
      call(aId, aShape, 3, bId, bShape, 3, 0, 0, outId);
      // Disposing bId also deletes the XNNPACK operator packed from this slice.
      wasm.tfjs.disposeData(aId);
      wasm.tfjs.disposeData(bId);
      wasm.tfjs.disposeData(outId);
    }
  } finally {
    if (scratchA) wasm._free(scratchA);
    if (scratchB) wasm._free(scratchB);
  }
  return out;
}

/** Registers the kernel once (idempotent). */
export function registerWasmBatchMatMul(): void {
  registerWasmKernelOnce(BATCH_MATMUL, batchMatMul);
}
