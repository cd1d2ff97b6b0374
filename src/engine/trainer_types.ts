/**
 * The trainer's public surface, shared by the in-thread engine (CLI, tests) and the worker client (page).
 * Plain numbers and typed arrays only: these objects cross the worker boundary unchanged.
 */
import type { DistillConfig } from './config/config.ts';
import type { BackendChoice } from './backend.ts';
import type { LossName } from './losses/names.ts';

/** Loss components of one step: raw (unweighted) values, one per LOSS_NAMES term computed; `total` is Σ alpha_i · loss_i. */
export interface LossComponents extends Partial<Record<LossName, number>> {
  total: number;
}

/** One entry of the per-step history (report.json `history`). */
export interface StepRecord extends LossComponents {
  step: number; // 1-based optimiser step
  lr: number;
  grad_norm: number; // global gradient norm before clipping
  ms_per_step: number; // wall time averaged over the report window (values are read back asynchronously)
  tokens_per_s: number; // non-pad input tokens processed per second, same window
}

/** Metrics on the held-out split (and per language when the set has `langs`). */
export interface EvalMetrics {
  label_loyalty: number; // share of distilled positions where argmax student = argmax teacher
  prob_loyalty: number; // mean of 1 − √JSD(p_teacher ‖ p_student), log base 2, T = 1
  kl: number; // mean KL(p_teacher ‖ p_student) in nats, T = 1
  teacher_accuracy: number | null; // against labels; null when the set has no labels
  student_accuracy: number | null;
  n_positions: number;
  /**
   * Masked LM only: label / probability loyalty over the labelled (masked) positions alone — the tokens the
   * teacher had to predict, without the copied-through inputs that make loyalty over all positions start high.
   */
  masked_label_loyalty?: number;
  masked_prob_loyalty?: number;
  /** Held-out losses with the run's weights (same components as training). */
  loss?: LossComponents;
  per_lang?: Record<string, Omit<EvalMetrics, 'per_lang' | 'loss'>>;
}

export interface EvalRecord {
  step: number;
  metrics: EvalMetrics;
}

export interface TrainerCallbacks {
  /** Called in batches of report_every steps, in order, once the values are read back. */
  onStep?: (records: StepRecord[]) => void;
  onEval?: (record: EvalRecord) => void;
  /** The run ended: all steps done, stopped, or failed. */
  onDone?: (summary: { reason: 'completed' | 'stopped' | 'error'; step: number; error?: string }) => void;
}

export type TrainerStatus = 'idle' | 'running' | 'paused' | 'done' | 'disposed';

export interface Trainer {
  readonly config: Readonly<DistillConfig>;
  readonly backend: BackendChoice;
  /** Trainable parameters of the student (the exported model; excludes the cosine projection). */
  readonly paramCount: number;
  status(): TrainerStatus;
  /** Current optimiser step (0 before training). */
  currentStep(): number;
  /** Runs until config.steps, pause() or stop(). Resolves when the loop yields. */
  start(): Promise<void>;
  /** Asks the loop to stop after the current step (resume with start()). */
  pause(): void;
  /** Ends the run; start() afterwards does nothing. */
  stop(): void;
  /** Runs exactly n steps (default 1) even when paused; used by tests and the step button. */
  step(n?: number): Promise<void>;
  /** Evaluates on the held-out split now (or on the examples `indices`, e.g. one batch's for parity records). */
  evaluate(indices?: readonly number[]): Promise<EvalRecord>;
  /**
   * Everything needed to continue this run exactly where it is: weights, AdamW moments and step, and the
   * positions of the seeded batch and dropout streams (the caller keeps the history). Each tensor is read,
   * checked finite and made a Blob before the next is read; rejects when one holds a NaN or ±Inf.
   */
  saveCheckpoint(): Promise<TrainerCheckpoint>;
  /**
   * Restores a checkpoint of a run with the same config and data (keep the run paused until it resolves);
   * training then continues the same curve.
   */
  loadCheckpoint(checkpoint: TrainerCheckpoint): Promise<void>;
  /**
   * Replaces the student's weights with exported ones, as model.safetensors holds them (torch names and layout;
   * a `distill.hidden_projection.weight` entry restores the cosine projection); names and shapes must match.
   */
  loadStudent(tensors: readonly NamedArray[]): void;
  /** The student as a Hugging Face model: model.safetensors tensors, config.json, and the cosine projection. */
  exportStudent(): Promise<StudentExport>;
  /**
   * The AdamW state as torch's AdamW keys it: `exp_avg.NAME` / `exp_avg_sq.NAME` in model.safetensors layout,
   * and the step count (what a PyTorch continuation resumes from: tools/handoff/train.py).
   */
  exportOptimizer(): Promise<{ step: number; tensors: NamedArray[] }>;
  /** exportStudent + exportOptimizer as sources read one at a time by a streamed writer (keep the run paused meanwhile). */
  exportSources(): StudentSources;
  /** Student predictions for a few examples, for the compare view (top-k per position, T = 1). */
  predictExamples(indices: readonly number[], topk: number): Promise<ExamplePrediction[]>;
  /**
   * The student's raw logits (T = 1) for examples `indices`, in order: dense [n, L, V] / [n, C], or with
   * `topk` the k largest per position with the full logsumexp (the same layout as a top-k teacher).
   */
  predictLogits(indices: readonly number[], topk?: number): Promise<LogitsPrediction>;
  /** Student forward latency: median ms per example at the run's batch size, after warm-up. */
  measureLatency(): Promise<{ ms_per_example: number }>;
  /** Releases every tensor the trainer owns. */
  dispose(): void;
}

