/**
 * The training worker: a thin adapter. It owns a browser training session (browser_session.ts: tfjs, the
 * DistillSet, the trainer) and speaks protocol.ts over postMessage through host.ts.
 *
 * WASM threads: on when the page is cross-origin isolated (engine/patches/browser_wasm_threads.ts gives
 * tfjs's pthread workers the unbundled Emscripten factory, which a bundle breaks otherwise), with
 * defaultWasmThreads() of the cores.
 */
/// <reference lib="webworker" />
import { defaultWasmThreads } from '../engine/patches/browser_wasm_threads.ts';
import { createBrowserSession } from './browser_session.ts';
import { createWorkerHost, type DebugHooks } from './host.ts';
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
const browser = createBrowserSession(defaultWasmThreads(scope.navigator.hardwareConcurrency ?? 1));

/** Fault simulation for tests, only in a worker the page started with its `?debug` flag (worker name). */
const debugHooks: DebugHooks = {
  loseDevice() {
    const device = browser.device();
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
  browser.session,
  (event: WorkerEvent, transfer?: Transferable[]) => scope.postMessage(event, transfer ?? []),
  debugMode ? debugHooks : undefined,
);

scope.addEventListener('message', (e: MessageEvent<WorkerRequest>) => {
  void host.handle(e.data);
});
