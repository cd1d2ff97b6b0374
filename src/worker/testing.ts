/**
 * Test doubles for the worker layer: a scripted Trainer (no tfjs), host dependencies around it, and an
 * in-memory port that connects a client to a host in the same thread (structured clone included), which can
 * also crash, hang, or lose its "GPU device" on request (the debug faults).
 */
import type { DistillConfig } from '../engine/config/config.ts';
import type { BackendChoice } from '../engine/backend.ts';
import type { DistillSet } from '../engine/types.ts';
import type { EvalRecord, StepRecord, Trainer, TrainerCallbacks, TrainerStatus } from '../engine/trainer_types.ts';
import { createWorkerHost, type DebugHooks, type HostDeps } from './host.ts';
import type { WorkerErrorEvent, WorkerPort } from './client.ts';
import type { WorkerEvent, WorkerRequest } from './protocol.ts';

export const FAKE_BACKEND: BackendChoice = { name: 'cpu', reason: 'cpu: requested', skipped: [] };

export function fakeEval(step: number, loyalty = Math.min(1, step / 100)): EvalRecord {
  return {
    step,
    metrics: {
      label_loyalty: loyalty,
      prob_loyalty: loyalty * 0.9,
      kl: 1 - loyalty,
      teacher_accuracy: 0.9,
      student_accuracy: loyalty * 0.8,
      n_positions: 100,
      loss: { total: 2 - loyalty, kd: 2 - loyalty },
      per_lang: { en: { label_loyalty: loyalty, prob_loyalty: 0.5, kl: 0.1, teacher_accuracy: 1, student_accuracy: 0.5, n_positions: 50 } },
    },
  };
}

/**
 * A Trainer that "trains" by counting steps, reporting in report_every batches, yielding between steps.
 * `failure.atStep`: the loss turns non-finite there, or with `failure.runtime` the backend throws (once: the
 * field is cleared when it fires); like the engine, the run reports onDone('error') and pauses.
 */
export function fakeTrainer(
  set: DistillSet,
  config: Readonly<DistillConfig>,
  callbacks: TrainerCallbacks,
  failure: { atStep?: number; runtime?: boolean } = {},
  backend: BackendChoice = FAKE_BACKEND,
): Trainer {
  let step = 0;
  let status: TrainerStatus = 'idle';
  let pending: StepRecord[] = [];
  const positions = set.task === 'classification' ? 1 : set.seqLen;
  const record = (s: number): StepRecord => ({ step: s, total: 3 / s, kd: 3 / s, lr: config.lr, grad_norm: 1, ms_per_step: 5, tokens_per_s: 1000 });
  const flush = () => {
    if (pending.length === 0) return;
    callbacks.onStep?.(pending);
    pending = [];
  };
  const oneStep = async () => {
    step++;
    pending.push(record(step));
    if (pending.length >= config.report_every || step === config.steps) {
      callbacks.onStep?.(pending);
      pending = [];
    }
    if (config.eval_every > 0 && step % config.eval_every === 0) callbacks.onEval?.(fakeEval(step));
    await new Promise((r) => setTimeout(r, 0));
  };
  return {
    config,
    backend,
    paramCount: 1234,
    status: () => status,
    currentStep: () => step,
    async start() {
      if (status === 'done' || status === 'disposed') return;
      status = 'running';
      while (status === 'running' && step < config.steps) {
        if (step + 1 === failure.atStep) {
          failure.atStep = undefined;
          status = 'paused';
          const error = failure.runtime
            ? new Error(`Failed to execute 'mapAsync' on 'GPUBuffer' (step ${step + 1})`)
            : new Error(`non-finite loss at step ${step + 1} (loss NaN, grad norm NaN)`);
          if (!failure.runtime) error.name = 'NonFiniteError'; // as the engine's
          callbacks.onDone?.({ reason: 'error', step, error: error.message });
          throw error;
        }
        await oneStep();
      }
      flush(); // as the engine: a pause reports the steps of the unfinished window
      if (step >= config.steps && status === 'running') {
        status = 'done';
        callbacks.onEval?.(fakeEval(step));
        callbacks.onDone?.({ reason: 'completed', step });
      }
    },
    pause() {
      if (status === 'running') status = 'paused';
    },
    stop() {
      if (status === 'done' || status === 'disposed') return;
      flush();
      status = 'done';
      callbacks.onDone?.({ reason: 'stopped', step });
    },
    async step(n = 1) {
      for (let i = 0; i < n; i++) await oneStep();
    },
    evaluate: async () => fakeEval(step),
    loadStudent() {},
    async saveCheckpoint() {
      return { version: 1 as const, step, params: [], adam: { step, m: [], v: [] }, rng: { stream: { order: [], cursor: 0, rng: 0 }, dropout: 0 } };
    },
    loadCheckpoint(checkpoint) {
      step = checkpoint.step;
      pending = [];
      if (status === 'done' && step < config.steps) status = 'paused';
    },
    async exportOptimizer() {
      return { step, tensors: [{ name: 'exp_avg.lm_head.bias', dtype: 'F32' as const, shape: [2], data: new Float32Array([0.1, 0.2]) }] };
    },
    async exportStudent() {
      return {
        tensors: [
          { name: 'embeddings.word_embeddings.weight', dtype: 'F32' as const, shape: [2, 3], data: new Float32Array([1, 2, 3, 4, 5, 6]) },
          { name: 'lm_head.bias', dtype: 'F32' as const, shape: [2], data: new Float32Array([0.5, -0.5]) },
        ],
        config: { hidden_size: 3, vocab_size: 2, distill: { ...config } },
      };
    },
    async predictExamples(indices, topk) {
      return indices.map((index) => {
        const topIds = new Int32Array(positions * topk);
        const topProbs = new Float32Array(positions * topk);
        for (let p = 0; p < positions; p++) {
          for (let j = 0; j < topk; j++) {
            // Agrees with the input token at even positions; class 0 for classification.
            topIds[p * topk + j] = set.task === 'classification' ? j : (set.inputIds[index * set.seqLen + p] + (p % 2) + j) % set.vocabSize;
            topProbs[p * topk + j] = 1 / (j + 2);
          }
        }
        return { index, topIds, topProbs, k: topk, positions };
      });
    },
    async predictLogits() {
      throw new Error('not in the fake');
    },
    measureLatency: async () => ({ ms_per_example: 0.75 }),
    dispose() {
      status = 'disposed';
    },
  };
}

