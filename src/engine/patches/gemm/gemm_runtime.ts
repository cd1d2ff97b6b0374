/**
 * The GEMM kernels bound to one wasm heap: C [M, N] = A·B (+ bias) on operands at byte offsets in the heap,
 * split by rows between the calling thread and the pool's workers (gemm_pool.ts) when the heap is shared.
 *
 * Per call: B is packed once (packB, by the caller), then every share packs its own A blocks into its own
 * scratch and writes its own rows of C; shares are whole 4-row panels, so no two threads touch one tile.
 */
import { gemmModuleBytes, MR, NR, packedABytes, packedBBytes, relaxedSimdSupported } from './gemm_module.ts';
import { createGemmPool, type GemmPool, type KernelName } from './gemm_pool.ts';

/** The heap the operands live in and its allocator (tfjs-backend-wasm's Emscripten malloc). */
export interface WasmHeap {
  memory: WebAssembly.Memory;
  malloc(bytes: number): number;
  free(ptr: number): void;
  /** Threads to use in all, the caller's included (tfjs's own pool size); 1 when the memory is not shared. */
  threads: number;
}

/** One product's operands. Offsets and strides in bytes. */
export interface GemmOperands {
  /** A's element (r, k) is at a + r·aRowStride + k·aKStride (a transposed A: aRowStride 4). */
  a: number;
  aRowStride: number;
  aKStride: number;
  /** B's element (k, j) is at b + k·bKStride + j·bColStride (a transposed B: bKStride 4). */
  b: number;
  bKStride: number;
  bColStride: number;
  m: number;
  n: number;
  k: number;
  /** C, row-major [m, n]. */
  c: number;
  /** n floats added to every row of C, or 0 for none. */
  bias: number;
}

export interface Gemm {
  run(o: GemmOperands): void;
  /** out[j] = Σ_r A[r][j] for the row-major [rows, cols] matrix at a (one thread: a memory-bound pass). */
  colSums(a: number, rows: number, cols: number, out: number): void;
  /** out[r] = max_j A[r][j] for the row-major [rows, cols ≥ 1] matrix at a, NaN-propagating. */
  rowMax(a: number, rows: number, cols: number, out: number): void;
  /**
   * out = A ⊙ factor[r] (row r scaled by factor[r]) + Σ_i values[i] at (row_i, col_i), for the row-major
   * [rows, cols] A at a; pairs are n (row, col) int32 pairs inside it. The LM head's gradient in one pass.
   */
  scaleRowsScatterAdd(a: number, rows: number, cols: number, factor: number, out: number, pairs: number, values: number, n: number): void;
  /** out[i] = eˣ of x[i] for the n floats at x (out may be x): elementwise.ts's expVec, its last n % 4 in JS. */
  exp(x: number, n: number, out: number): void;
  /** Threads a large product runs on now (1 + the workers serving). */
  readonly threads: number;
  dispose(): void;
}

interface Exports {
  gemm(...args: number[]): void;
  packB(b: number, sk: number, sn: number, k: number, n: number, bp: number): void;
  colSums(a: number, rows: number, cols: number, out: number): void;
  scatterAdd(out: number, cols: number, pairs: number, values: number, n: number): void;
  [name: string]: (...args: number[]) => void;
}

/** Products below this many flops, or row passes below this many floats, run on the calling thread alone. */
const MIN_THREADED_FLOPS = 1 << 22;
const MIN_THREADED_FLOATS = 1 << 18;
const BYTES = 4;
const TILE_BYTES = MR * NR * BYTES;

const bound = new WeakMap<WebAssembly.Memory, Gemm>();

/** The kernels on `heap` (one module and pool per memory). */
export function gemmFor(heap: WasmHeap): Gemm {
  let g = bound.get(heap.memory);
  if (!g) {
    g = bindGemm(heap);
    bound.set(heap.memory, g);
  }
  return g;
}

