import * as tf from '@tensorflow/tfjs';
import type { BackendChoice } from './backend.ts';
import type { DistillConfig } from './config/config.ts';
import { resolveAuto } from './config/auto.ts';
import { createBatcher, createIndexStream, disposeBatch, shiftedCausalLabels } from './data/batches.ts';
import { splitExamples, type Split } from './data/split.ts';
import { createHiddenProjection } from './losses/cosine.ts';
import type { ArchitectureName } from './model/architectures/types.ts';
import { studentSpec } from './model/spec.ts';
import { createStudent, decayedNames, type Student } from './model/student.ts';
import { createAdamW, globalNorm } from './optim/adamw.ts';
import { learningRate } from './optim/schedule.ts';
import { stackChunked } from './ops/chunked.ts';
import { requirePatch } from './patches/index.ts';
import { createRng } from './rng.ts';
import type { EvalRecord, NamedArray, Trainer, TrainerCallbacks, TrainerCheckpoint, TrainerStatus } from './trainer_types.ts';
import { checkCompatible } from './train/compatibility.ts';
import { batchesOf, evaluateBatches } from './train/evaluate.ts';
import { createInference } from './train/inference.ts';
import { restoreCheckpoint, takeCheckpoint } from './train/checkpoint.ts';
import { activeTerms, objective } from './train/objective.ts';
import { NonFiniteError } from './train/non_finite.ts';
import { stepRecords } from './train/step_records.ts';
import { assignInitialWeights, exportOptimizerOf, exportStudentOf, loadStudentInto, PROJECTION_NAME, studentSourcesOf } from './train/student_io.ts';
import type { DistillSet } from './types.ts';
import { checkStepFits } from './memory/step_estimate.ts';
import { explainWasmOutOfMemory } from './wasm_memory.ts';

export { NonFiniteError } from './train/non_finite.ts';

export interface TrainerOptions {
  /** The backend the caller selected (selectBackend); by default the current tfjs backend is described. */
  backend?: BackendChoice;
  /** Examples to evaluate on instead of the held-out split (e.g. `distill eval --split all`). */
  evalIndices?: readonly number[];
  /** The student's family when it is not the config's (a run directory of another family, e.g. legacy). */
  architecture?: ArchitectureName;
  /**
   * Weights to start from instead of the seeded init, in model.safetensors layout (torch names and layout),
   * any subset (e.g. copied from the teacher: model/teacher_init.ts); the others keep their seeded init.
   */
  initialWeights?: readonly NamedArray[];
  /**
   * Bytes one training step may hold (memory/step_estimate.ts): a run that needs more is refused before any
   * tensor is allocated. wasm is also capped by its heap; other backends default to 4 GiB.
   */
  memoryBudgetBytes?: number;
}

export { PROJECTION_NAME } from './train/student_io.ts';

/**
 * Creates a trainer over a loaded set. The lifecycle (start / pause / step / stop / dispose) follows
 * trainer_types.ts; callbacks receive plain numbers in batches of report_every steps.
 *
 * Per step, on the device: forward, Σ alpha·loss, gradients, global-norm clip, AdamW. Nothing is read back
 * until report_every steps have queued, then one asynchronous read returns every loss component.
 */
