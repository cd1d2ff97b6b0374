/**
 * The nanogpt peer's side of protocol.ts, shared by the Node peer process (nanogpt.ts) and the browser bench
 * page (browser/nanogpt_page.ts). @genai-fi/nanogpt (a tfjs GPT trainer for the browser), trained at the bench cell's size:
 * NanoGPT v1 with learned positions (no RoPE), n_embd = d_model, n_layer, n_head, MLP factor 4, vocab V, block
 * L, batch B, dropout 0.1, its own AdamW. Its loss is next-token cross-entropy only (it has no teacher): the
 * step is forward + CE + backward + AdamW, ours adds the KD term. Its bundle inlines its own tfjs-core, which
 * shares the engine of the real @tensorflow/tfjs-core imported first (tfjs keeps one engine per global).
 * `trainStep` is a protected method of its BasicTrainer (not exported from the package root): the caller
 * loads that class by file path, and this peer calls it one step at a time.
 * Backends: its own cpu and webgpu (`selectBackend`); it ships no wasm kernels. On wasm this peer registers
 * nanogpt's own CPU kernels for its custom ops (QKV, RMSNorm, fused softmax, …: written with tfjs ops, so
 * backend-neutral) under 'wasm', and reports that it did (`info.wasmPorted`). Gradient clipping: nanogpt clips
 * only on webgpu (its Norm2 kernel exists there only); elsewhere it trains unclipped.
 */
import * as tfc from '@tensorflow/tfjs-core';
import type { Backend, Cell } from '../grid.ts';
import type { PeerReply, PeerRequest } from './protocol.ts';

interface NanoTrainer {
  trainStep(state: object, batch: { xs: tfc.Tensor; ys: tfc.Tensor }): tfc.Scalar;
  setDropout(p: number): void;
  dispose(): void;
}
interface NanoModel {
  getNumParams(): number;
  dispose(): void;
}
type TrainerClass = new (model: NanoModel, tokenizer: null, config: object) => NanoTrainer;

export interface NanoRuntime {
  /** nanogpt's BasicTrainer class (dist/training/BasicTrainer.js). */
  loadBasicTrainer(): Promise<TrainerClass>;
  /** Makes navigator.gpu exist (Node: Dawn); nothing in a browser. */
  prepareWebGpu(): Promise<void>;
  /** setWasmPaths for tfjs-backend-wasm, and whatever else the runtime needs before wasm starts. */
  prepareWasm(wasm: typeof import('@tensorflow/tfjs-backend-wasm')): Promise<void>;
}

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

export function nanogptHandler(runtime: NanoRuntime) {
  let trainer: NanoTrainer | null = null;
  let model: NanoModel | null = null;
  let batches: { xs: tfc.Tensor; ys: tfc.Tensor }[] = [];
  let cursor = 0;

  async function selectBackend(backend: Backend, standardCpu: ReadonlySet<string>): Promise<Record<string, unknown>> {
    const nano = await import('@genai-fi/nanogpt');
    if (backend === 'webgpu') await runtime.prepareWebGpu();
    if (backend !== 'wasm') {
      await nano.TeachableLLM.selectBackend(backend);
      return {};
    }
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    await runtime.prepareWasm(wasm);
    // The kernel wasm lacks (tf.gather's gradient), not our speed-ups: the peer runs tfjs as it ships.
    const { installPatches } = await import('../../src/engine/patches/index.ts');
    installPatches({ only: ['unsorted-segment-sum'] });
    const ported = portCustomKernelsToWasm(standardCpu);
    if (!(await tfc.setBackend('wasm'))) throw new Error('wasm failed to initialise');
    return { wasmPorted: ported };
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

  async function open(cell: Cell, warmup: number): Promise<PeerReply> {
    // The real tfjs cpu kernels first (to tell nanogpt's own kernels apart), then nanogpt's bundle.
    await import('@tensorflow/tfjs-backend-cpu');
    const standardCpu = new Set(tfc.getKernelsForBackend('cpu').map((k) => k.kernelName));
    const extra = await selectBackend(cell.backend, standardCpu);
    const nano = await import('@genai-fi/nanogpt');
    const BasicTrainer = await runtime.loadBasicTrainer();
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
    const t = new BasicTrainer(model, null, cell.backend === 'webgpu' ? { learningRate: 1e-3, clipNorm: 1 } : { learningRate: 1e-3 });
    t.setDropout(0.1);
    trainer = t;
    // Two fixed batches of random tokens, alternated.
    batches = [0, 1].map(() => {
      const ids = Int32Array.from({ length: cell.batchSize * cell.seqLen }, () => Math.floor(Math.random() * cell.vocabSize));
      return { xs: tfc.tensor2d(ids, [cell.batchSize, cell.seqLen], 'int32'), ys: tfc.tensor2d(ids, [cell.batchSize, cell.seqLen], 'int32') };
    });
    await run(warmup);
    return { ok: true, info: { backend: tfc.getBackend(), paramCount: model.getNumParams(), ...extra } };
  }

  return async function handle(request: PeerRequest): Promise<PeerReply> {
    if (request.op === 'open') return open(request.cell, request.warmup ?? 2);
    if (request.op === 'close') {
      trainer?.dispose();
      model?.dispose();
      batches.forEach((b) => tfc.dispose([b.xs, b.ys]));
      trainer = null;
      return { ok: true };
    }
    if (!trainer) throw new Error('no cell open');
    if (request.op === 'run') return { ok: true, msPerStep: await run(request.steps) };
    if (request.op === 'extras') return { ok: true, extras: { numTensors: tfc.memory().numTensors } };
    throw new Error(`op ${request.op} is not supported by the nanogpt peer`);
  };
}