/** One named array of the exported student; dtype follows safetensors names. */
export interface NamedArray {
  name: string;
  dtype: 'F32' | 'I32';
  shape: number[];
  data: Float32Array | Int32Array;
}

/** A NamedArray read only when asked: a streamed writer copies each out and lets it go before the next. */
export interface NamedSource {
  name: string;
  dtype: 'F32';
  shape: number[];
  read(): Promise<Float32Array>;
}

/** What a student directory is written from, read tensor by tensor (io's encodeStudentFilesStreamed). */
export interface StudentSources {
  student: Omit<StudentExport, 'tensors' | 'projection'> & { tensors: NamedSource[]; projection?: NamedSource };
  optimizer: { step: number; tensors: NamedSource[] };
}

export interface StudentExport {
  /** model.safetensors: the family's torch names and layout ([out, in] for nn.Linear), tied weights left out. */
  tensors: NamedArray[];
  /** config.json: the family's transformers config (model_type, architectures, sizes, token ids, dtype, …) plus
   * `distill` (the resolved DistillConfig), num_parameters, backend, steps_trained and split. */
  config: Record<string, unknown>;
  /** The cosine loss's learned projection [d_model, H] (trained, not part of the model), when the run has one. */
  projection?: NamedArray;
}

export type LogitsPrediction =
  | { kind: 'dense'; logits: Float32Array; shape: number[] }
  | { kind: 'topk'; ids: Int32Array; logits: Float32Array; logsumexp: Float32Array; shape: number[] /* [n, L, k] */ };

/** Student top-k at each position of one example (classification: one "position", the pooled output). */
export interface ExamplePrediction {
  index: number;
  /** Int32 [P, k] ids and Float32 [P, k] probabilities, P = L (token tasks) or 1 (classification). */
  topIds: Int32Array;
  topProbs: Float32Array;
  k: number;
  positions: number;
}

/**
 * One tensor of a checkpoint: its float32 values as a Blob of their little-endian bytes (what a checkpoint
 * takes: a Blob posts to the page and into IndexedDB as a handle, its bytes kept by the browser, off every JS
 * heap), or as a Float32Array (checkpoints stored before they held Blobs: still restored).
 */
export interface CheckpointTensor {
  name: string;
  dtype: 'F32';
  shape: number[];
  data: Blob | Float32Array;
}

/** A resumable snapshot of a trainer (Blobs and numbers: storable in IndexedDB, postable to a worker). */
export interface TrainerCheckpoint {
  version: 1;
  step: number;
  params: CheckpointTensor[];
  adam: { step: number; m: CheckpointTensor[]; v: CheckpointTensor[] };
  rng: { stream: { order: number[]; cursor: number; rng: number }; dropout: number };
}
