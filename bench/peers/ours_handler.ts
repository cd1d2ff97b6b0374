/**
 * Our engine's side of protocol.ts, shared by the Node peer process (ours.ts) and the browser bench page
 * (browser/ours_page.ts): trains the bench student with createTrainer on a synthetic set (bench_set.ts).
 * Browser-safe: the caller passes how a backend is selected.
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendChoice } from '../../src/engine/backend.ts';
import { prepareVocabulary } from '../../src/engine/data/trim_vocab.ts';
import { createTrainer } from '../../src/engine/trainer.ts';
import type { Trainer } from '../../src/engine/trainer_types.ts';
import { benchSet } from '../bench_set.ts';
import type { Backend, Cell } from '../grid.ts';
import { trainerConfig } from '../recipe.ts';
import type { MemorySample, PeerReply, PeerRequest } from './protocol.ts';

/** Bytes the backend holds outside tf.memory()'s tensor count: the wasm heap, webgpu's buffers. */
export function backendBytes(): number | null {
  const name = tf.getBackend();
  // The Emscripten module's heap view (its type in tfjs-backend-wasm omits the HEAP views).
  if (name === 'wasm') return (tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } }).wasm.HEAPU8.buffer.byteLength;
  if (name === 'webgpu') {
    const m = tf.memory() as tf.MemoryInfo & { numBytesAllocatedInGPU?: number };
    return m.numBytesAllocatedInGPU ?? null;
  }
  return null;
}

function sample(step: number): MemorySample {
  const m = tf.memory();
  return { step, numTensors: m.numTensors, numBytes: m.numBytes, backendBytes: backendBytes() };
}

export function oursHandler(select: (backend: Backend) => Promise<BackendChoice>, describe: () => Record<string, unknown> = () => ({})) {
  let trainer: Trainer | null = null;
  let choice: BackendChoice | null = null;

  async function open(cell: Cell, warmup: number): Promise<PeerReply> {
    if (!choice) choice = await select(cell.backend);
    const raw = benchSet({ vocabSize: cell.vocabSize, seqLen: cell.seqLen, n: 2 * cell.batchSize, teacher: cell.teacher, k: cell.k });
    const config = trainerConfig(cell);
    // the vocabulary as `distill train` prepares it (trim_vocab auto by default; a cell may force it)
    const { set, decision } = prepareVocabulary(raw, config, choice.name);
    trainer = await createTrainer(set, config, {}, { backend: choice });
    await trainer.step(warmup);
    return { ok: true, info: { backend: choice.name, adapter: choice.adapter ?? null, paramCount: trainer.paramCount, tfjs: tf.version.tfjs, studentVocab: set.vocabSize, trimmed: decision.trim, ...describe() } };
  }

  return async function handle(request: PeerRequest): Promise<PeerReply> {
    if (request.op === 'open') return open(request.cell, request.warmup ?? 2);
    if (request.op === 'close') {
      trainer?.dispose();
      trainer = null;
      return { ok: true };
    }
    if (!trainer) throw new Error('no cell open');
    const t = trainer;
    if (request.op === 'run') {
      const t0 = performance.now();
      await t.step(request.steps); // the trainer reads the loss back once, at the end: the device is synced
      return { ok: true, msPerStep: (performance.now() - t0) / request.steps };
    }
    if (request.op === 'extras') {
      const before = tf.memory().numTensors;
      const profile = await tf.profile(() => t.step(1));
      const latency = await t.measureLatency();
      return {
        ok: true,
        extras: {
          forwardMsPerExample: latency.ms_per_example,
          peakBytes: profile.peakBytes,
          numTensors: tf.memory().numTensors,
          backendBytes: backendBytes(),
          newTensorsPerStep: tf.memory().numTensors - before,
          peakRssBytes: typeof process !== 'undefined' && process.resourceUsage ? process.resourceUsage().maxRSS * 1024 : undefined,
        },
      };
    }
    if (request.op === 'flatness') {
      const samples: MemorySample[] = [sample(0)];
      for (let done = 0; done < request.steps; done += request.every) {
        await t.step(Math.min(request.every, request.steps - done));
        samples.push(sample(Math.min(done + request.every, request.steps)));
      }
      return { ok: true, samples };
    }
    throw new Error(`unknown op ${(request as { op: string }).op}`);
  };
}
