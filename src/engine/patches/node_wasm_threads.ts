/**
 * Opt-in multi-threaded wasm backend for Node (DISTILL_WASM_THREADS=N). tfjs-backend-wasm 4.22 runs its
 * threaded build in browsers only; in Node three things stand in its way, each worked around here:
 *
 * 1. The flag WASM_HAS_MULTITHREAD_SUPPORT is forced false when IS_NODE (tfjs issue #3830): set it true.
 * 2. Its pthread workers are started from blob: URLs (the worker script, and the Emscripten factory as a Blob),
 *    which Node's worker_threads refuses (ERR_WORKER_PATH). Blobs built from JavaScript text are written to a
 *    temporary directory instead, and the worker script is pointed at the package's own factory file.
 * 3. Its C++ caps the pool at emscripten_num_logical_cores() / 2 — os.cpus().length / 2 in Node, so 1 thread
 *    on a 2-core machine. While the backend initialises, os.cpus() reports 2·N entries.
 *
 * Call before the wasm backend is first initialised. Measured on the 2-core bench machine it helps only when
 * the cores are otherwise idle (see BENCHMARKS.md): on by default when they are (defaultWasmThreads).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { setThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { setGemmThreading } from './gemm/gemm_pool.ts';
import { spawnNodeGemmWorker } from './gemm/spawn_node.ts';
import { xnnpackThreads } from './threads.ts';
import { checkTfjsVersion } from './version.ts';

const require = createRequire(import.meta.url);

/** The threaded Emscripten factory shipped by the package (what the pthread workers must load). */
export const FACTORY = path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'wasm-out', 'tfjs-backend-wasm-threaded-simd.js');
export const FACTORY_PREFIX = 'var WasmBackendModuleThreadedSimd';
/** What the worker script does with a Blob factory; replaced by a plain load of FACTORY. */
export const WORKER_BLOB_BRANCH =
  'if(typeof e.data.urlOrBlob=="string"){importScripts(e.data.urlOrBlob)}else{var objectUrl=URL.createObjectURL(e.data.urlOrBlob);importScripts(objectUrl);URL.revokeObjectURL(objectUrl)}';

let enabled = 0;

/** Threads requested through the environment (DISTILL_WASM_THREADS), or 0. */
export function wasmThreadsFromEnv(env: NodeJS.ProcessEnv = process.env): number {
  const raw = env.DISTILL_WASM_THREADS;
  if (!raw) return 0;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > 8) throw new Error(`DISTILL_WASM_THREADS must be an integer in [1, 8], found "${raw}"`);
  return n;
}

/**
 * Threads when DISTILL_WASM_THREADS is not set: every core (at most 4) when the cores other work keeps busy
 * (`busy`, measured just before: cli/busy_cores.ts) leave most of them free (busy < cores / 2), else 1. Threads
 * pay only on idle cores: on the 2-core bench machine 2 threads ran the headline cell 1.3–1.5× faster when idle
 * and slower than 1 under a load of 4+ (BENCHMARKS.md).
 */
export function defaultWasmThreads(cores: number, busy: number): number {
  if (cores < 2 || !(busy < cores / 2)) return 1;
  return Math.min(cores, 4);
}

/** Makes the next wasm backend initialisation use `threads` XNNPACK threads (see the file comment). */
export function enableNodeWasmThreads(threads: number): void {
  if (enabled || threads <= 1) return;
  checkTfjsVersion(); // every step below relies on tfjs-backend-wasm 4.22's own text and flags
  enabled = threads;
  const dir = mkdtempSync(path.join(tmpdir(), 'distill-wasm-threads-'));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  const texts = new WeakMap<Blob, string>();
  const NativeBlob = globalThis.Blob;
  class TextBlob extends NativeBlob {
    constructor(parts?: BlobPart[], options?: BlobPropertyBag) {
      super(parts, options);
      if (parts?.every((p) => typeof p === 'string')) texts.set(this, parts.join(''));
    }
  }
  globalThis.Blob = TextBlob;
  const nativeCreate = URL.createObjectURL.bind(URL);
  let files = 0;
  URL.createObjectURL = (blob: Blob): string => {
    const text = texts.get(blob);
    if (text === undefined || text.startsWith(FACTORY_PREFIX)) return nativeCreate(blob);
    if (!text.includes(WORKER_BLOB_BRANCH)) throw new Error('tfjs-backend-wasm worker script not recognised: cannot run threads in Node');
    const file = path.join(dir, `worker${files++}.cjs`);
    writeFileSync(file, text.replace(WORKER_BLOB_BRANCH, `importScripts(${JSON.stringify(FACTORY)});`));
    return file;
  };
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  setThreadsCount(xnnpackThreads(threads));
  setGemmThreading(spawnNodeGemmWorker, threads);
}

/** Runs `init` (the wasm backend's initialisation) with os.cpus() reporting 2·threads cores. */
export async function withCoreCount<T>(init: () => Promise<T>): Promise<T> {
  if (!enabled) return init();
  const os = require('node:os') as { cpus: () => unknown[] };
  const real = os.cpus;
  os.cpus = () => Array.from({ length: 2 * enabled }, () => real()[0]);
  try {
    return await init();
  } finally {
    os.cpus = real;
  }
}
