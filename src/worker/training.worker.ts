/**
 * The training worker: owns tfjs, the DistillSet and the Trainer. Wires the real engine and io into the
 * host (host.ts holds the logic) and speaks protocol.ts over postMessage.
 *
 * WASM binaries: imported with Vite's `?url` suffix, so `vite build` copies them into dist/assets/ (hashed)
 * and the worker hands tfjs an explicit file map — no public/ copy to keep in sync.
 *
 * WASM threads are off: tfjs starts its pthread workers from `wasmFactoryThreadedSimd.toString()`, which in a
 * bundled (minified) module worker references renamed outer variables and dies with "e is not defined".
 * The SIMD build runs single-threaded; training lives in this worker anyway, so the page stays responsive.
 */
/// <reference lib="webworker" />
import { env } from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { selectBackend } from '../engine/backend.ts';
import { createTrainer } from '../engine/trainer.ts';
import { readDistillSet } from '../io/read.ts';
import { encodeSafetensors } from '../io/safetensors_write.ts';
import { createWorkerHost } from './host.ts';
import { probeCapabilities } from './probe.ts';
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

setWasmPaths({
  'tfjs-backend-wasm.wasm': new URL(wasmUrl, import.meta.url).href,
  'tfjs-backend-wasm-simd.wasm': new URL(wasmSimdUrl, import.meta.url).href,
  'tfjs-backend-wasm-threaded-simd.wasm': new URL(wasmThreadedSimdUrl, import.meta.url).href,
});

env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);

const host = createWorkerHost(
  {
    readDistillSet,
    selectBackend: (preference) => selectBackend(preference),
    createTrainer,
    encodeSafetensors,
    probe: () => probeCapabilities({ wasmThreads: false }),
  },
  (event: WorkerEvent, transfer?: Transferable[]) => scope.postMessage(event, transfer ?? []),
);

scope.addEventListener('message', (e: MessageEvent<WorkerRequest>) => {
  void host.handle(e.data);
});
