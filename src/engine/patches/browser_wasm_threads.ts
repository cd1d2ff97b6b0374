/**
 * Multi-threaded wasm (XNNPACK's thread pool) in a Vite-bundled worker or page.
 *
 * tfjs-backend-wasm starts its pthread workers from a Blob holding
 * `var WasmBackendModuleThreadedSimd = ` + the Emscripten factory's `Function.prototype.toString()`. Once Vite
 * has bundled (and minified) that factory, its text refers to names of the bundle's scope that the pthread
 * worker does not have, and every worker dies ("ReferenceError: e is not defined"): the backend never starts.
 * The fix here: while the backend initialises, a Blob made of exactly that prefix gets the factory's original
 * source instead (tfjs's own file, imported as text at build time). The main thread keeps the bundled copy of
 * the same file, so both sides run the same Emscripten build.
 *
 * Threads need cross-origin isolation (SharedArrayBuffer): the page sends COOP/COEP (src/csp.ts, vite config).
 * Without it, or asked for fewer than two threads, the single-threaded SIMD build is used.
 */
import { env } from '@tensorflow/tfjs';
import { setThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { setGemmThreading } from './gemm/gemm_pool.ts';
import { spawnBrowserGemmWorker } from './gemm/spawn_browser.ts';
import { xnnpackThreads } from './threads.ts';
import { checkTfjsVersion } from './version.ts';
import threadedFactorySource from '@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js?raw';

/** How tfjs-backend-wasm 4.x names the factory in the Blob it hands its pthread workers. */
export const FACTORY_BLOB_PREFIX = 'var WasmBackendModuleThreadedSimd = ';

/** Threads for XNNPACK from the logical core count: all up to 4, then half (SMT siblings add little), ≤ 8. */
export function defaultWasmThreads(hardwareConcurrency: number): number {
  const n = Number.isFinite(hardwareConcurrency) && hardwareConcurrency >= 1 ? Math.floor(hardwareConcurrency) : 1;
  return Math.min(8, n <= 4 ? n : Math.max(4, Math.ceil(n / 2)));
}

/**
 * A Blob class that swaps the factory text for `source` when constructed from one string starting with
 * FACTORY_BLOB_PREFIX; any other Blob is built as usual.
 */
export function factorySwappingBlob(NativeBlob: typeof Blob, source: string): typeof Blob {
  return class FactorySwappingBlob extends NativeBlob {
    constructor(parts?: BlobPart[], options?: BlobPropertyBag) {
      const first = parts?.length === 1 ? parts[0] : undefined;
      const swap = typeof first === 'string' && first.startsWith(FACTORY_BLOB_PREFIX);
      super(swap ? [source] : parts, options);
    }
  };
}

export interface WasmThreadsChoice {
  /** Threads asked of XNNPACK (1: the single-threaded build). */
  threads: number;
  /** Why threads are off, when they are. */
  reason?: string;
}

/**
 * Sets tfjs up to start the wasm backend with `threads` threads; call before the backend is first selected.
 * The Blob swap stays installed for the scope's lifetime (a later fallback to wasm initialises it then); it
 * touches no other Blob. `crossOriginIsolated` is a parameter so the decision can be tested.
 */
export function prepareWasmThreads(threads: number, crossOriginIsolated: boolean = globalThis.crossOriginIsolated === true): WasmThreadsChoice {
  const off = (reason: string): WasmThreadsChoice => {
    env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    return { threads: 1, reason };
  };
  checkTfjsVersion(); // the swap relies on tfjs-backend-wasm 4.22's Blob text
  if (threads < 2) return off('one thread asked for');
  if (!crossOriginIsolated) return off('the page is not cross-origin isolated (no SharedArrayBuffer)');
  // The original file is a classic script that declares the same global (its CommonJS tail is inert there).
  if (!/^\s*var WasmBackendModuleThreadedSimd = /.test(threadedFactorySource)) return off('unexpected tfjs-backend-wasm build');
  const scope = globalThis as { Blob: typeof Blob };
  if (!swapped) {
    scope.Blob = factorySwappingBlob(scope.Blob, threadedFactorySource);
    swapped = true;
  }
  setThreadsCount(xnnpackThreads(threads));
  setGemmThreading(spawnBrowserGemmWorker, threads);
  return { threads };
}

let swapped = false;

/**
 * Runs `init` (the first selection of the wasm backend) with navigator.hardwareConcurrency reporting at least
 * 2·threads: tfjs-backend-wasm's C++ caps its thread pool at emscripten_num_logical_cores() / 2, i.e. half of
 * navigator.hardwareConcurrency, which would undo the count asked for (one thread on a 2-core machine). The
 * real value is back as soon as `init` settles.
 */
export async function withThreadCap<T>(threads: number, init: () => Promise<T>): Promise<T> {
  const nav = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator;
  if (threads < 2 || !nav || (nav.hardwareConcurrency ?? 0) >= 2 * threads) return init();
  Object.defineProperty(nav, 'hardwareConcurrency', { value: 2 * threads, configurable: true });
  try {
    return await init();
  } finally {
    delete (nav as { hardwareConcurrency?: number }).hardwareConcurrency; // the prototype's getter again
  }
}
