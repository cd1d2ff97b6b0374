/**
 * Peer process for @genai-fi/nanogpt in Node (protocol.ts; the work is in nanogpt_handler.ts). Run as
 *   node --import tsx bench/peers/nanogpt.ts
 *
 * Node needs two things outside nanogpt's public API:
 * - its dist is a Vite browser bundle that inlines tfjs-core with Node's `util` stubbed out, so tfjs-core's
 *   Node platform (`new util.TextEncoder()`) throws at import ("this.util.TextEncoder is not a constructor").
 *   The real tfjs-core is imported first and IS_NODE set to false: the bundle then shares that engine and
 *   skips its Node platform (and tfjs-backend-wasm is kept on its single-threaded build, as Node gets it);
 * - its BasicTrainer is not exported from the package root (`exports` has "." only): imported by file path.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as tfc from '@tensorflow/tfjs-core';
import { installNodeWebGpu, nodeWasmPaths } from '../../src/cli/node_runtime.ts';
import { nanogptHandler } from './nanogpt_handler.ts';
import { serve } from './serve.ts';

tfc.env().set('IS_NODE', false);
const distDir = path.dirname(createRequire(import.meta.url).resolve('@genai-fi/nanogpt'));

await serve(
  nanogptHandler({
    loadBasicTrainer: async () => (await import(pathToFileURL(path.join(distDir, 'training', 'BasicTrainer.js')).href)).default,
    prepareWebGpu: async () => {
      const ok = await installNodeWebGpu(true);
      if (ok !== true) throw new Error(`webgpu unavailable: ${ok}`);
    },
    prepareWasm: async (wasm) => {
      wasm.setWasmPaths(nodeWasmPaths());
      tfc.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    },
  }),
  { peer: 'nanogpt' },
);