/**
 * Host dependencies with the fake trainer; `readDistillSet` returns `set` (or throws `failWith`); the backend
 * is the one asked for ('auto' → cpu). `failAtStep` fires once across every trainer these deps build.
 */
export function fakeDeps(set: DistillSet, opts: { failWith?: string; failAtStep?: number; failRuntime?: boolean } = {}): HostDeps {
  const failure = { atStep: opts.failAtStep, runtime: opts.failRuntime };
  return {
    async readDistillSet(blob, _name, o) {
      o?.onProgress?.(blob.size / 2, blob.size);
      o?.onProgress?.(blob.size, blob.size);
      if (opts.failWith) throw new Error(opts.failWith);
      return set;
    },
    selectBackend: async (preference) => {
      const name = preference === 'auto' ? 'cpu' : preference;
      return { name, reason: `${name}: requested`, skipped: [] };
    },
    createTrainer: async (s, config, callbacks, o) => fakeTrainer(s, config, callbacks, failure, o?.backend),
    encodeSafetensors: (tensors, metadata) => new TextEncoder().encode(JSON.stringify({ names: tensors.map((t) => t.name), metadata })),
    probe: async () => ({ webgpu: false, webgpuReason: 'none in tests', webgl: false, wasm: true, crossOriginIsolated: false, wasmThreads: 1, hardwareConcurrency: 1 }),
  };
}

/** An in-memory port with the debug faults: `crash()` fires 'error', `hang()` drops every later message. */
export type TestPort = WorkerPort & { host: ReturnType<typeof createWorkerHost>; crash(message: string): void; hang(): void; hung(): boolean };

/**
 * A client port wired to a host in this thread: messages go through structuredClone (as postMessage would)
 * and are delivered asynchronously. With `debug`, the host honours fault requests: 'lose-device' reports a
 * lost device, 'crash' fires the port's 'error' listeners, 'hang' stops all answers.
 */
export function inMemoryPort(deps: HostDeps, opts: { debug?: boolean } = {}): TestPort {
  const messageListeners: ((e: MessageEvent<WorkerEvent>) => void)[] = [];
  const errorListeners: ((e: WorkerErrorEvent) => void)[] = [];
  let hung = false;
  let terminated = false;
  const hooks: DebugHooks = {
    loseDevice: () => setTimeout(() => host.deviceLost('the WebGPU device was lost (destroyed)'), 0),
    crash: () => setTimeout(() => port.crash('Uncaught Error: simulated worker crash (debug)'), 0),
    hang: () => setTimeout(() => port.hang(), 0),
  };
  const host = createWorkerHost({ ...deps, debug: opts.debug ? hooks : deps.debug }, (event) => {
    if (hung || terminated) return;
    const data = structuredClone(event);
    queueMicrotask(() => messageListeners.forEach((l) => l(new MessageEvent('message', { data }))));
  });
  const port: TestPort = {
    host,
    postMessage(message: WorkerRequest) {
      if (hung || terminated) return;
      const data = structuredClone(message);
      queueMicrotask(() => void host.handle(data));
    },
    addEventListener(type: 'message' | 'error', listener: ((e: MessageEvent<WorkerEvent>) => void) | ((e: WorkerErrorEvent) => void)) {
      if (type === 'message') messageListeners.push(listener as (e: MessageEvent<WorkerEvent>) => void);
      else errorListeners.push(listener as (e: WorkerErrorEvent) => void);
    },
    terminate: () => {
      terminated = true;
      host.dispose();
    },
    crash(message) {
      if (terminated) return;
      errorListeners.forEach((l) => l({ message, preventDefault() {} }));
    },
    hang() {
      hung = true;
    },
    hung: () => hung,
  };
  return port;
}
