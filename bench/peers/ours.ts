/**
 * Peer process for this project's engine (protocol.ts; the work is in ours_handler.ts). Run as
 *   node --import tsx bench/peers/ours.ts
 * One process per cell: each cell starts from a fresh tfjs (clean memory figures, a crash stays local).
 * DISTILL_WASM_THREADS=N in its environment selects the threaded wasm build (src/cli/node_wasm_threads.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { selectNodeBackend } from '../../src/cli/node_runtime.ts';
import { oursHandler } from './ours_handler.ts';
import { serve } from './serve.ts';

await serve(oursHandler(selectNodeBackend, () => ({ where: 'node', wasmThreads: tf.getBackend() === 'wasm' ? getThreadsCount() : null })), { peer: 'ours' });
