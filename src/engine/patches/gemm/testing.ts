/** Test helpers for the GEMM module (tests only). */
import type { WasmHeap } from './gemm_runtime.ts';

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