function bindGemm(heap: WasmHeap): Gemm {
  const shared = typeof SharedArrayBuffer !== 'undefined' && heap.memory.buffer instanceof SharedArrayBuffer;
  const module = new WebAssembly.Module(gemmModuleBytes(shared, relaxedSimdSupported()));
  const ex = new WebAssembly.Instance(module, { env: { memory: heap.memory } }).exports as unknown as Exports;
  const pool: GemmPool | undefined = shared && heap.threads > 1 ? createGemmPool(module, heap.memory, heap.threads - 1) : undefined;

  /**
   * Runs `kernel` over rows [0, rows), split in runs of whole `align`-row groups between the caller and the
   * pool's workers when `threaded`; argsFor(r0, count) gives a share's arguments.
   */
  function splitRows(kernel: KernelName, rows: number, align: number, threaded: boolean, argsFor: (r0: number, count: number) => number[]): void {
    const workers = pool && threaded ? pool.workers : 0;
    const per = Math.ceil(Math.ceil(rows / align) / (workers + 1)) * align;
    const shares = Array.from({ length: workers + 1 }, (_, s) => {
      const r0 = Math.min(rows, s * per);
      return argsFor(r0, Math.min(per, rows - r0));
    });
    const own = () => ex[kernel](...shares[0]);
    if (workers > 0) pool!.run(shares.slice(1).map((args) => ({ kernel, args })), own);
    else own();
  }

  function fillBias(o: GemmOperands): void {
    const out = new Float32Array(heap.memory.buffer, o.c, o.m * o.n);
    if (!o.bias) {
      out.fill(0);
      return;
    }
    const bias = new Float32Array(heap.memory.buffer, o.bias, o.n);
    for (let r = 0; r < o.m; r++) out.set(bias, r * o.n);
  }

  function run(o: GemmOperands): void {
    if (o.m === 0 || o.n === 0) return;
    if (o.k === 0) return fillBias(o); // an empty sum
    const allocated: number[] = [];
    const alloc = (bytes: number) => {
      const p = heap.malloc(bytes) >>> 0;
      if (!p) throw new Error(`gemm: out of wasm memory for ${bytes} bytes of scratch`);
      allocated.push(p);
      return p;
    };
    try {
      const bp = alloc(packedBBytes(o.k, o.n));
      let biasPadded = 0;
      if (o.bias) {
        const panels = Math.ceil(o.n / NR);
        biasPadded = alloc(panels * NR * BYTES);
        const dst = new Float32Array(heap.memory.buffer, biasPadded, panels * NR); // after malloc: it may grow the heap
        dst.fill(0);
        dst.set(new Float32Array(heap.memory.buffer, o.bias, o.n));
      }
      ex.packB(o.b, o.bKStride, o.bColStride, o.k, o.n, bp);
      splitRows('gemm', o.m, MR, 2 * o.m * o.n * o.k >= MIN_THREADED_FLOPS, (r0, rows) => {
        const ap = alloc(packedABytes(Math.max(rows, 1)));
        const scratch = alloc(TILE_BYTES);
        return [o.a + r0 * o.aRowStride, o.aRowStride, o.aKStride, bp, rows, o.n, o.k, o.c + r0 * o.n * BYTES, o.n * BYTES, biasPadded, ap, scratch];
      });
    } finally {
      for (const p of allocated) heap.free(p);
    }
  }

  return {
    run,
    colSums: (a, rows, cols, out) => ex.colSums(a, rows, cols, out),
    rowMax: (a, rows, cols, out) => splitRows('rowMax', rows, 1, rows * cols >= MIN_THREADED_FLOATS, (r0, n) => [a + r0 * cols * BYTES, n, cols, out + r0 * BYTES]),
    scaleRowsScatterAdd(a, rows, cols, factor, out, pairs, values, n) {
      const rowBytes = cols * BYTES;
      splitRows('scaleRows', rows, 1, rows * cols >= MIN_THREADED_FLOATS, (r0, count) => [a + r0 * rowBytes, count, cols, factor + r0 * BYTES, out + r0 * rowBytes]);
      ex.scatterAdd(out, cols, pairs, values, n);
    },
    exp(x, n, out) {
      const groups = n >>> 2;
      splitRows('expVec', groups, 1, n >= MIN_THREADED_FLOATS, (g0, count) => [x + g0 * 4 * BYTES, count, out + g0 * 4 * BYTES]);
      const tail = new Float32Array(heap.memory.buffer, out, n); // after the kernels: the heap does not grow in them
      const src = new Float32Array(heap.memory.buffer, x, n);
      for (let i = 4 * groups; i < n; i++) tail[i] = Math.exp(src[i]);
    },
    get threads() {
      return 1 + (pool?.workers ?? 0);
    },
    dispose: () => pool?.dispose(),
  };
}
