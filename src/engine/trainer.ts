import * as tf from '@tensorflow/tfjs';
import type { BackendChoice } from './backend.ts';
import type { DistillConfig } from './config/config.ts';
import { createBatcher, createIndexStream, disposeBatch, shiftedCausalLabels, type Batch } from './data/batches.ts';
import { splitExamples, type Split } from './data/split.ts';
import { createHiddenProjection } from './losses/cosine.ts';
import { hfConfig, studentSpec } from './model/spec.ts';
import { createStudent, isDecayed, type Student } from './model/student.ts';
import { clipByGlobalNorm, createAdamW } from './optim/adamw.ts';
import { learningRate } from './optim/schedule.ts';
import { stackChunked } from './ops/chunked.ts';
import { createRng } from './rng.ts';
import type {
  EvalRecord,
  ExamplePrediction,
  LogitsPrediction,
  NamedArray,
  StepRecord,
  StudentExport,
  Trainer,
  TrainerCallbacks,
  TrainerCheckpoint,
  TrainerStatus,
} from './trainer_types.ts';
import { evaluateBatches } from './train/evaluate.ts';
import { activeTerms, LOSS_SLOTS, objective } from './train/objective.ts';
import type { DistillSet } from './types.ts';
import { checkWasmHeap, explainWasmOutOfMemory } from './wasm_memory.ts';

export interface TrainerOptions {
  /** The backend the caller selected (selectBackend); by default the current tfjs backend is described. */
  backend?: BackendChoice;
  /** Examples to evaluate on instead of the held-out split (e.g. `distill eval --split all`). */
  evalIndices?: readonly number[];
}

/** Name of the cosine-loss projection in exports (it is trained, but not part of the student proper). */
export const PROJECTION_NAME = 'distill.hidden_projection.weight';

/** Refuses configs the data cannot serve, with the reason in one line. */
export function checkCompatible(set: DistillSet, config: Readonly<DistillConfig>): void {
  if (set.seqLen > config.max_len) {
    throw new Error(`the set's sequence length ${set.seqLen} exceeds max_len ${config.max_len}: raise max_len`);
  }
  const hasLabels = set.labels !== undefined || set.task === 'clm';
  if (config.alpha_hard > 0 && !hasLabels) throw new Error('alpha_hard > 0 needs labels, and this set has none');
  if (config.alpha_cos > 0 && !set.teacherHidden) {
    throw new Error('alpha_cos > 0 needs teacher_hidden, and this set has none');
  }
  if (config.distill_positions === 'labelled' && !hasLabels) {
    throw new Error("distill_positions 'labelled' needs labels, and this set has none");
  }
  if (set.n < 2) throw new Error(`the set has ${set.n} example(s); at least 2 are needed (train + held-out)`);
  const logitsBytes = estimateLogitsBytes(set, config);
  if (logitsBytes > MAX_STEP_LOGITS_BYTES) {
    throw new Error(
      `one step would hold about ${(logitsBytes / 2 ** 30).toFixed(1)} GiB of logits (batch ${config.batch_size} × ` +
        `${set.task === 'classification' ? 1 : set.seqLen} positions × ${set.vocabSize} vocabulary × 4 copies); ` +
        `lower batch_size (limit ${MAX_STEP_LOGITS_BYTES / 2 ** 30} GiB)`,
    );
  }
}

/** Largest logits working set a step may need: bigger ones exhaust a browser tab or GPU long before step 1. */
export const MAX_STEP_LOGITS_BYTES = 2 * 2 ** 30;

/**
 * Bytes of the step's vocabulary-sized tensors: logits, their softmax / log-softmax, and their gradient —
 * about 4 float32 copies of [B·L, V] (B·C for classification). The dominant memory cost for large vocabularies.
 */
export function estimateLogitsBytes(set: DistillSet, config: Readonly<DistillConfig>): number {
  const width = set.task === 'classification' ? (set.numClasses ?? 1) : set.vocabSize;
  const positions = set.task === 'classification' ? config.batch_size : config.batch_size * set.seqLen;
  return 4 * 4 * positions * width;
}

