/**
 * The training worker: owns tfjs, the DistillSet and the Trainer. Wires the real engine and io into the
 * host (host.ts holds the logic) and speaks protocol.ts over postMessage.
 *
 * WASM binaries: imported with Vite's `?url` suffix, so `vite build` copies them into dist/assets/ (hashed)
 * and the worker hands tfjs an explicit file map — no public/ copy to keep in sync.
 *
 * WASM threads: on when the page is cross-origin isolated (engine/patches/browser_wasm_threads.ts gives tfjs's pthread workers the
 * unbundled Emscripten factory, which a bundle breaks otherwise), with defaultWasmThreads() of the cores.
 */
/// <reference lib="webworker" />
import { backend as currentBackend } from '@tensorflow/tfjs';
import { getThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { selectBackend } from '../engine/backend.ts';
import { createTrainer } from '../engine/trainer.ts';
import { readDistillSet } from '../io/read.ts';
import { encodeSafetensors } from '../io/safetensors_write.ts';
import { createWorkerHost, type DebugHooks } from './host.ts';
import { gpuDeviceOf, watchDevice, type LosableDevice } from './gpu_device.ts';
import { probeCapabilities } from './probe.ts';
import { installPatches } from '../engine/patches/index.ts';
import { defaultWasmThreads, prepareWasmThreads, withThreadCap } from '../engine/patches/browser_wasm_threads.ts';
import type { WorkerEvent, WorkerRequest } from './protocol.ts';

function isDedicatedScope(g: unknown): g is DedicatedWorkerGlobalScope {
  return typeof DedicatedWorkerGlobalScope !== 'undefined' && g instanceof DedicatedWorkerGlobalScope;
}
function workerScope(): DedicatedWorkerGlobalScope {
  const g: unknown = globalThis;
  if (!isDedicatedScope(g)) throw new Error('training.worker.ts must run as a dedicated worker');
  return g;
}
const scope = workerScope();
installPatches();

setWasmPaths({
  'tfjs-backend-wasm.wasm': new URL(wasmUrl, import.meta.url).href,
  'tfjs-backend-wasm-simd.wasm': new URL(wasmSimdUrl, import.meta.url).href,
  'tfjs-backend-wasm-threaded-simd.wasm': new URL(wasmThreadedSimdUrl, import.meta.url).href,
});

const wasmThreads = prepareWasmThreads(defaultWasmThreads(scope.navigator.hardwareConcurrency ?? 1));

/** How long a failed run on webgpu waits for `device.lost` before it is reported as a plain failure. */
const DEVICE_LOSS_GRACE_MS = 500;

/** The GPU device of the webgpu backend, once selected (watched for loss). */
let device: LosableDevice | null = null;

/** Fault simulation for tests, only in a worker the page started with its `?debug` flag (worker name). */
const debugHooks: DebugHooks = {
  loseDevice() {
    if (!device) throw new Error('no GPU device to lose: the run is not on webgpu');
    device.destroy(); // device.lost resolves, as on a real loss
  },
  crash() {
    setTimeout(() => {
      throw new Error('simulated worker crash (debug)');
    }, 20);
  },
  hang() {
    setTimeout(() => {
      for (;;) {
        // blocks the event loop: no message is answered again
      }
    }, 20);
  },
};
const debugMode = scope.name.split(/\s+/).includes('debug');

const host = createWorkerHost(
  {
    readDistillSet,
    async selectBackend(preference) {
      const picked = await withThreadCap(wasmThreads.threads, () => selectBackend(preference));
      const choice = picked.name === 'wasm' ? { ...picked, threads: getThreadsCount() } : picked;
      const selected = choice.name === 'webgpu' ? gpuDeviceOf(currentBackend()) : null;
      device = selected;
      // Only the device of the current run matters (an earlier run's webgpu backend may linger unused).
      if (selected) watchDevice(selected, (message) => device === selected && host.deviceLost(message));
      return choice;
    },
    createTrainer,
    encodeSafetensors,
    probe: () => probeCapabilities({ wasmThreads: wasmThreads.threads }),
    debug: debugMode ? debugHooks : undefined,
    // A lost device usually surfaces first as a failed buffer read: give `device.lost` a moment to settle,
    // so the page hears "device lost" (and falls back) rather than "the run failed".
    settleFailure: async () => {
      if (!device) return;
      await Promise.race([device.lost, new Promise((resolve) => setTimeout(resolve, DEVICE_LOSS_GRACE_MS))]);
      await new Promise((resolve) => setTimeout(resolve, 0)); // the loss watcher runs first
    },
  },
  (event: WorkerEvent, transfer?: Transferable[]) => scope.postMessage(event, transfer ?? []),
);

scope.addEventListener('message', (e: MessageEvent<WorkerRequest>) => {
  void host.handle(e.data);
});
