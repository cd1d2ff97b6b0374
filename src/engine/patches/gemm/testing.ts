/** Test helpers for the GEMM module (tests only). */
import { setGemmThreading } from './gemm_pool.ts';
import { gemmFor, type Gemm, type WasmHeap } from './gemm_runtime.ts';
import { spawnNodeGemmWorker } from './spawn_node.ts';

const BYTES = 4;

/** A heap with a bump allocator (free is a no-op: each test's heap is thrown away). */
export function makeHeap(pages: number, shared = false, threads = 1): WasmHeap & { f32: () => Float32Array; alloc: (floats: number) => number } {
  const memory = shared ? new WebAssembly.Memory({ initial: pages, maximum: 65536, shared: true }) : new WebAssembly.Memory({ initial: pages });
  let top = 64;
  const malloc = (bytes: number) => {
    const p = top;
    top += Math.ceil(bytes / 64) * 64;
    if (top > memory.buffer.byteLength) memory.grow(Math.ceil((top - memory.buffer.byteLength) / 65536));
    return p;
  };
  return { memory, malloc, free: () => undefined, threads, f32: () => new Float32Array(memory.buffer), alloc: (floats) => malloc(floats * BYTES) };
}


/**
 * The kernels on a fresh shared heap of `pages` with one worker thread beside the caller (Node's
 * worker_threads), once the worker serves or after 5 s (the caller checks gemm.threads where it matters).
 * Reset with setGemmThreading(undefined, 1) after the tests.
 */
export async function threadedGemm(pages: number): Promise<{ heap: ReturnType<typeof makeHeap>; gemm: Gemm }> {
  setGemmThreading(spawnNodeGemmWorker, 2);
  const heap = makeHeap(pages, true, 2);
  const gemm = gemmFor(heap);
  for (let i = 0; i < 200 && gemm.threads < 2; i++) await new Promise((r) => setTimeout(r, 25));
  return { heap, gemm };
}