/**
 * Creates a trainer over a loaded set. The lifecycle (start / pause / step / stop / dispose) follows
 * trainer_types.ts; callbacks receive plain numbers in batches of report_every steps.
 *
 * Per step, on the device: forward, Σ alpha·loss, gradients, global-norm clip, AdamW. Nothing is read back
 * until report_every steps have queued, then one asynchronous read returns every loss component.
 */
export async function createTrainer(
  set: DistillSet,
  config: Readonly<DistillConfig>,
  callbacks: TrainerCallbacks = {},
  options: TrainerOptions = {},
): Promise<Trainer> {
  checkCompatible(set, config);
  await tf.ready();
  if (tf.getBackend() === 'wasm') checkWasmHeap(set, config);
  const backend: BackendChoice = options.backend ?? { name: tf.getBackend() as BackendChoice['name'], reason: 'selected by the caller', skipped: [] };
  const spec = studentSpec(config, set.task, set.vocabSize, set.numClasses);
  const student: Student = createStudent(spec, config.seed);
  const projection = config.alpha_cos > 0 && set.teacherHidden
    ? createHiddenProjection(spec.dModel, set.teacherHidden.size, config.seed + 1)
    : null;
  const trainable = new Map(student.params);
  if (projection) trainable.set(PROJECTION_NAME, projection);
  const nameOf = new Map<string, string>([...trainable].map(([name, v]) => [v.name, name]));
  const optimizer = createAdamW(
    trainable,
    { beta1: config.beta1, beta2: config.beta2, eps: config.adam_eps, weightDecay: config.weight_decay },
    (name) => name === PROJECTION_NAME || isDecayed(name),
  );

  const labels = set.labels ?? (set.task === 'clm' ? shiftedCausalLabels(set) : undefined);
  const batcher = createBatcher(set, labels, config.distill_positions);
  const split: Split = splitExamples(set, config.eval_fraction, config.seed);
  const evalIndices = options.evalIndices ? [...options.evalIndices] : split.eval.slice(0, config.eval_max_examples);
  const stream = createIndexStream(split.train.length > 0 ? split.train : split.eval, config.batch_size, config.seed);
  const dropoutRng = createRng(config.seed ^ 0xd209);
  const terms = activeTerms(config, labels !== undefined, set.teacherHidden !== undefined);
  const varList = [...trainable.values()];
  const schedule = {
    lr: config.lr,
    warmupSteps: config.warmup_steps,
    totalSteps: config.steps,
    schedule: config.schedule,
    minLrRatio: config.min_lr_ratio,
  };

  let status: TrainerStatus = 'idle';
  let step = 0;
  let pauseRequested = false;
  let stopped = false;
  let running: Promise<void> | null = null;
  /** Steps whose loss vectors are still on the device: [total, kd, hard, cos, mse, grad_norm]. */
  let pending: { step: number; lr: number; tokens: number; values: tf.Tensor1D }[] = [];
  let windowStart = performance.now();

  function trainStep(): void {
    const indices = stream.next();
    const batch = batcher.batchOf(indices, config.batch_size);
    const lr = learningRate(step + 1, schedule);
    const dropoutSeed = dropoutRng.seed();
    try {
      const values = tf.tidy(() => {
        let parts: tf.Tensor1D | null = null;
        const { grads } = tf.variableGrads(() => {
          const out = objective(student, batch, config, projection, { training: true, dropoutSeed });
          parts = tf.keep(out.vector);
          return out.total;
        }, varList);
        const byName: Record<string, tf.Tensor> = {};
        for (const [varName, g] of Object.entries(grads)) byName[nameOf.get(varName) ?? varName] = g;
        const { grads: clipped, norm } = clipByGlobalNorm(byName, config.clip_norm);
        const kept = parts as unknown as tf.Tensor1D;
        // Skip the update on the device when the loss or the gradient is NaN/Inf (no read-back needed).
        const finite = tf.logicalAnd(tf.isFinite(norm), tf.isFinite(kept.slice(0, 1).reshape([]))) as tf.Scalar;
        optimizer.apply(clipped, lr, finite);
        const vector = tf.concat([kept, norm.reshape([1])]) as tf.Tensor1D;
        kept.dispose();
        return vector;
      });
      step += 1;
      pending.push({ step, lr, tokens: batch.tokenCount, values });
    } finally {
      disposeBatch(batch);
    }
  }

  /** Reads every pending step's values in one asynchronous transfer and reports them. */
  async function flush(): Promise<void> {
    if (pending.length === 0) return;
    const window = pending;
    pending = [];
    const stacked = stackChunked(window.map((p) => p.values));
    window.forEach((p) => p.values.dispose());
    const data = await stacked.data();
    stacked.dispose();
    const now = performance.now();
    const msPerStep = (now - windowStart) / window.length;
    windowStart = now;
    const width = LOSS_SLOTS.length + 1;
    const records: StepRecord[] = window.map((p, i) => {
      const row = data.subarray(i * width, (i + 1) * width);
      const record: StepRecord = {
        step: p.step,
        total: row[0],
        lr: p.lr,
        grad_norm: row[LOSS_SLOTS.length],
        ms_per_step: msPerStep,
        tokens_per_s: msPerStep > 0 ? (p.tokens * 1000) / msPerStep : 0,
      };
      LOSS_SLOTS.forEach((slot, j) => {
        if (slot !== 'total' && terms.includes(slot)) record[slot] = row[j];
      });
      return record;
    });
    callbacks.onStep?.(records);
    const bad = records.find((r) => !Number.isFinite(r.total) || !Number.isFinite(r.grad_norm));
    if (bad) throw new NonFiniteError(bad.step, bad.total, bad.grad_norm);
  }

  function* evalBatches(indices: readonly number[]): Generator<Batch> {
    for (let i = 0; i < indices.length; i += config.batch_size) {
      const batch = batcher.batchOf(indices.slice(i, i + config.batch_size), config.batch_size);
      try {
        yield batch;
      } finally {
        disposeBatch(batch);
      }
    }
  }

  async function evaluate(): Promise<EvalRecord> {
    const metrics = await evaluateBatches(
      {
        student,
        config,
        projection,
        langs: set.metadata.langs,
        activeTerms: terms,
        positionsPerRow: set.task === 'classification' ? 1 : set.seqLen,
      },
      evalBatches(evalIndices),
    );
    const record = { step, metrics };
    callbacks.onEval?.(record);
    windowStart = performance.now(); // evaluation time is not training time
    return record;
  }

  const yieldToEventLoop = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

  async function loop(maxSteps: number, respectPause: boolean): Promise<void> {
    status = 'running';
    windowStart = performance.now();
    let done = 0;
    try {
      while (done < maxSteps && !stopped && !(respectPause && pauseRequested) && step < config.steps) {
        trainStep();
        done += 1;
        const evalDue = (config.eval_every > 0 && step % config.eval_every === 0) || step === config.steps;
        if (pending.length >= config.report_every || evalDue) {
          await flush();
          await yieldToEventLoop();
        }
        if (evalDue) await evaluate();
      }
      await flush();
      if (step >= config.steps || stopped) {
        status = 'done';
        callbacks.onDone?.({ reason: stopped ? 'stopped' : 'completed', step });
      } else {
        status = 'paused';
      }
    } catch (caught) {
      const err = explainWasmOutOfMemory(caught, tf.getBackend());
      try {
        pending.forEach((p) => p.values.dispose());
      } catch {
        // an aborted wasm module cannot free anything any more; the error below says so
      }
      pending = [];
      status = 'paused';
      const message = err instanceof Error ? err.message : String(err);
      callbacks.onDone?.({ reason: 'error', step, error: message });
      throw err;
    }
  }

  function run(maxSteps: number, respectPause: boolean): Promise<void> {
    if (status === 'disposed') return Promise.reject(new Error('trainer disposed'));
    if (running) return running;
    pauseRequested = false;
    running = loop(maxSteps, respectPause).finally(() => {
      running = null;
    });
    return running;
  }

  async function exportStudent(): Promise<StudentExport> {
    const tensors: NamedArray[] = [];
    for (const [name, v] of student.params) {
      tensors.push({ name, dtype: 'F32', shape: [...v.shape], data: (await v.data()) as Float32Array });
    }
    if (projection) tensors.push({ name: PROJECTION_NAME, dtype: 'F32', shape: [...projection.shape], data: (await projection.data()) as Float32Array });
    return {
      tensors,
      config: {
        ...hfConfig(spec),
        num_parameters: student.paramCount,
        distill: { ...config },
        backend: backend.name,
        steps_trained: step,
        split: { source: split.source, n_train: split.train.length, n_eval: split.eval.length },
      },
    };
  }

  function loadStudent(tensors: readonly NamedArray[]): void {
    const byName = new Map(tensors.map((t) => [t.name, t]));
    for (const [name, v] of trainable) {
      const t = byName.get(name);
      if (!t) {
        if (name === PROJECTION_NAME) continue; // a student exported without a projection keeps its fresh one
        throw new Error(`student weights lack "${name}"`);
      }
      if (t.shape.join(',') !== v.shape.join(',')) {
        throw new Error(`student weight "${name}": expected shape [${v.shape}], found [${t.shape}]`);
      }
      tf.tidy(() => v.assign(tf.tensor(t.data, t.shape, 'float32')));
    }
  }

  async function namedArrays(vars: ReadonlyMap<string, tf.Variable>): Promise<NamedArray[]> {
    const out: NamedArray[] = [];
    for (const [name, v] of vars) out.push({ name, dtype: 'F32', shape: [...v.shape], data: (await v.data()) as Float32Array });
    return out;
  }

  async function saveCheckpoint(): Promise<TrainerCheckpoint> {
    if (running) throw new Error('pause the run before taking a checkpoint');
    return {
      version: 1,
      step,
      params: await namedArrays(trainable),
      adam: { step: optimizer.state.step, m: await namedArrays(optimizer.state.m), v: await namedArrays(optimizer.state.v) },
      rng: { stream: stream.getState(), dropout: dropoutRng.getState() },
    };
  }

  function assignAll(vars: ReadonlyMap<string, tf.Variable>, arrays: readonly NamedArray[], what: string): void {
    const byName = new Map(arrays.map((a) => [a.name, a]));
    for (const [name, v] of vars) {
      const a = byName.get(name);
      if (!a || a.shape.join(',') !== v.shape.join(',')) {
        throw new Error(`checkpoint ${what} "${name}" is missing or has another shape: was it taken with another config?`);
      }
    }
    for (const [name, v] of vars) {
      const a = byName.get(name) as NamedArray;
      tf.tidy(() => v.assign(tf.tensor(a.data, a.shape, 'float32')));
    }
  }

  function loadCheckpoint(checkpoint: TrainerCheckpoint): void {
    if (running) throw new Error('pause the run before restoring a checkpoint');
    if (checkpoint.version !== 1) throw new Error(`unsupported checkpoint version ${String(checkpoint.version)}`);
    assignAll(trainable, checkpoint.params, 'weight');
    assignAll(optimizer.state.m, checkpoint.adam.m, 'AdamW first moment');
    assignAll(optimizer.state.v, checkpoint.adam.v, 'AdamW second moment');
    optimizer.state.step = checkpoint.adam.step;
    stream.setState(checkpoint.rng.stream);
    dropoutRng.setState(checkpoint.rng.dropout);
    step = checkpoint.step;
    if (status === 'done' && step < config.steps) status = 'paused';
  }

  async function predictExamples(indices: readonly number[], k: number): Promise<ExamplePrediction[]> {
    const out: ExamplePrediction[] = [];
    for (let i = 0; i < indices.length; i += config.batch_size) {
      const chunk = indices.slice(i, i + config.batch_size);
      const batch = batcher.batchOf(chunk, config.batch_size);
      try {
        const width = set.task === 'classification' ? (set.numClasses ?? 1) : set.vocabSize;
        const kk = Math.min(k, width);
        const { values, idx } = tf.tidy(() => {
          const logits = student.forward(batch.inputIds, batch.mask, { training: false }).logits;
          const top = tf.topk(tf.softmax(logits.reshape([-1, width])), kk);
          return { values: top.values, idx: top.indices };
        });
        const [probs, ids] = await Promise.all([values.data(), idx.data()]);
        values.dispose();
        idx.dispose();
        const positions = set.task === 'classification' ? 1 : set.seqLen;
        chunk.forEach((index, row) => {
          const from = row * positions * kk;
          out.push({
            index,
            k: kk,
            positions,
            topIds: Int32Array.from(ids.subarray(from, from + positions * kk)),
            topProbs: Float32Array.from(probs.subarray(from, from + positions * kk)),
          });
        });
      } finally {
        disposeBatch(batch);
      }
    }
    return out;
  }

  async function predictLogits(indices: readonly number[], topk?: number): Promise<LogitsPrediction> {
    const classification = set.task === 'classification';
    const width = classification ? (set.numClasses ?? 1) : set.vocabSize;
    const positions = classification ? 1 : set.seqLen;
    const k = topk ? Math.min(topk, width) : 0;
    const rowFloats = positions * (k || width);
    const logitsOut = new Float32Array(indices.length * rowFloats);
    const idsOut = k ? new Int32Array(indices.length * rowFloats) : undefined;
    const lseOut = k ? new Float32Array(indices.length * positions) : undefined;
    for (let i = 0; i < indices.length; i += config.batch_size) {
      const chunk = indices.slice(i, i + config.batch_size);
      const batch = batcher.batchOf(chunk, config.batch_size);
      try {
        const outs = tf.tidy(() => {
          const logits = student.forward(batch.inputIds, batch.mask, { training: false }).logits.reshape([-1, width]);
          if (!k) return [logits];
          const top = tf.topk(logits, k);
          return [top.values, top.indices, tf.logSumExp(logits, 1)];
        });
        const data = await Promise.all(outs.map((t) => t.data()));
        outs.forEach((t) => t.dispose());
        const n = chunk.length;
        logitsOut.set(data[0].subarray(0, n * rowFloats), i * rowFloats);
        idsOut?.set(data[1].subarray(0, n * rowFloats), i * rowFloats);
        lseOut?.set(data[2].subarray(0, n * positions), i * positions);
      } finally {
        disposeBatch(batch);
      }
    }
    const lead = classification ? [indices.length] : [indices.length, positions];
    if (idsOut && lseOut) return { kind: 'topk', ids: idsOut, logits: logitsOut, logsumexp: lseOut, shape: [...lead, k] };
    return { kind: 'dense', logits: logitsOut, shape: [...lead, width] };
  }

  async function measureLatency(): Promise<{ ms_per_example: number }> {
    const pool = evalIndices.length > 0 ? evalIndices : split.train;
    const batch = batcher.batchOf(pool, config.batch_size);
    try {
      const once = async () => {
        const logits = tf.tidy(() => student.forward(batch.inputIds, batch.mask, { training: false }).logits.sum());
        await logits.data();
        logits.dispose();
      };
      await once();
      await once();
      const times: number[] = [];
      for (let i = 0; i < 5; i++) {
        const t0 = performance.now();
        await once();
        times.push(performance.now() - t0);
      }
      times.sort((a, b) => a - b);
      return { ms_per_example: times[2] / config.batch_size };
    } finally {
      disposeBatch(batch);
    }
  }

  return {
    config,
    backend,
    paramCount: student.paramCount,
    status: () => status,
    currentStep: () => step,
    start: () => run(Number.POSITIVE_INFINITY, true),
    pause: () => {
      pauseRequested = true;
    },
    stop: () => {
      stopped = true;
      if (!running && status !== 'disposed') {
        status = 'done';
        callbacks.onDone?.({ reason: 'stopped', step });
      }
    },
    step: (n = 1) => run(n, false),
    evaluate,
    exportStudent,
    loadStudent,
    saveCheckpoint,
    loadCheckpoint,
    predictExamples,
    predictLogits,
    measureLatency,
    dispose: () => {
      stopped = true;
      pending.forEach((p) => p.values.dispose());
      pending = [];
      student.dispose();
      projection?.dispose();
      optimizer.dispose();
      status = 'disposed';
    },
  };
}

/** A loss or gradient norm that is NaN or ±Inf: the run pauses with this error. */
export class NonFiniteError extends Error {
  constructor(
    readonly step: number,
    readonly loss: number,
    readonly gradNorm: number,
  ) {
    super(`non-finite ${Number.isFinite(loss) ? 'gradient norm' : 'loss'} at step ${step} (loss ${loss}, grad norm ${gradNorm})`);
    this.name = 'NonFiniteError';
  }
}
