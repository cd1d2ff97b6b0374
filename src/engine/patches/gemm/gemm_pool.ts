/**
 * Worker threads for the GEMM kernels: each runs its own instance of the same module on the same shared heap
 * (tfjs's threaded build allocates a shared WebAssembly.Memory), so a product is split by rows with no copies.
 *
 * Protocol over one Int32Array on a SharedArrayBuffer:
 *   [0] job number: the caller writes every worker's arguments, then increments it and notifies;
 *   [1] workers done with the current job; [2] 1 when a worker's call threw; [3] workers serving;
 *   [SLOT + 16·w] the export worker w runs (an index into KERNELS), [SLOT + 16·w + 1 ...] its ≤ 12 arguments.
 * A worker that starts late still sees the job (Atomics.wait returns at once when [0] has moved). The caller
 * blocks in Atomics.wait (the CLI's main thread, or the page's training worker: both may block).
 *
 * How a thread is started is the platform's (Node's worker_threads, the browser's blob: Worker), given with the
 * thread count by setGemmThreading from its entry; without it the kernels run on the calling thread only.
 */

const SLOT = 8;
const ARGS = 12;

/** The module's exports a worker can run, by index (each takes ≤ ARGS i32 arguments, extra ones ignored). */
export const KERNELS = ['gemm', 'rowMax', 'scaleRows', 'expVec'] as const;
export type KernelName = (typeof KERNELS)[number];

/** One worker's share of a job: which export, with which arguments. */
export interface Share {
  kernel: KernelName;
  args: readonly number[];
}
const WAIT_MS = 120_000; // a worker that never answers is an error, not a hang

/** What a started worker receives. */
export interface GemmWorkerData {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  control: SharedArrayBuffer;
  index: number;
}

/** Starts one worker running WORKER_SOURCE's `serve(data)`; resolves once it is serving. */
export type GemmWorkerSpawner = (source: string, data: GemmWorkerData) => { ready: Promise<void>; terminate(): void };

/** The worker's whole program (plain JS, no imports): `serve` is called with GemmWorkerData. */
export const WORKER_SOURCE = `
function serve(d, signalReady) {
  const ex = new WebAssembly.Instance(d.module, { env: { memory: d.memory } }).exports;
  const kernels = [${KERNELS.map((k) => `ex.${k}`).join(', ')}];
  const ctl = new Int32Array(d.control);
  const p = ${SLOT} + 16 * d.index;
  let seen = 0;
  Atomics.add(ctl, 3, 1);
  signalReady();
  for (;;) {
    Atomics.wait(ctl, 0, seen);
    seen = Atomics.load(ctl, 0);
    if (seen < 0) return;
    try {
      kernels[ctl[p]](ctl[p + 1], ctl[p + 2], ctl[p + 3], ctl[p + 4], ctl[p + 5], ctl[p + 6], ctl[p + 7], ctl[p + 8], ctl[p + 9], ctl[p + 10], ctl[p + 11], ctl[p + 12]);
    } catch (e) {
      Atomics.store(ctl, 2, 1);
    }
    Atomics.add(ctl, 1, 1);
    Atomics.notify(ctl, 1);
  }
}
`;

let threading: { spawn: GemmWorkerSpawner; threads: number } | undefined;

/**
 * The platform's way of starting a worker and the threads a product may use in all, the caller's included
 * (its entry calls this before the wasm backend starts; threads < 2 or no spawner: the caller alone).
 */
export function setGemmThreading(spawn: GemmWorkerSpawner | undefined, threads: number): void {
  threading = spawn && threads > 1 ? { spawn, threads } : undefined;
}

/**
 * Whether this thread may block in Atomics.wait, as the caller of a pooled job does: Node's threads and
 * browser workers may; a browser page's main thread may not (the bench's in-page peers run there).
 */
export function callerCanBlock(): boolean {
  if (canBlock === undefined) {
    try {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0); // 'not-equal' at once where allowed
      canBlock = true;
    } catch {
      canBlock = false;
    }
  }
  return canBlock;
}
let canBlock: boolean | undefined;

/** Threads a product may use in all (1 unless setGemmThreading asked for more and the caller may block). */
export function gemmThreads(): number {
  return threading && callerCanBlock() ? threading.threads : 1;
}

export interface GemmPool {
  /** Workers serving (0 until they have started; the caller runs alone meanwhile). */
  readonly workers: number;
  /** Runs shares[w] on worker w while the caller runs its own share (`own`), then waits for all. */
  run(shares: readonly Share[], own: () => void): void;
  dispose(): void;
}

/** A pool of `workers` threads over `memory`, or undefined when the platform gave no spawner. */
export function createGemmPool(module: WebAssembly.Module, memory: WebAssembly.Memory, workers: number): GemmPool | undefined {
  const spawn = threading?.spawn;
  if (!spawn || workers < 1 || !callerCanBlock()) return undefined;
  const control = new SharedArrayBuffer((SLOT + 16 * workers) * 4);
  const ctl = new Int32Array(control);
  const started = Array.from({ length: workers }, (_, index) => spawn(WORKER_SOURCE, { module, memory, control, index }));
  // Counted by the workers themselves ([3]), so that a caller that never yields still sees them arrive; all
  // or none: a pool short of a worker (one failed to start) stays at 0 and the caller keeps running alone.
  let serving = 0;
  let disposed = false;
  for (const w of started) w.ready.catch(() => undefined);
  const pool: GemmPool = {
    get workers() {
      if (serving === 0 && !disposed && Atomics.load(ctl, 3) === workers) serving = workers;
      return serving;
    },
    run(shares, own) {
      if (shares.length !== serving || serving === 0) throw new Error(`gemm pool: ${shares.length} shares for ${serving} workers`);
      shares.forEach(({ kernel, args }, w) => {
        if (args.length > ARGS) throw new Error(`gemm pool: at most ${ARGS} arguments, got ${args.length}`);
        ctl[SLOT + 16 * w] = KERNELS.indexOf(kernel);
        ctl.set(args.map((x) => x | 0), SLOT + 16 * w + 1);
      });
      Atomics.store(ctl, 1, 0);
      Atomics.add(ctl, 0, 1);
      Atomics.notify(ctl, 0);
      let ownError: unknown;
      try {
        own();
      } catch (err) {
        ownError = err;
      }
      for (let done = Atomics.load(ctl, 1); done < serving; done = Atomics.load(ctl, 1)) {
        if (Atomics.wait(ctl, 1, done, WAIT_MS) === 'timed-out') {
          // the worker may still write into this job's scratch, which the caller frees: never use it again
          pool.dispose();
          throw new Error(`gemm pool: a worker gave no answer in ${WAIT_MS / 1000} s (the pool is closed; products run on one thread)`);
        }
      }
      const workerTrapped = Atomics.exchange(ctl, 2, 0) !== 0; // cleared before any throw: the next job starts clean
      if (ownError !== undefined) throw ownError;
      if (workerTrapped) throw new Error('gemm pool: a worker trapped (an operand outside the heap?)');
    },
    dispose() {
      Atomics.store(ctl, 0, -1);
      Atomics.notify(ctl, 0);
      for (const w of started) w.terminate();
      serving = 0;
      disposed = true;
    },
  };
  return pool;
}
