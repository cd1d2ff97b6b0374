/** The nanogpt peer inside the page (see peers/nanogpt_handler.ts); window.benchPeer as in ours_page.ts. */
import * as tfc from '@tensorflow/tfjs-core';
import { nanogptHandler, type NanoRuntime } from '../peers/nanogpt_handler.ts';
import type { PeerReply, PeerRequest } from '../peers/protocol.ts';
import { WASM_PATHS } from './wasm_paths.ts';

const handle = nanogptHandler({
  loadBasicTrainer: async () => (await import('nanogpt-basic-trainer')).default as Awaited<ReturnType<NanoRuntime['loadBasicTrainer']>>,
  prepareWebGpu: async () => {},
  prepareWasm: async (wasm) => {
    wasm.setWasmPaths(WASM_PATHS);
    tfc.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false); // as ours_page.ts: the threaded build breaks once bundled
  },
});

declare global {
  interface Window {
    benchPeer: { handle(request: PeerRequest): Promise<PeerReply> };
  }
}
window.benchPeer = { handle };
