/**
 * The local training session with the browser's engine and io: the tfjs patches, the wasm binaries (imported
 * with Vite's `?url` suffix, so `vite build` copies them into dist/assets/, hashed), the wasm thread pool, the
 * backend selection with its GPU device watched for loss. The training worker runs one; the page runs one in
 * its own thread when no worker can start (in_thread.ts).
 */
import { backend as currentBackend } from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import wasmUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimdUrl from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { tryBackend, type ConcreteBackend } from '../engine/backend.ts';
import { calibrateStudent } from '../engine/calibrate.ts';
import { selectBrowserBackend } from './browser_backend.ts';
import { installPatches } from '../engine/patches/index.ts';
import { prepareWasmThreads, withThreadCap } from '../engine/patches/browser_wasm_threads.ts';
import { wasmThreadsInUse } from '../engine/patches/threads.ts';
import { createLocalSession, type LocalSession } from '../engine/training/local_session.ts';
import { createTrainer } from '../engine/trainer.ts';
import { readDistillSet } from '../io/read.ts';
import { openHfCheckpoint, readHfTensors, type HfCheckpoint } from '../io/hf_checkpoint.ts';
import { encodeStudentFiles, encodeStudentFilesStreamed } from '../io/student_files.ts';
import { summarizeSet } from '../io/summary.ts';
import { gpuDeviceOf, watchDevice, type LosableDevice } from './gpu_device.ts';
import { probeCapabilities } from './probe.ts';

/** How long a failed run on webgpu waits for `device.lost` before it is reported as a plain failure. */
const DEVICE_LOSS_GRACE_MS = 500;

export interface BrowserSession {
  session: LocalSession;
  /** The GPU device of the webgpu backend, once selected (watched for loss; null on other backends). */
  device(): LosableDevice | null;
}

/** `wasmThreads`: XNNPACK threads to ask for (they need cross-origin isolation and workers of their own). */
export function createBrowserSession(wasmThreads: number): BrowserSession {
  installPatches();
  setWasmPaths({
    'tfjs-backend-wasm.wasm': new URL(wasmUrl, import.meta.url).href,
    'tfjs-backend-wasm-simd.wasm': new URL(wasmSimdUrl, import.meta.url).href,
    'tfjs-backend-wasm-threaded-simd.wasm': new URL(wasmThreadedSimdUrl, import.meta.url).href,
  });
  const threads = prepareWasmThreads(wasmThreads);
  let device: LosableDevice | null = null;
  const session: LocalSession = createLocalSession({
    readDistillSet,
    summarizeSet,
    encodeStudentFiles,
    encodeStudentFilesStreamed,
    openCheckpoint: openHfCheckpoint,
    readCheckpoint: (ckpt, names, opts) => readHfTensors(ckpt as HfCheckpoint, names, { ...opts }),
    createTrainer,
    async selectBackend(preference, run) {
      const init = (name: ConcreteBackend) => withThreadCap(threads.threads, () => tryBackend(name, {}));
      const picked = await withThreadCap(threads.threads, () => selectBrowserBackend(preference, { ...run, init }));
      const choice = picked.name === 'wasm' ? { ...picked, threads: wasmThreadsInUse() } : picked;
      const selected = choice.name === 'webgpu' ? gpuDeviceOf(currentBackend()) : null;
      device = selected;
      // Only the device of the current run matters (an earlier run's webgpu backend may linger unused).
      if (selected) watchDevice(selected, (message) => device === selected && session.deviceLost(message));
      return choice;
    },
    calibrate: (set, config) => calibrateStudent(set, config),
    async ensureBackend(name) {
      const failure = await withThreadCap(threads.threads, () => tryBackend(name, {}));
      if (failure !== null) throw new Error(`${name} is no longer available: ${failure}`);
    },
    probe: () => probeCapabilities({ wasmThreads: threads.threads }),
    // the page decides trim_vocab here, at configure (the CLI before it calibrates): engine/training/session_vocabulary.ts
    trimVocabulary: true,
    // A lost device usually surfaces first as a failed buffer read: give `device.lost` a moment to settle,
    // so the page hears "device lost" (and falls back) rather than "the run failed".
    settleFailure: async () => {
      if (!device) return;
      await Promise.race([device.lost, new Promise((resolve) => setTimeout(resolve, DEVICE_LOSS_GRACE_MS))]);
      await new Promise((resolve) => setTimeout(resolve, 0)); // the loss watcher runs first
    },
  });
  return { session, device: () => device };
}
