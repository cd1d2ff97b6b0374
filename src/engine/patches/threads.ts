/**
 * How the wasm threads asked for (DISTILL_WASM_THREADS, the page's core count) are shared out: with this
 * engine's GEMM installed (wasm_gemm.ts) the products — most of a step — run on the GEMM's own workers and
 * tfjs's XNNPACK pool gets one thread. Measured on the 2-core bench machine (headline cell, 4 alternating
 * runs each, ms a step): XNNPACK 2 threads without the GEMM ≈ 1,100; GEMM 2 + XNNPACK 2 ≈ 1,070; GEMM 2 +
 * XNNPACK 1 ≈ 950. XNNPACK's idle threads spin before they sleep and take the core the GEMM's worker needs.
 */
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { callerCanBlock, gemmThreads } from './gemm/gemm_pool.ts';
import { patchInstalled } from './index.ts';

/**
 * Threads for tfjs's own XNNPACK pool when `threads` are asked for in all: 1 when the GEMM's pool can serve
 * (installed, and the caller may block: not a page's main thread), else all of them.
 */
export function xnnpackThreads(threads: number): number {
  return patchInstalled('gemm') && callerCanBlock() ? 1 : threads;
}

/** Threads the wasm backend's products run on now: the GEMM's (when installed) or XNNPACK's. */
export function wasmThreadsInUse(): number {
  return Math.max(getThreadsCount(), patchInstalled('gemm') ? gemmThreads() : 1);
}
