/**
 * Our engine as a bench peer inside the page: window.benchPeer.handle(request) answers protocol.ts requests
 * (the runner calls it through page.evaluate).
 *
 * wasm runs single-threaded, as in the app's worker, although the page is cross-origin isolated: the threaded
 * build starts its pthread workers from `Function.prototype.toString()` of the bundled Emscripten factory,
 * which no longer sees its module scope once Vite has bundled it ("ReferenceError: e is not defined" in every
 * worker, and the backend never initialises). It would get one thread here anyway: tfjs sizes its pool as
 * navigator.hardwareConcurrency / 2.
 */
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import { selectBackend } from '../../src/engine/backend.ts';
import { oursHandler } from '../peers/ours_handler.ts';
import type { PeerReply, PeerRequest } from '../peers/protocol.ts';
import { WASM_PATHS } from './wasm_paths.ts';

setWasmPaths(WASM_PATHS);
tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
const handle = oursHandler(
  (backend) => selectBackend(backend),
  () => ({
    where: 'browser',
    userAgent: navigator.userAgent,
    crossOriginIsolated: globalThis.crossOriginIsolated === true,
    wasmThreads: tf.getBackend() === 'wasm' ? getThreadsCount() : null,
  }),
);

declare global {
  interface Window {
    benchPeer: { handle(request: PeerRequest): Promise<PeerReply> };
  }
}
window.benchPeer = { handle };
