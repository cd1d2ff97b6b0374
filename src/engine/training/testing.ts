/**
 * Test doubles for the training session (no tfjs, no io): a scripted Trainer that counts steps, and session
 * dependencies around it (a set handed back for any file, a summary computed here).
 */
import type { BackendChoice } from '../backend.ts';
import type { DistillConfig } from '../config/config.ts';
import { resolveAuto } from '../config/auto.ts';
import type { EvalRecord, StepRecord, Trainer, TrainerCallbacks, TrainerStatus } from '../trainer_types.ts';
import { IGNORE_INDEX, type DistillSet } from '../types.ts';
import type { LocalSessionDeps } from './local_session.ts';
import type { SetSummary } from './session.ts';

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
  requested: Readonly<DistillConfig>,
  callbacks: TrainerCallbacks,
  failure: { atStep?: number; runtime?: boolean } = {},
  backend: BackendChoice = FAKE_BACKEND,
): Trainer {
  const config = resolveAuto(requested); // as the real trainer: the run's config holds numbers
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
  const optimizerArrays = () => ({ step, tensors: [{ name: 'exp_avg.lm_head.bias', dtype: 'F32' as const, shape: [2], data: new Float32Array([0.1, 0.2]) }] });
  const studentArrays = () => ({
    tensors: [
      { name: 'embeddings.word_embeddings.weight', dtype: 'F32' as const, shape: [2, 3], data: new Float32Array([1, 2, 3, 4, 5, 6]) },
      { name: 'lm_head.bias', dtype: 'F32' as const, shape: [2], data: new Float32Array([0.5, -0.5]) },
    ],
    config: { hidden_size: 3, vocab_size: 2, distill: { ...config } },
  });
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
    async loadCheckpoint(checkpoint) {
      step = checkpoint.step;
      pending = [];
      if (status === 'done' && step < config.steps) status = 'paused';
    },
    exportOptimizer: async () => optimizerArrays(),
    exportStudent: async () => studentArrays(),
    exportSources() {
      const source = ({ data, ...a }: { name: string; dtype: 'F32'; shape: number[]; data: Float32Array }) => ({ ...a, read: async () => data });
      const { tensors, config: hf } = studentArrays();
      const optimizer = optimizerArrays();
      return { student: { tensors: tensors.map(source), config: hf }, optimizer: { step: optimizer.step, tensors: optimizer.tensors.map(source) } };
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
export function fakeDeps(set: DistillSet, opts: { failWith?: string; failAtStep?: number; failRuntime?: boolean } = {}): LocalSessionDeps {
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
    summarizeSet: fakeSummary,
    // Not safetensors: the page's tests only store and count these bytes (io/student_files.ts is tested on its own).
    encodeStudentFiles: (student, paramCount) => {
      const safetensors = new TextEncoder().encode(JSON.stringify({ names: student.tensors.map((t) => t.name) }));
      const configJson = JSON.stringify(student.config, null, 2) + '\n';
      return { files: [{ name: 'config.json', bytes: new TextEncoder().encode(configJson) }, { name: 'model.safetensors', bytes: safetensors }], safetensors, configJson, paramCount };
    },
    probe: async () => ({ webgpu: false, webgpuReason: 'none in tests', webgl: false, wasm: true, crossOriginIsolated: false, wasmThreads: 1, hardwareConcurrency: 1 }),
  };
}

/** The data card's summary of `set` (the same fields io/summary.ts fills; tests use tiny sets only). */
export function fakeSummary(set: DistillSet, fileName: string, fileBytes: number): SetSummary {
  const langs: Record<string, number> | undefined = set.metadata.langs ? {} : undefined;
  for (const lang of set.metadata.langs ?? []) if (langs) langs[lang] = (langs[lang] ?? 0) + 1;
  const hasLogsumexp = set.teacher.kind === 'topk' && set.teacher.logsumexp !== undefined;
  return {
    fileName,
    fileBytes,
    task: set.task,
    examples: set.n,
    seqLen: set.seqLen,
    vocabSize: set.vocabSize,
    numClasses: set.numClasses,
    teacherKind: set.teacher.kind,
    topk: set.teacher.kind === 'topk' ? set.teacher.k : undefined,
    hasLogsumexp,
    hasLabels: set.labels !== undefined,
    labelledPositions: set.labels ? set.labels.filter((l) => l !== IGNORE_INDEX).length : 0,
    realTokens: set.attentionMask.reduce((a, b) => a + b, 0),
    hiddenSize: set.teacherHidden?.size,
    teacherName: set.metadata.teacherName,
    teacherParams: set.metadata.teacherParams,
    teacherMsPerExample: set.metadata.teacherMsPerExample,
    langs,
    evalExamples: set.metadata.split?.filter((s) => s === 'eval').length,
    formatVersion: set.metadata.formatVersion,
    dataset: {
      file: fileName,
      task: set.task,
      n: set.n,
      seq_len: set.seqLen,
      vocab_size: set.vocabSize,
      num_classes: set.numClasses ?? null,
      teacher: set.teacher.kind,
      k: set.teacher.kind === 'topk' ? set.teacher.k : null,
      has_labels: set.labels !== undefined,
      has_hidden: set.teacherHidden !== undefined,
      hidden_size: set.teacherHidden?.size ?? null,
      has_logsumexp: hasLogsumexp,
      langs: langs ? Object.keys(langs).sort() : null,
      metadata_keys: Object.keys(set.rawMetadata).sort(),
      teacher_name: set.metadata.teacherName ?? null,
      teacher_params: set.metadata.teacherParams ?? null,
    },
  };
}
