/**
 * Our engine as a bench peer inside the page: window.benchPeer.handle(request) answers protocol.ts requests
 * (the runner calls it through page.evaluate).
 *
 * wasm threads as in the app's worker (src/engine/patches/browser_wasm_threads.ts): `?threads=N` (N ≥ 2) starts the threaded
 * build with N threads, the page being cross-origin isolated; without it, single-threaded SIMD.
 */
import * as tf from '@tensorflow/tfjs';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { selectBackend } from '../../src/engine/backend.ts';
import { installPatches } from '../../src/engine/patches/index.ts';
import { prepareWasmThreads, withThreadCap } from '../../src/engine/patches/browser_wasm_threads.ts';
import { wasmThreadsInUse } from '../../src/engine/patches/threads.ts';
import { oursHandler } from '../peers/ours_handler.ts';
import type { PeerReply, PeerRequest } from '../peers/protocol.ts';
import { WASM_PATHS } from './wasm_paths.ts';

installPatches();
setWasmPaths(WASM_PATHS);
const { threads } = prepareWasmThreads(Number(new URLSearchParams(location.search).get('threads') ?? 1));
const handle = oursHandler(
  (backend) => withThreadCap(threads, () => selectBackend(backend)),
  () => ({
    where: 'browser',
    userAgent: navigator.userAgent,
    crossOriginIsolated: globalThis.crossOriginIsolated === true,
    wasmThreads: tf.getBackend() === 'wasm' ? wasmThreadsInUse() : null,
  }),
);

declare global {
  interface Window {
    benchPeer: { handle(request: PeerRequest): Promise<PeerReply> };
  }
}
window.benchPeer = { handle };