export async function createTrainer(
  set: DistillSet,
  requested: Readonly<DistillConfig>,
  callbacks: TrainerCallbacks = {},
  options: TrainerOptions = {},
): Promise<Trainer> {
  const config = resolveAuto(requested); // 'auto' values as the numbers this run uses (config/auto.ts)
  checkCompatible(set, config);
  await tf.ready();
  if (tf.getBackend() === 'wasm') requirePatch('unsorted-segment-sum'); // embeddings cannot train on wasm without it (patches/)
  checkStepFits(set, config, tf.getBackend(), options.memoryBudgetBytes); // before any tensor is allocated
  const backend: BackendChoice = options.backend ?? { name: tf.getBackend() as BackendChoice['name'], reason: 'selected by the caller', skipped: [] };
  const spec = studentSpec(config, set.task, { vocabSize: set.vocabSize, numClasses: set.numClasses, padId: set.metadata.padId }, options.architecture);
  const student: Student = createStudent(spec, config.seed);
  if (options.initialWeights) assignInitialWeights({ spec, student }, options.initialWeights);

  const projection = config.alpha_cos > 0 && set.teacherHidden
    ? createHiddenProjection(spec.dModel, set.teacherHidden.size, config.seed + 1)
    : null;
  const decayed = decayedNames(spec);
  const trainable = new Map(student.params);
  if (projection) trainable.set(PROJECTION_NAME, projection);
  const nameOf = new Map<string, string>([...trainable].map(([name, v]) => [v.name, name]));
  const optimizer = createAdamW(
    trainable,
    { beta1: config.beta1, beta2: config.beta2, eps: config.adam_eps, weightDecay: config.weight_decay },
    (name) => name === PROJECTION_NAME || decayed.has(name),
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
        const { norm, scale } = globalNorm(byName, config.clip_norm);
        const kept = parts as unknown as tf.Tensor1D;
        // Skip the update on the device when the loss or the gradient is NaN/Inf (no read-back needed).
        const finite = tf.logicalAnd(tf.isFinite(norm), tf.isFinite(kept.slice(0, 1).reshape([]))) as tf.Scalar;
        optimizer.apply(byName, lr, finite, scale ?? undefined); // the clip is applied inside, parameter by parameter
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
    const data = (await stacked.data()) as Float32Array;
    stacked.dispose();
    const now = performance.now();
    const records = stepRecords(window, data, now - windowStart, terms);
    windowStart = now;
    callbacks.onStep?.(records);
    const bad = records.find((r) => !Number.isFinite(r.total) || !Number.isFinite(r.grad_norm));
    if (bad) throw new NonFiniteError(bad.step, bad.total, bad.grad_norm);
  }

  async function evaluate(indices: readonly number[] = evalIndices): Promise<EvalRecord> {
    const metrics = await evaluateBatches(
      {
        student,
        config,
        projection,
        langs: set.metadata.langs,
        activeTerms: terms,
        positionsPerRow: set.task === 'classification' ? 1 : set.seqLen,
        maskedLoyalty: set.task === 'mlm',
      },
      batchesOf(indices, config.batch_size, (rows) => batcher.batchOf(rows, config.batch_size)),
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
      const err = explainWasmOutOfMemory(caught, tf.getBackend(), set.teacher.kind);
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

  const io = { spec, student, projection, optimizer, config, metadata: set.metadata };
  const exportStudent = () => exportStudentOf(io, { backend: backend.name, step, split });
  const loadStudent = (tensors: readonly NamedArray[]) => loadStudentInto(io, tensors);
  async function exportOptimizer() {
    if (running) throw new Error('pause the run before exporting the optimiser state');
    return exportOptimizerOf(io);
  }
  function exportSources() {
    // status, not `running`: at onDone the loop has taken its last step but its promise has not settled yet
    if (status === 'running') throw new Error('pause the run before exporting the student');
    return studentSourcesOf(io, { backend: backend.name, step, split });
  }

  const checkpointParts = { trainable, optimizer, stream, dropoutRng };

  async function saveCheckpoint(): Promise<TrainerCheckpoint> {
    if (running) throw new Error('pause the run before taking a checkpoint');
    return takeCheckpoint(checkpointParts, step);
  }

  async function loadCheckpoint(checkpoint: TrainerCheckpoint): Promise<void> {
    if (running) throw new Error('pause the run before restoring a checkpoint');
    step = await restoreCheckpoint(checkpointParts, checkpoint);
    if (status === 'done' && step < config.steps) status = 'paused';
  }

  const inference = createInference({
    student,
    set,
    batchSize: config.batch_size,
    batchOf: (indices) => batcher.batchOf(indices, config.batch_size),
    latencyPool: evalIndices.length > 0 ? evalIndices : split.train,
  });

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
    exportOptimizer,
    exportSources,
    loadStudent,
    saveCheckpoint,
    loadCheckpoint,
    ...inference,
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
