/**
 * Peer process for @genai-fi/nanogpt (a tfjs GPT trainer for the browser), trained at the bench cell's size:
 * NanoGPT v1 with learned positions (no RoPE), n_embd = d_model, n_layer, n_head, MLP factor 4, vocab V, block
 * L, batch B, dropout 0.1, its own AdamW. Its loss is next-token cross-entropy only (it has no teacher): the
 * step is forward + CE + backward + AdamW, ours adds the KD term. Run as
 *   node --import tsx bench/peers/nanogpt.ts
 *
 * Running it in Node needs two things, both outside its public API:
 * - its dist is a Vite browser bundle that inlines tfjs-core with Node's `util` stubbed out, so tfjs-core's
 *   Node platform (`new util.TextEncoder()`) throws at import ("this.util.TextEncoder is not a constructor").
 *   The real tfjs-core is imported first and IS_NODE set to false: the bundle then shares that engine and
 *   skips its Node platform;
 * - `trainStep` is a protected method of its BasicTrainer (not exported from the package root), imported here
 *   by file path and called directly, one step at a time.
 * Backends: its own cpu and webgpu (`selectBackend`); it ships no wasm kernels. On wasm this peer registers
 * nanogpt's own CPU kernels for its custom ops (QKV, RMSNorm, fused softmax, …: written with tfjs ops, so
 * backend-neutral) under 'wasm', and reports that it did (`info.wasmPorted`). Gradient clipping: nanogpt clips
 * only on webgpu (its Norm2 kernel exists there only); elsewhere it trains unclipped.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as tfc from '@tensorflow/tfjs-core';
import type { Cell } from '../grid.ts';
import type { PeerReply, PeerRequest } from './protocol.ts';
import { serve } from './serve.ts';

tfc.env().set('IS_NODE', false);

const require = createRequire(import.meta.url);
const distDir = path.join(path.dirname(require.resolve('@genai-fi/nanogpt')));

interface NanoTrainer {
  trainStep(state: object, batch: { xs: tfc.Tensor; ys: tfc.Tensor }): tfc.Scalar;
  setDropout(p: number): void;
  dispose(): void;
}
interface NanoModel {
  getNumParams(): number;
  dispose(): void;
}

let trainer: NanoTrainer | null = null;
let model: NanoModel | null = null;
let batches: { xs: tfc.Tensor; ys: tfc.Tensor }[] = [];
let cursor = 0;

/** Registers nanogpt's CPU implementations of its custom kernels for wasm (see the file comment). */
function portCustomKernelsToWasm(standardCpu: ReadonlySet<string>): string[] {
  const ported: string[] = [];
  for (const config of tfc.getKernelsForBackend('cpu')) {
    if (standardCpu.has(config.kernelName) || tfc.getKernel(config.kernelName, 'wasm')) continue;
    tfc.registerKernel({ ...config, backendName: 'wasm' });
    ported.push(config.kernelName);
  }
  return ported;
}

async function selectBackend(backend: Cell['backend'], standardCpu: ReadonlySet<string>): Promise<Record<string, unknown>> {
  const nano = await import('@genai-fi/nanogpt');
  if (backend === 'webgpu') {
    const { installNodeWebGpu } = await import('../../src/cli/node_runtime.ts');
    const ok = await installNodeWebGpu(true);
    if (ok !== true) throw new Error(`webgpu unavailable: ${ok}`);
  }
  if (backend !== 'wasm') {
    await nano.TeachableLLM.selectBackend(backend);
    return {};
  }
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const { nodeWasmPaths } = await import('../../src/cli/node_runtime.ts');
  const { registerWasmUnsortedSegmentSum } = await import('../../src/engine/kernels/wasm_unsorted_segment_sum.ts');
  wasm.setWasmPaths(nodeWasmPaths());
  // IS_NODE is false here (see above), which would make tfjs-backend-wasm try its threaded build: keep the
  // single-threaded SIMD build that our engine gets in Node.
  tfc.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  registerWasmUnsortedSegmentSum();
  const ported = portCustomKernelsToWasm(standardCpu);
  if (!(await tfc.setBackend('wasm'))) throw new Error('wasm failed to initialise');
  return { wasmPorted: ported };
}

async function open(cell: Cell, warmup: number): Promise<PeerReply> {
  // The real tfjs cpu kernels first (to tell nanogpt's own kernels apart), then nanogpt's bundle.
  await import('@tensorflow/tfjs-backend-cpu');
  const standardCpu = new Set(tfc.getKernelsForBackend('cpu').map((k) => k.kernelName));
  const extra = await selectBackend(cell.backend, standardCpu);
  const nano = await import('@genai-fi/nanogpt');
  const BasicTrainer = (await import(pathToFileURL(path.join(distDir, 'training', 'BasicTrainer.js')).href)).default;
  model = new nano.models.NanoGPTV1({
    modelType: 'GenAI_NanoGPT_v1',
    vocabSize: cell.vocabSize,
    blockSize: cell.seqLen,
    nLayer: cell.nLayers,
    nHead: cell.nHeads,
    nEmbed: cell.dModel,
    mlpFactor: cell.dFf / cell.dModel,
    useRope: false,
  }) as unknown as NanoModel;
  const t = new BasicTrainer(model, null, cell.backend === 'webgpu' ? { learningRate: 1e-3, clipNorm: 1 } : { learningRate: 1e-3 }) as NanoTrainer;
  t.setDropout(0.1);
  trainer = t;
  // Two fixed batches of random tokens, alternated (the trainer uploads nothing per step either way).
  batches = [0, 1].map(() => {
    const ids = Int32Array.from({ length: cell.batchSize * cell.seqLen }, () => Math.floor(Math.random() * cell.vocabSize));
    return { xs: tfc.tensor2d(ids, [cell.batchSize, cell.seqLen], 'int32'), ys: tfc.tensor2d(ids, [cell.batchSize, cell.seqLen], 'int32') };
  });
  await run(warmup);
  return { ok: true, info: { backend: tfc.getBackend(), paramCount: model.getNumParams(), ...extra } };
}

/** `steps` training steps, the last loss read back (one sync per run, as ours). */
async function run(steps: number): Promise<number> {
  const t = trainer as NanoTrainer;
  const t0 = performance.now();
  let last: tfc.Scalar | null = null;
  for (let i = 0; i < steps; i++) {
    last?.dispose();
    last = t.trainStep({}, batches[cursor++ % batches.length]);
  }
  await last?.data();
  last?.dispose();
  return (performance.now() - t0) / steps;
}

async function handle(request: PeerRequest): Promise<PeerReply> {
  if (request.op === 'open') return open(request.cell, request.warmup ?? 2);
  if (request.op === 'close') {
    trainer?.dispose();
    model?.dispose();
    batches.forEach((b) => tfc.dispose([b.xs, b.ys]));
    return { ok: true };
  }
  if (!trainer) throw new Error('no cell open');
  if (request.op === 'run') return { ok: true, msPerStep: await run(request.steps) };
  if (request.op === 'extras') return { ok: true, extras: { numTensors: tfc.memory().numTensors } };
  throw new Error(`op ${request.op} is not supported by the nanogpt peer`);
}

await serve(handle, { peer: 'nanogpt' });
