/**
 * Peer process for this project's engine (protocol.ts; the work is in ours_handler.ts). Run as
 *   node --import tsx bench/peers/ours.ts
 * One process per cell: each cell starts from a fresh tfjs (clean memory figures, a crash stays local).
 * DISTILL_WASM_THREADS=N in its environment selects the threaded wasm build (src/engine/patches/node_wasm_threads.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { selectNodeBackend } from '../../src/cli/node_runtime.ts';
import { wasmThreadsInUse } from '../../src/engine/patches/threads.ts';
import { oursHandler } from './ours_handler.ts';
import { serve } from './serve.ts';

// The tfjs patches of this engine (--baseline runs an older src/, which patched on import: no such module there).
await import('../../src/engine/patches/index.ts').then(
  (patches) => patches.installPatches(),
  (err: unknown) => {
    if ((err as { code?: string }).code !== 'ERR_MODULE_NOT_FOUND') throw err;
  },
);

await serve(oursHandler(selectNodeBackend, () => ({ where: 'node', wasmThreads: tf.getBackend() === 'wasm' ? wasmThreadsInUse() : null })), { peer: 'ours' });
